#!/usr/bin/perl
# Webhooks delivered to a receiver on loopback (PD::WebhookSink), which the
# suite's configuration allows (PharmadeskWebhookAllowNetworks): the
# README's reference vectors and a receiver's check of every request
# (Digest::SHA, the replay window); the payload and headers; which endpoint
# hears of what (events, pharmacies, internal entries, deactivated ones);
# a receiver that fails and recovers (retried, delivered once), one that
# keeps failing (dead) and its replay under the same id, a redirection
# (not followed), 410 Gone (the endpoint deactivated), a silent receiver
# (PharmadeskWebhookTimeout), a long answer (kept in part); a test ping;
# and, with the directive's default, a delivery to 127.0.0.1 or to a name
# that resolves there refused for good.
use strict;
use warnings;
use lib "$ENV{PD_ROOT}/t/lib";
use Test::More;
use Digest::SHA qw(hmac_sha256_hex);
use JSON ();
use PD::Test;
use PD::Fixtures;
use PD::WebhookSink;

my $sink = PD::WebhookSink->start(dir => "$ENV{PD_TEST_RUN_DIR}/webhook-sink-$$");
my $conf = $ENV{PD_TEST_HTTPD_CONF};
my $original = read_file($conf);
my (%ep, @made);

# An endpoint of the test's own at the sink's $path.
sub hook {
    my ($name, %f) = @_;
    my $r = api('admin', POST => '/api/webhook-endpoints', json => { url => $sink->url("/$name"), %f });
    is $r->status, 201, "endpoint $name registered" or diag $r->body;
    push @made, $r->json->{id};
    return $ep{$name} = $r->json;
}

# The ticket's events fanned out: its webhook deliveries are all written.
sub settled {
    my ($tid) = @_;
    return wait_until(sub { !db_value('SELECT count(*) FROM notify_outbox WHERE ticket_id = ?', $tid) }, 20);
}

# An endpoint's deliveries about a ticket: [id, event, status, attempts, last_error].
sub deliveries {
    my ($name, $tid) = @_;
    return [map { [@$_] } db_query(q{SELECT id, event, status, attempts, last_error FROM notify_deliveries
        WHERE endpoint_id = ? AND ticket_id = ? ORDER BY id}, $ep{$name}{id}, $tid)];
}

# Waits until every such delivery is in one of the states.
sub all_in {
    my ($name, $tid, @states) = @_;
    my %want = map { $_ => 1 } @states;
    return wait_until(sub {
        my $d = deliveries($name, $tid);
        @$d && !grep { !$want{ $_->[2] } } @$d;
    }, 40);
}

# The requests the sink got for an endpoint (by its path) about a ticket.
sub got {
    my ($name, $tid) = @_;
    return $sink->requests(sub {
        my $b = eval { $JSON->decode($_->{body}) } // {};
        $_->{path} eq "/$name" && (!defined $tid || ($b->{ticket} && $b->{ticket}{id} == $tid));
    });
}

# ---- the README's reference vectors, and a receiver's check ------------------------

my %vec;
{
    open my $fh, '<', "$ENV{PD_ROOT}/README.md" or die "README.md: $!";
    my $in = 0;
    while (<$fh>) {
        $in = 1 if /^#+ .*reference vectors/i;
        next unless $in;
        $vec{$1} //= $2 if /^(secret|t|body|v1|header):\s+(.+?)\s*$/;
        last if keys %vec == 5;
    }
}
is scalar(keys %vec), 5, "the README's reference vectors: secret, t, body, v1 and the header";
is hmac_sha256_hex("$vec{t}.$vec{body}", $vec{secret}), $vec{v1}, '... v1 is HMAC-SHA256 of "t.body"';
is $vec{header}, "Pharmadesk-Signature: t=$vec{t},v1=$vec{v1}", '... and the header carries both';
my $sig = "t=$vec{t},v1=$vec{v1}";
is PD::WebhookSink::verify($sig, $vec{secret}, $vec{body}, $vec{t} + 10), '', 'a receiver takes it within the window';
is PD::WebhookSink::verify($sig, $vec{secret}, $vec{body}, $vec{t} + 301), 'expired',
    '... and refuses it replayed 301 s later';
is PD::WebhookSink::verify($sig, $vec{secret}, $vec{body}, $vec{t} - 301), 'expired', '... or from the future';
is PD::WebhookSink::verify($sig, "$vec{secret}x", $vec{body}, $vec{t}), 'mismatch', '... or under another secret';
is PD::WebhookSink::verify($sig, $vec{secret}, "$vec{body} ", $vec{t}), 'mismatch', '... or with a byte changed';
is PD::WebhookSink::verify("v1=$vec{v1}", $vec{secret}, $vec{body}, $vec{t}), 'malformed', '... or without t';

# ---- who hears of what ---------------------------------------------------------

hook('all');
hook('internal', include_internal => JSON::true, events => ['public_reply', 'internal_note']);
hook('beta', pharmacy_ids => [pharmacy_id('APT-B')]);
hook('replies', events => ['public_reply']);

my $t1 = create_ticket('cust_a', title => tag('Webhook'))->json;
api('expert', POST => "/api/tickets/$t1->{id}/comments", json => { body => 'Sudah kami periksa.' });
my $note = api('expert', POST => "/api/tickets/$t1->{id}/comments",
    json => { body => 'Catatan rahasia tim.', visibility => 'internal' });
is $note->status, 201, 'an internal note';
my $t2 = create_ticket('cust_b', title => tag('WebhookBeta'))->json;
ok settled($t1->{id}) && settled($t2->{id}), 'the events are fanned out';

is_deeply [map { $_->[1] } @{ deliveries('all', $t1->{id}) }], [qw(ticket_created public_reply)],
    'an endpoint of every event: the new ticket and the reply, not the internal note';
is_deeply [map { $_->[1] } @{ deliveries('internal', $t1->{id}) }], [qw(public_reply internal_note)],
    'one with include_internal and those two events: the reply and the note';
is_deeply deliveries('beta', $t1->{id}), [], "one for APT-B: nothing of APT-A's ticket";
is_deeply [map { $_->[1] } @{ deliveries('beta', $t2->{id}) }], ['ticket_created'], "... APT-B's new ticket";
is_deeply [map { $_->[1] } @{ deliveries('replies', $t1->{id}) }], ['public_reply'], 'one for replies: the reply';
ok all_in('all', $t1->{id}, 'sent') && all_in('internal', $t1->{id}, 'sent'), '... all of them sent';

my @all = got('all', $t1->{id});
is_deeply [sort map { $_->{headers}{'pharmadesk-event'} } @all], [qw(public_reply ticket_created)],
    'the receiver got exactly those, once each';
ok !(grep { $_->{body} =~ /Catatan rahasia/ } $sink->requests(sub { $_->{path} ne '/internal' })),
    "the note's words reached no endpoint without include_internal";
my ($created) = grep { $_->{headers}{'pharmadesk-event'} eq 'ticket_created' } @all;
my $h = $created->{headers};
is $created->{method}, 'POST', 'a POST';
is $h->{'content-type'}, 'application/json', '... of JSON';
like $h->{'user-agent'}, qr{^Pharmadesk-Webhook/\d+\.\d+}, '... from Pharmadesk-Webhook/<version>';
my $body = $JSON->decode($created->{body});
my $did = deliveries('all', $t1->{id})->[0][0];
is_deeply [$h->{'pharmadesk-delivery'}, $body->{id}], ["$did", "$did"], '... the delivery id in the header and the body';
is $body->{event}, 'ticket_created', '... the event';
is PD::WebhookSink::verify($h->{'pharmadesk-signature'}, $ep{all}{secret}, $created->{body}), '',
    '... signed with the endpoint\'s secret, within the window';
my ($t_sent) = $h->{'pharmadesk-signature'} =~ /^t=(\d+),v1=[0-9a-f]{64}$/;
ok $t_sent && abs($t_sent - time) < 120, '... at the time it was sent';
is PD::WebhookSink::verify($h->{'pharmadesk-signature'}, $ep{all}{secret}, $created->{body}, $t_sent + 301),
    'expired', '... and refused by the receiver when replayed outside the window';
is PD::WebhookSink::verify($h->{'pharmadesk-signature'}, $ep{beta}{secret}, $created->{body}), 'mismatch',
    '... and under another endpoint\'s secret';
is_deeply [sort keys %$body], [qw(actor created_at entry event id ticket)], 'the body: id, event, created_at, ticket, entry, actor';
is_deeply [@{ $body->{ticket} }{qw(id number title status priority)}],
    [$t1->{id}, $t1->{number}, $t1->{title}, 'open', 'medium'], '... the ticket';
is $body->{ticket}{pharmacy}{code}, 'APT-A', '... its pharmacy';
like $body->{ticket}{url} // '', qr{#/t/$t1->{id}$}, '... its link in the portal';
is_deeply [@{ $body->{entry} }{qw(kind visibility)}], ['created', 'public'], '... the timeline entry';
is_deeply [@{ $body->{actor} }{qw(id role)}], [user_id('cust_a'), 'customer'], '... and who did it';
my ($noted) = grep { $_->{headers}{'pharmadesk-event'} eq 'internal_note' } got('internal', $t1->{id});
is $noted && $JSON->decode($noted->{body})->{entry}{body}, 'Catatan rahasia tim.',
    'the endpoint with include_internal has the note\'s words';
is db_value(q{SELECT response_status FROM webhook_attempts WHERE delivery_id = ?}, $did), 200,
    'the attempt is logged with the receiver\'s status';
is_deeply [map { $_->[0] } db_query('SELECT response_excerpt FROM webhook_attempts WHERE delivery_id = ?', $did)],
    ["ok\n"], '... and its answer';

# a deactivated endpoint hears nothing more
api('admin', PATCH => "/api/webhook-endpoints/$ep{replies}{id}", json => { active => JSON::false });
api('expert', POST => "/api/tickets/$t1->{id}/comments", json => { body => 'Silakan dicoba lagi.' });
settled($t1->{id});
is scalar(@{ deliveries('all', $t1->{id}) }), 3, 'another reply: to the active endpoints';
is scalar(@{ deliveries('replies', $t1->{id}) }), 1, '... not to the one deactivated';

# a test ping, answered at once
my $ping = api('admin', POST => "/api/webhook-endpoints/$ep{all}{id}/ping");
is $ping->status, 200, 'a ping: 200';
is_deeply [@{ $ping->json }{qw(delivered response_status)}], [JSON::true, 200], '... delivered, 200';
my ($pinged) = $sink->wait_requests(sub { ($_->{headers}{'pharmadesk-event'} // '') eq 'ping' }, 1);
is $pinged && $pinged->{headers}{'pharmadesk-delivery'}, $ping->json->{id}, '... the receiver got it';
is $pinged && PD::WebhookSink::verify($pinged->{headers}{'pharmadesk-signature'}, $ep{all}{secret}, $pinged->{body}),
    '', '... signed';
is $pinged && $JSON->decode($pinged->{body})->{endpoint}{id}, $ep{all}{id}, '... naming the endpoint';

# rotated: the new secret signs, the old one no longer does
my $rotated = api('admin', POST => "/api/webhook-endpoints/$ep{all}{id}/rotate-secret")->json->{secret};
$ping = api('admin', POST => "/api/webhook-endpoints/$ep{all}{id}/ping")->json;
($pinged) = $sink->wait_requests(sub { ($_->{headers}{'pharmadesk-delivery'} // '') eq $ping->{id} }, 1);
is_deeply [map { PD::WebhookSink::verify($pinged->{headers}{'pharmadesk-signature'}, $_, $pinged->{body}) }
    $rotated, $ep{all}{secret}], ['', 'mismatch'], 'after a rotation the new secret signs, the old one not';
for my $name (qw(all internal beta replies)) {
    api('admin', PATCH => "/api/webhook-endpoints/$ep{$name}{id}", json => { active => JSON::false });
}

# ---- receivers that fail -------------------------------------------------------------

$sink->reply('/flaky' => { status => 503, times => 2 });
$sink->reply('/down' => { status => 500, body => 'database down' });
$sink->reply('/redir' => { status => 302, location => $sink->url('/redir-target') });
$sink->reply('/gone' => { status => 410 });
$sink->reply('/slow' => { stall => 6 });
$sink->reply('/big' => { status => 200, body => ('x' x 10000) });
hook($_, events => ['ticket_created']) for qw(flaky down redir gone slow big);
my $named = api('admin', POST => '/api/webhook-endpoints', json => {
    url => 'http://localhost:' . $sink->port . '/byname', events => ['ticket_created'] });
push @made, $named->json->{id};
$ep{byname} = $named->json;
my $t3 = create_ticket('cust_a', title => tag('WebhookGagal'))->json->{id};
settled($t3);

# fails twice, then recovers: retried, delivered once
ok all_in('flaky', $t3, 'sent'), 'a receiver that answers 503 twice, then 200: delivered';
my @flaky = got('flaky', $t3);
is_deeply [map { $_->{status} } @flaky], [503, 503, 200], '... at the third attempt, once';
is scalar(do { my %d = map { $_->{headers}{'pharmadesk-delivery'} => 1 } @flaky; keys %d }), 1,
    '... every attempt under the same delivery id';
is scalar(do { my %b = map { $_->{body} => 1 } @flaky; keys %b }), 1, '... with the same body';
ok !(grep { PD::WebhookSink::verify($_->{headers}{'pharmadesk-signature'}, $ep{flaky}{secret}, $_->{body}) } @flaky),
    '... each signed';
my $fd = deliveries('flaky', $t3)->[0];
is_deeply [map { $_->[0] } db_query('SELECT response_status FROM webhook_attempts WHERE delivery_id = ? ORDER BY id', $fd->[0])],
    [503, 503, 200], '... and each logged';

# keeps failing: dead after PharmadeskNotifyMaxAttempts (3 here)
ok all_in('down', $t3, 'dead'), 'a receiver that answers 500 every time: dead';
my $dd = deliveries('down', $t3)->[0];
is_deeply [@$dd[3, 4]], [3, 'HTTP 500'], '... after three attempts, with the status';
is db_value(q{SELECT response_excerpt FROM webhook_attempts WHERE delivery_id = ? ORDER BY id DESC LIMIT 1}, $dd->[0]),
    'database down', '... and what the receiver said';
# replayed once the receiver works: the same delivery, sent
$sink->reply('/down' => undef);
my $replay = api('admin', POST => "/api/webhook-deliveries/$dd->[0]/replay");
is $replay->status, 202, 'the admin replays it: 202';
ok all_in('down', $t3, 'sent'), '... and it is sent';
my @down = got('down', $t3);
is_deeply [map { $_->{status} } @down], [500, 500, 500, 200], '... a fourth request, taken';
is $down[-1]{headers}{'pharmadesk-delivery'}, $down[0]{headers}{'pharmadesk-delivery'}, '... under the same delivery id';
is $down[-1]{body}, $down[0]{body}, '... with the same body';
is PD::WebhookSink::verify($down[-1]{headers}{'pharmadesk-signature'}, $ep{down}{secret}, $down[-1]{body}), '',
    '... freshly signed';

# a redirection is not followed
ok wait_until(sub { my $d = deliveries('redir', $t3); @$d && $d->[0][3] >= 1 && $d->[0][4] }, 30),
    'a receiver that redirects: the attempt failed';
like deliveries('redir', $t3)->[0][4], qr{^HTTP 302: a redirection to http://127\.0\.0\.1:\d+/redir-target, which is not followed$},
    '... saying where it pointed';
ok got('redir', $t3) >= 1, '... the receiver was asked';
is scalar($sink->requests(sub { $_->{path} eq '/redir-target' })), 0, '... and nothing went where it pointed';

# 410 Gone: dead at once, the endpoint deactivated by the system
ok all_in('gone', $t3, 'dead'), 'a receiver that answers 410: dead';
is deliveries('gone', $t3)->[0][3], 1, '... at the first attempt';
my $gone = api('admin', GET => "/api/webhook-endpoints/$ep{gone}{id}")->json;
is_deeply [@$gone{qw(active disabled_reason)}], [JSON::false, 'the receiver answered 410 Gone'],
    '... and the endpoint deactivated, saying why';
is_deeply [map { [@$_] } db_query(q{SELECT actor_id, action FROM audit_log WHERE entity = 'webhook_endpoint'
    AND entity_id = ? ORDER BY id DESC LIMIT 1}, $ep{gone}{id})], [[undef, 'deactivate']],
    '... audited as the system\'s';

# silent: given up after PharmadeskWebhookTimeout (2 s here)
ok wait_until(sub { my $d = deliveries('slow', $t3); @$d && ($d->[0][4] // '') =~ /no answer/ }, 30),
    'a receiver that does not answer: the attempt failed';
is deliveries('slow', $t3)->[0][4], 'no answer within 2 s', '... after PharmadeskWebhookTimeout';

# a long answer: delivered, 4 KiB of it kept
ok all_in('big', $t3, 'sent'), 'a receiver with a long answer: delivered';
is length(db_value(q{SELECT response_excerpt FROM webhook_attempts a JOIN notify_deliveries d ON d.id = a.delivery_id
    WHERE d.endpoint_id = ? ORDER BY a.id DESC LIMIT 1}, $ep{big}{id})), 4096, '... its first 4096 bytes kept';

# a host name: resolved, checked, and the connection pinned to what was checked
ok all_in('byname', $t3, 'sent'), 'an endpoint by host name (localhost, allowed here): delivered';
is db_value(q{SELECT address FROM webhook_attempts WHERE delivery_id = ?}, deliveries('byname', $t3)->[0][0]),
    '127.0.0.1', '... to the address its name resolved to';

for my $name (qw(flaky down redir slow big byname)) {
    api('admin', PATCH => "/api/webhook-endpoints/$ep{$name}{id}", json => { active => JSON::false });
}

# ---- the default: no private address -------------------------------------------------

hook('ssrf-ip', events => ['ticket_created']);
my $by_name = api('admin', POST => '/api/webhook-endpoints', json => { url => 'http://localhost:' . $sink->port . '/ssrf-name',
    events => ['ticket_created'] });
is $by_name->status, 201, 'an endpoint at localhost, by name';
push @made, $by_name->json->{id};
$ep{'ssrf-name'} = $by_name->json;
(my $strict = $original) =~ s/^PharmadeskWebhookAllowNetworks .*$/PharmadeskWebhookAllowNetworks none/m
    or BAIL_OUT('no PharmadeskWebhookAllowNetworks line in the test configuration');
restart_with($conf, $strict);

my $t4 = create_ticket('cust_a', title => tag('WebhookSsrf'))->json->{id};
settled($t4);
ok all_in('ssrf-ip', $t4, 'dead'), 'PharmadeskWebhookAllowNetworks none: a delivery to 127.0.0.1 is dead';
is deliveries('ssrf-ip', $t4)->[0][3], 1, '... at the first attempt';
is deliveries('ssrf-ip', $t4)->[0][4],
    'refused: 127.0.0.1 is a loopback address, which PharmadeskWebhookAllowNetworks does not allow', '... saying why';
ok all_in('ssrf-name', $t4, 'dead'), '... and one to a name that resolves there';
like deliveries('ssrf-name', $t4)->[0][4],
    qr/^refused: localhost resolves to (?:127\.0\.0\.1|::1), a loopback address, which PharmadeskWebhookAllowNetworks does not allow$/,
    '... saying what it resolved to';
is db_value(q{SELECT address FROM webhook_attempts WHERE delivery_id = ?}, deliveries('ssrf-ip', $t4)->[0][0]),
    '127.0.0.1', '... the address refused in the log';
is scalar($sink->requests(sub { $_->{path} =~ m{^/ssrf} })), 0, 'the receiver on loopback got nothing';
$ping = api('admin', POST => "/api/webhook-endpoints/$ep{'ssrf-ip'}{id}/ping");
is_deeply [@{ $ping->json }{qw(delivered response_status)}], [JSON::false, undef], 'a ping there: refused too';
like $ping->json->{error}, qr/^refused: 127\.0\.0\.1 is a loopback address/, '... saying why';
is_error api('admin', POST => '/api/webhook-endpoints', json => { url => 'http://127.0.0.1:8080/' }),
    422, 'validation_failed', 'url', 'registering http://127.0.0.1: 422 on url';
is_error api('admin', POST => '/api/webhook-endpoints', json => { url => 'http://[::ffff:127.0.0.1]/' }),
    422, 'validation_failed', 'url', '... or its IPv4-mapped form';

restart_with($conf, $original);
api('admin', DELETE => "/api/webhook-endpoints/$_") for @made;
is db_value('SELECT count(*) FROM webhook_endpoints WHERE id = ANY (?)', \@made), 0, "the test's endpoints are gone";
$sink->stop;
done_testing;
