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

done_testing;
