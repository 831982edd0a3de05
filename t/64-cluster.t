#!/usr/bin/perl
# The cluster of scripts/cluster, started for this test on ports of its own:
# HAProxy in front of two Apache nodes, sessions in Redis, a PostgreSQL
# primary with a synchronous hot standby. A signed-in user lands on either
# node for each request and never notices; the health check says whether a
# node reaches a primary; what only loopback may see stays behind HAProxy.
use strict;
use warnings;
use lib "$ENV{PD_ROOT}/t/lib";
use Test::More;
use LWP::UserAgent;
use PD::Test;
use PD::Fixtures qw(is_error ticket_body);
use PD::Sso;
use PD::Cluster;
use POSIX ();
use Time::HiRes qw(time sleep);

our @gap_errors;

plan skip_all => 'the cluster needs root (it starts PostgreSQL and Apache as their users)' if $>;

my $c = PD::Cluster->start;
my $ua = LWP::UserAgent->new(timeout => 10, max_redirect => 0);

# ---- the health check ------------------------------------------------------------

{
    my $r = $ua->get("$c->{url}/health");
    is $r->code, 200, 'GET /health through HAProxy: 200, without a session';
    is $r->decoded_content, qq({"status":"ok"}\n), '... and says only "ok"';
    is $r->header('Cache-Control'), 'no-store', '... not to be kept';
    for my $n (1, 2) {
        is $ua->get($c->node_url($n) . '/health')->code, 200, "node${n}'s own health check: 200";
    }
    my $p = $ua->post("$c->{url}/health", Content => '{}', 'Content-Type' => 'application/json');
    is $p->code, 405, 'POST /health: 405';
    like $p->header('Allow') // '', qr/^GET, HEAD$/, '... naming GET and HEAD';
    is $ua->head("$c->{url}/health")->code, 200, 'HEAD /health: 200';
}

# ---- what only loopback may see -------------------------------------------------

is $ua->get("$c->{url}/server-status?auto")->code, 404, 'server-status through HAProxy: 404';
is $ua->get("$c->{url}/metrics")->code, 404, '/metrics through HAProxy: 404';
like $ua->get($c->node_url(1) . '/server-status?auto')->decoded_content, qr/^Total Accesses: \d+/m,
    "a node's server-status from loopback";

# ---- replication ---------------------------------------------------------------------

is $c->psql_primary(q{SELECT string_agg(application_name || ' ' || sync_state, ',') FROM pg_stat_replication}),
    'pg' . $c->standby . ' sync', 'the primary has one standby, synchronous';
is $c->psql_primary('SHOW synchronous_commit'), 'on', '... and a commit waits for it';

# ---- one session, either node ----------------------------------------------------

my $b = do {
    local $ENV{PD_TEST_URL} = $c->{url};
    local $ENV{PD_TEST_IDP_ISSUER} = $c->{issuer};
    PD::Sso->login('cust_a');
};
ok $b->session_cookie, 'cust_a signs in through HAProxy';

my %before = map { ($_ => $c->access_count($_, qr{"GET /api/me HTTP})) } 1, 2;
my @me = map { $b->get('/api/me') } 1 .. 10;
is_deeply [map { $_->status } @me], [(200) x 10], 'ten requests through HAProxy: all 200';
is_deeply [map { $_->json->{username} } @me], [('cust_a') x 10], '... all as cust_a';
my %served = map { ($_ => $c->access_count($_, qr{"GET /api/me HTTP}) - $before{$_}) } 1, 2;
is $served{1} + $served{2}, 10, '... served by the two nodes';
cmp_ok $served{1}, '>=', 4, "... node1 served its share ($served{1})";
cmp_ok $served{2}, '>=', 4, "... node2 served its share ($served{2})";

# the same cookie, each node in turn, straight to it
my @turns;
for my $i (1 .. 6) {
    my $n = $i % 2 + 1;
    my $r = $b->ua->get($c->node_url($n) . '/api/me', Accept => 'application/json');
    push @turns, $r->code . ' ' . (eval { $PD::Test::JSON->decode($r->decoded_content)->{username} } // '-');
}
is_deeply \@turns, [('200 cust_a') x 6], 'the session, straight to node2, node1, node2 ...: the same user each time';

# a write on one node is read on the other
my $body = ticket_body('cust_a', title => 'Kasir macet di node satu');
my $created = $b->request(POST => '/api/tickets', json => $body, origin => 1);
is $created->status, 201, 'a ticket created through HAProxy with the session';
my $id = $created->json->{id};
for my $n (1, 2) {
    my $r = $b->ua->get($c->node_url($n) . "/api/tickets/$id", Accept => 'application/json');
    is $r->code, 200, "... node$n reads it";
}
is $c->psql_standby("SELECT count(*) FROM tickets WHERE id = $id"), 1,
    '... and the standby has it';

# a bearer token works on either node too
my $token = $c->token('expert');
for my $n (1, 2) {
    my $r = $ua->get($c->node_url($n) . "/api/tickets/$id", Authorization => "Bearer $token");
    is $r->code, 200, "a bearer token on node$n";
}

is_deeply [$c->unexpected_errors], [], 'no unexpected error lines in either node\'s log';

# ---- failover ----------------------------------------------------------------------------

# Writes go on through HAProxy while the primary is killed and the standby
# promoted: a client that keeps a ledger of every create the server
# acknowledged, retrying a refused one with the same Idempotency-Key.
my $ledger = "$c->{dir}/ledger.json";
my $stop_flag = "$c->{dir}/stop-writing";
my $writer = fork // die "fork: $!";
if (!$writer) {
    my $w = LWP::UserAgent->new(timeout => 15, max_redirect => 0);
    my $tok = $c->token('cust_a');
    my (@acked, @refused);
    my $n = 0;
    while (!-e $stop_flag) {
        my $key = "ledger-$$-" . ++$n;
        my $title = "Ledger $$ $n";
        my $json = $PD::Test::JSON->encode({ %$body, title => $title });
        for (1 .. 200) {
            my $r = $w->post("$c->{url}/api/tickets", Authorization => "Bearer $tok",
                'Idempotency-Key' => $key, 'Content-Type' => 'application/json', Content => $json);
            if ($r->code == 201 || $r->code == 200) {
                push @acked, { key => $key, title => $title,
                               id => $PD::Test::JSON->decode($r->decoded_content)->{id} };
                last;
            }
            push @refused, { status => $r->code, retry_after => $r->header('Retry-After'),
                             internal => ($r->header('Client-Warning') // '') eq 'Internal response' ? 1 : 0 };
            select undef, undef, undef, 0.2;
        }
        select undef, undef, undef, 0.05;
    }
    open my $out, '>', $ledger or die "$ledger: $!";
    print {$out} $PD::Test::JSON->encode({ acked => \@acked, refused => \@refused });
    close $out;
    POSIX::_exit(0);
}
sleep 2;

my $old = $c->primary;
ok kill('KILL', $c->pg_pid($old)), "the primary pg$old is killed (SIGKILL)";
expect_in_gap();
sleep 3;    # long enough for HAProxy to see both nodes fail their checks
{
    my $r = $ua->get("$c->{url}/api/tickets", Authorization => "Bearer $token");
    is $r->code, 503, 'through HAProxy, no node up: 503';
    like $r->header('Retry-After') // '', qr/^\d+$/, '... with Retry-After';
    like $r->decoded_content, qr/"code":"service_unavailable"/, '... and the API\'s error body';
}

my ($rc, $out) = $c->run('failover');
is $rc, 0, 'scripts/cluster failover' or diag $out;
my $promoted = time;
my $new = $c->primary;
is $new, $old eq 'a' ? 'b' : 'a', "pg$new is the primary now";
my $cust_token = $c->token('cust_a');
for my $n (1, 2) {
    my $first = wait_until(sub {
        my $r = $ua->post($c->node_url($n) . '/api/tickets', Authorization => "Bearer $cust_token",
            'Content-Type' => 'application/json',
            Content => $PD::Test::JSON->encode({ %$body, title => "After failover on node$n" }));
        $r->code == 201;
    }, 10);
    ok $first, "node$n writes to the new primary within 10 s of the promotion, without a restart";
    diag sprintf 'node%d: first write %.1f s after the promotion', $n, time - $promoted;
}
sleep 2;
open my $flag, '>', $stop_flag or die;
close $flag;
waitpid $writer, 0;
my $result = do { local $/; open my $fh, '<', $ledger or die "$ledger: $!"; $PD::Test::JSON->decode(<$fh>) };
my @acked = @{ $result->{acked} };
cmp_ok scalar @acked, '>', 5, 'the ledger client had writes acknowledged (' . @acked . ')';
my %by_status;
$by_status{ $_->{internal} ? 'no answer' : $_->{status} }++ for @{ $result->{refused} };
diag 'refused during the failover: ' . join(', ', map { "$by_status{$_} x $_" } sort keys %by_status);
ok !(grep { $_->{status} == 503 && !defined $_->{retry_after} } @{ $result->{refused} }),
    'every 503 the client saw had Retry-After';
ok !(grep { $_->{status} == 500 } @{ $result->{refused} }), '... and none was a 500';
my @lost = grep {
    ($c->psql_primary("SELECT count(*) FROM tickets WHERE id = $_->{id} AND title = '$_->{title}'") // -1) != 1
} @acked;
is_deeply \@lost, [], 'every acknowledged create is on the new primary, exactly once';
my $prefix = "Ledger $writer ";
is $c->psql_primary("SELECT count(*) FROM tickets WHERE title LIKE '$prefix%'"), scalar @acked,
    '... and no create is there twice or unacknowledged';

# the background work goes on, on the new primary, once
{
    my $tid = $acked[-1]{id};
    ok wait_until(sub { !$c->psql_primary("SELECT count(*) FROM notify_outbox WHERE ticket_id = $tid") }, 20),
        'the notifications of a ticket created after the failover are fanned out';
    is $c->psql_primary(q{SELECT count(*) FROM (SELECT 1 FROM notify_deliveries
        GROUP BY activity_id, user_id, channel, endpoint_id HAVING count(*) > 1) d}), 0,
        '... nobody is told twice of anything';
    my $stale = $acked[0]{id};
    $c->psql_primary("UPDATE tickets SET status = 'solved', solved_at = now() - interval '8 days' WHERE id = $stale");
    ok wait_until(sub { ($c->psql_primary("SELECT status FROM tickets WHERE id = $stale") // '') eq 'closed' }, 20),
        'the auto-close runs on the new primary';
    is $c->psql_primary("SELECT count(*) FROM ticket_activities WHERE ticket_id = $stale AND new_value = 'closed'"), 1,
        '... once, though both nodes run it';
}

# the old primary comes back as the standby
($rc, $out) = $c->run('rebuild');
is $rc, 0, 'scripts/cluster rebuild' or diag $out;
is $c->psql_primary(q{SELECT string_agg(application_name || ' ' || sync_state, ',') FROM pg_stat_replication}),
    "pg$old sync", "pg$old is the synchronous standby of pg$new";
{
    my $r = $b->request(POST => '/api/tickets', json => { %$body, title => 'Sesudah rebuild' }, origin => 1);
    is $r->status, 201, 'the session made before the failover still writes';
    is $c->psql_standby("SELECT count(*) FROM tickets WHERE id = " . ($r->json->{id} // 0)), 1,
        '... and the new standby has the write';
}

is_deeply [$c->unexpected_errors(@gap_errors)], [], 'no unexpected error lines in either node\'s log';

done_testing;

# What the database's absence leaves in the nodes' logs: mod_dbd failing to
# connect or to acquire, the module's own database-failure line.
sub expect_in_gap {
    @gap_errors = (qr/\[dbd:error\].*\b(?:AH00629|AH00632|AH00633|AH00636|AH00639|AH02655)\b/,
        qr/DBD \[pgsql\] Error/, qr/pharmadesk: database failure/);
}
