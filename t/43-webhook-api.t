#!/usr/bin/perl
# Webhook endpoints through the admin API: registration with a secret the
# server makes and shows once, validation (422 naming the member), changes,
# rotation, deletion with the endpoint's log, each with its audit entry
# and never the secret in it; the delivery log in keyset pages, newest
# first; a delivery's detail; replay's refusals. Admins only. Sending is
# t/62-webhook-delivery.t's.
use strict;
use warnings;
use lib "$ENV{PD_ROOT}/t/lib";
use Test::More;
use JSON ();
use PD::Test;
use PD::Fixtures;

my $ADMIN = user_id('admin');
my $DBJSON = JSON->new;
my @made;
# nothing listens on port 9 of loopback: what is sent there fails at once
my $NOWHERE = 'http://127.0.0.1:9/wh-api';

sub endpoint {
    my (%f) = @_;
    my $r = api('admin', POST => '/api/webhook-endpoints', json => { url => $NOWHERE, %f });
    is $r->status, 201, 'an endpoint is registered' or diag $r->body;
    push @made, $r->json->{id} if $r->json && $r->json->{id};
    return $r;
}

sub mark { db_value('SELECT coalesce(max(id), 0) FROM audit_log') }
sub audit_rows {
    my ($mark, $id) = @_;
    my @rows = db_query(q{SELECT actor_id, action, changes::text AS changes FROM audit_log
        WHERE id > ? AND entity = 'webhook_endpoint' AND entity_id = ? ORDER BY id}, $mark, $id);
    $_->{changes} = $DBJSON->decode($_->{changes}) for @rows;
    return @rows;
}

# ---- registration ------------------------------------------------------------

my $apt_a = pharmacy_id('APT-A');
my $apt_b = pharmacy_id('APT-B');
my $m = mark();
my $r = endpoint(url => 'http://127.0.0.1:9/wh-api/a?source=pd', description => '  Umpan ERP  ',
    events => ['ticket_created', 'status_changed'], pharmacy_ids => [$apt_b, $apt_a]);
my $ep = $r->json;
my $id = $ep->{id};
like $r->header('Location') // '', qr{/api/webhook-endpoints/$id$}, '... with its Location';
like $ep->{secret} // '', qr/^whsec_[0-9a-f]{64}$/, '... and a secret the server made, shown this once';
is $ep->{description}, 'Umpan ERP', '... its description trimmed';
is_deeply $ep->{events}, ['ticket_created', 'status_changed'], '... its events';
is_deeply [map { $_->{code} } @{ $ep->{pharmacies} }], ['APT-A', 'APT-B'], '... its pharmacies, by name';
is_deeply [@$ep{qw(include_internal active disabled_reason)}], [JSON::false, JSON::true, undef],
    '... internal entries off, active';
is $ep->{created_by}{id}, $ADMIN, '... made by the admin';
is db_value('SELECT secret FROM webhook_endpoints WHERE id = ?', $id), $ep->{secret}, '... which signs with it';

my $got = api('admin', GET => "/api/webhook-endpoints/$id");
is $got->status, 200, 'read back';
ok !exists $got->json->{secret}, '... without the secret';
my ($list) = all_pages('admin', '/api/webhook-endpoints', { limit => 1 });
ok((grep { $_->{id} == $id } @$list), 'listed, a page at a time');
ok !(grep { exists $_->{secret} } @$list), '... never with a secret';

my @audit = audit_rows($m, $id);
is scalar(@audit), 1, 'one audit entry';
is_deeply [@{ $audit[0] }{qw(actor_id action)}], [$ADMIN, 'create'], '... a create by the admin';
is $audit[0]{changes}{url}{new}, 'http://127.0.0.1:9/wh-api/a?source=pd', '... with the URL';
is db_value(q{SELECT count(*) FROM audit_log WHERE changes::text LIKE ?}, "%$ep->{secret}%"), 0,
    '... and the secret nowhere in the audit log';

# a secret cannot be chosen
is_error api('admin', POST => '/api/webhook-endpoints', json => { url => $NOWHERE, secret => 'whsec_mine' }),
    422, 'unknown_field', 'secret', 'a secret given: 422 unknown_field';

# ---- validation: 422 naming the member ---------------------------------------------

my $long = 'https://hooks.example.org/' . ('a' x 1980);
for my $case (
    [{}, 'url', 'validation_failed'],
    [{ url => '' }, 'url', 'validation_failed'],
    [{ url => 'ftp://hooks.example.org/' }, 'url', 'validation_failed'],
    [{ url => 'javascript:alert(1)' }, 'url', 'validation_failed'],
    [{ url => 'https://user:pw@hooks.example.org/' }, 'url', 'validation_failed'],
    [{ url => 'https://hooks.example.org/#x' }, 'url', 'validation_failed'],
    [{ url => 'https://hooks.example.org:99999/' }, 'url', 'validation_failed'],
    [{ url => 'https://hooks example.org/' }, 'url', 'validation_failed'],
    [{ url => $long }, 'url', 'validation_failed'],
    [{ url => 42 }, 'url', 'validation_failed'],
    # written as an address in a range no directive allows here
    [{ url => 'http://169.254.169.254/latest/meta-data/' }, 'url', 'validation_failed'],
    [{ url => 'http://10.0.0.1/' }, 'url', 'validation_failed'],
    [{ url => 'http://[fd00::1]/' }, 'url', 'validation_failed'],
    [{ url => $NOWHERE, description => 'x' x 501 }, 'description', 'validation_failed'],
    [{ url => $NOWHERE, events => 'ticket_created' }, 'events', 'validation_failed'],
    [{ url => $NOWHERE, events => ['ticket_deleted'] }, 'events', 'validation_failed'],
    [{ url => $NOWHERE, events => ['public_reply', 'public_reply'] }, 'events', 'validation_failed'],
    [{ url => $NOWHERE, events => [1] }, 'events', 'validation_failed'],
    [{ url => $NOWHERE, pharmacy_ids => [0] }, 'pharmacy_ids', 'validation_failed'],
    [{ url => $NOWHERE, pharmacy_ids => ['1'] }, 'pharmacy_ids', 'validation_failed'],
    [{ url => $NOWHERE, pharmacy_ids => [$apt_a, $apt_a] }, 'pharmacy_ids', 'validation_failed'],
    [{ url => $NOWHERE, pharmacy_ids => [1 .. 101] }, 'pharmacy_ids', 'validation_failed'],
    [{ url => $NOWHERE, pharmacy_ids => [999999999] }, 'pharmacy_ids', 'unknown_reference'],
    [{ url => $NOWHERE, include_internal => 'yes' }, 'include_internal', 'validation_failed'],
    [{ url => $NOWHERE, active => 1 }, 'active', 'validation_failed'],
    [{ url => $NOWHERE, colour => 'red' }, 'colour', 'unknown_field'],
) {
    my ($body, $field, $code) = @$case;
    my $n = db_value('SELECT count(*) FROM webhook_endpoints');
    is_error api('admin', POST => '/api/webhook-endpoints', json => $body), 422, $code, $field,
        "POST " . $JSON->encode($body) =~ s/(.{90}).+/$1.../r . ": 422 $code on $field";
    is db_value('SELECT count(*) FROM webhook_endpoints'), $n, '... and nothing is made';
}
like api('admin', POST => '/api/webhook-endpoints', json => { url => 'http://10.0.0.1/' })->json->{error}{message},
    qr/10\.0\.0\.1 is a private address/, 'the message says why an address is refused';
is_error api('admin', POST => '/api/webhook-endpoints', body => '{"url":', content_type => 'application/json'),
    400, 'bad_json', undef, 'a broken body: 400';
# a host name is judged when it is used (what it resolves to changes)
endpoint(url => 'http://localhost:9/wh-api', active => JSON::false);

# ---- changes -------------------------------------------------------------------------

$m = mark();
$r = api('admin', PATCH => "/api/webhook-endpoints/$id", json => { events => [], pharmacy_ids => [$apt_a],
    include_internal => JSON::true, description => 'Semua kejadian' });
is $r->status, 200, 'PATCH: 200';
is_deeply [$r->json->{events}, [map { $_->{code} } @{ $r->json->{pharmacies} }], $r->json->{include_internal}],
    [[], ['APT-A'], JSON::true], '... every event, APT-A alone, internal entries too';
is $r->json->{url}, 'http://127.0.0.1:9/wh-api/a?source=pd', '... the URL as it was';
@audit = audit_rows($m, $id);
is scalar(@audit), 1, '... one audit entry';
is_deeply [sort keys %{ $audit[0]{changes} }], [qw(description events include_internal pharmacies)],
    '... with what changed' or diag explain $audit[0]{changes};
$m = mark();
is api('admin', PATCH => "/api/webhook-endpoints/$id", json => { include_internal => JSON::true })->status, 200,
    'a PATCH that changes nothing: 200';
is scalar(audit_rows($m, $id)), 0, '... and no audit entry';
is_error api('admin', PATCH => "/api/webhook-endpoints/$id", json => { url => 'gopher://x.org/' }),
    422, 'validation_failed', 'url', 'PATCH with a bad URL: 422 on url';
is_error api('admin', PATCH => '/api/webhook-endpoints/999999999', json => { active => JSON::false }),
    404, 'not_found', undef, 'PATCH of no endpoint: 404';

# activating again clears the system's reason
db_do(q{UPDATE webhook_endpoints SET active = false, disabled_reason = 'the receiver answered 410 Gone' WHERE id = ?}, $id);
is api('admin', GET => "/api/webhook-endpoints/$id")->json->{disabled_reason}, 'the receiver answered 410 Gone',
    'an endpoint the system deactivated says why';
$r = api('admin', PATCH => "/api/webhook-endpoints/$id", json => { active => JSON::true });
is_deeply [@{ $r->json }{qw(active disabled_reason)}], [JSON::true, undef], '... until an admin activates it';

# ---- rotation ----------------------------------------------------------------------

$m = mark();
my $before = db_value('SELECT secret FROM webhook_endpoints WHERE id = ?', $id);
$r = api('admin', POST => "/api/webhook-endpoints/$id/rotate-secret");
is $r->status, 200, 'rotate-secret: 200';
like $r->json->{secret} // '', qr/^whsec_[0-9a-f]{64}$/, '... with the new secret';
isnt $r->json->{secret}, $before, '... a new one';
is db_value('SELECT secret FROM webhook_endpoints WHERE id = ?', $id), $r->json->{secret}, '... which signs from now on';
@audit = audit_rows($m, $id);
is_deeply [map { [$_->{action}, sort keys %{ $_->{changes} }] } @audit], [['update', 'secret_rotated_at']],
    '... audited as secret_rotated_at, the secret itself nowhere';
is db_value(q{SELECT count(*) FROM audit_log WHERE changes::text LIKE ?}, "%$r->json->{secret}%"), 0,
    '... in no audit entry';
is_error api('admin', POST => '/api/webhook-endpoints/999999999/rotate-secret'), 404, 'not_found', undef,
    'rotating no endpoint: 404';

# ---- the delivery log -------------------------------------------------------------

# deliveries written as the fan-out writes them, to an endpoint of its own
my $log_ep = endpoint(events => ['ticket_created'], pharmacy_ids => [$apt_b], active => JSON::false)->json->{id};
my $tid = create_ticket('admin', pharmacy_id => $apt_b, title => tag('LogWebhook'))->json->{id};
my @ids = map {
    db_value(q{INSERT INTO notify_deliveries (event, ticket_id, channel, endpoint_id, payload, status, attempts,
        last_error, sent_at) VALUES ('ticket_created', ?, 'webhook', ?, '{"ticket":{"id":1},"entry":null,"actor":null}', ?, ?, ?,
        CASE WHEN ? = 'sent' THEN now() END) RETURNING id}, $tid, $log_ep, @$_, $_->[0])
} (['sent', 1, undef], ['dead', 3, 'HTTP 500'], ['sent', 2, 'HTTP 503'], ['failed', 1, 'connection refused'], ['sent', 1, undef]);
db_do(q{INSERT INTO webhook_attempts (delivery_id, duration_ms, address, response_status, response_excerpt, error)
        VALUES (?, 12, '127.0.0.1', 503, 'sibuk', 'HTTP 503'), (?, 9, '127.0.0.1', 200, 'ok', NULL)}, $ids[2], $ids[2]);
my ($items, $responses) = all_pages('admin', "/api/webhook-endpoints/$log_ep/deliveries", { limit => 2 });
is scalar(@$responses), 3, 'the log in pages of two';
is_deeply [map { $_->{id} } @$items], [reverse @ids], '... newest first, each once';
my ($third) = grep { $_->{id} == $ids[2] } @$items;
is_deeply $third->{last_attempt} && [@{ $third->{last_attempt} }{qw(response_status error)}], [200, undef],
    '... each with its last attempt';
is $items->[-1]{last_attempt}, undef, '... none before the first';
($items) = all_pages('admin', "/api/webhook-endpoints/$log_ep/deliveries", { status => 'sent' });
is_deeply [map { $_->{id} } @$items], [reverse @ids[0, 2, 4]], 'status=sent: the sent ones';
is_error api('admin', GET => "/api/webhook-endpoints/$log_ep/deliveries", query => { status => 'lost' }),
    400, 'invalid_parameter', 'status', 'an unknown status: 400';
is_error api('admin', GET => "/api/webhook-endpoints/$log_ep/deliveries", query => { q => 'x' }),
    400, 'unknown_parameter', undef, 'an unknown parameter: 400';
is_error api('admin', GET => "/api/webhook-endpoints/$log_ep/deliveries", query => { cursor => 'bm9wZQ' }),
    400, 'invalid_parameter', 'cursor', 'a cursor of nothing: 400';
is_error api('admin', GET => '/api/webhook-endpoints/999999999/deliveries'), 404, 'not_found', undef,
    'the log of no endpoint: 404';

my $detail = api('admin', GET => "/api/webhook-deliveries/$ids[2]");
is $detail->status, 200, 'a delivery in detail';
is_deeply [map { $_->{response_status} } @{ $detail->json->{attempt_log} }], [200, 503], '... its attempts, newest first';
is $detail->json->{attempt_log}[1]{response_excerpt}, 'sibuk', '... with what the receiver answered';
is $detail->json->{endpoint}{id}, $log_ep, '... its endpoint';
my $body = $JSON->decode($detail->json->{body});
is_deeply [@$body{qw(id event)}], ["$ids[2]", 'ticket_created'], '... and the body it sends, under its id';

# replays: sent again, not while queued, not to a deactivated endpoint
is_error api('admin', POST => "/api/webhook-deliveries/$ids[0]/replay"), 409, 'endpoint_inactive', undef,
    'replaying to a deactivated endpoint: 409';
# one queued for tomorrow, which no sender takes meanwhile
db_do(q{UPDATE notify_deliveries SET status = 'pending', due_at = now() + interval '1 day' WHERE id = ?}, $ids[3]);
api('admin', PATCH => "/api/webhook-endpoints/$log_ep", json => { active => JSON::true });
$r = api('admin', POST => "/api/webhook-deliveries/$ids[1]/replay");
is $r->status, 202, 'replaying a dead delivery: 202';
is_deeply [@{ $r->json }{qw(id status attempts)}], [$ids[1], 'pending', 0], '... the same delivery, pending, its attempts ahead';
is_error api('admin', POST => "/api/webhook-deliveries/$ids[3]/replay"), 409, 'not_replayable', undef,
    'replaying one that is queued: 409';
my $email = db_value(q{INSERT INTO notify_deliveries (event, ticket_id, user_id, channel, status)
    VALUES ('ticket_created', ?, ?, 'email', 'dead') RETURNING id}, $tid, user_id('expert'));
is_error api('admin', POST => "/api/webhook-deliveries/$email/replay"), 404, 'not_found', undef,
    'an e-mail delivery is no webhook delivery: 404';
is_error api('admin', GET => "/api/webhook-deliveries/$email"), 404, 'not_found', undef, '... to read either';
api('admin', PATCH => "/api/webhook-endpoints/$log_ep", json => { active => JSON::false });

# ---- who may -----------------------------------------------------------------------

for my $user (qw(cust_a expert tech manager)) {
    is_error api($user, GET => '/api/webhook-endpoints'), 403, 'forbidden', undef, "$user lists no endpoints";
    is_error api($user, POST => '/api/webhook-endpoints', json => { url => $NOWHERE }), 403, 'forbidden', undef,
        "$user registers none";
    is_error api($user, GET => "/api/webhook-endpoints/$id"), 403, 'forbidden', undef, "$user reads none";
    is_error api($user, POST => "/api/webhook-endpoints/$id/rotate-secret"), 403, 'forbidden', undef,
        "$user rotates no secret";
    is_error api($user, GET => "/api/webhook-deliveries/$ids[0]"), 403, 'forbidden', undef, "$user reads no delivery";
}
ok !(grep { $_ eq 'webhooks' } @{ api('expert', GET => '/api/me')->json->{allowed}{pages} }),
    'the portal offers the page to no one else';
ok((grep { $_ eq 'webhooks' } @{ api('admin', GET => '/api/me')->json->{allowed}{pages} }), '... and to admins');

# ---- deletion ------------------------------------------------------------------------

$m = mark();
is api('admin', DELETE => "/api/webhook-endpoints/$log_ep")->status, 204, 'DELETE: 204';
is_error api('admin', GET => "/api/webhook-endpoints/$log_ep"), 404, 'not_found', undef, '... gone';
is db_value('SELECT count(*) FROM notify_deliveries WHERE endpoint_id = ? OR id = ANY (?)', $log_ep, \@ids), 0,
    '... with its deliveries';
is db_value('SELECT count(*) FROM webhook_attempts WHERE delivery_id = ANY (?)', \@ids), 0, '... and their attempts';
@audit = audit_rows($m, $log_ep);
is_deeply [map { $_->{action} } @audit], ['delete'], '... audited';
is_error api('admin', DELETE => "/api/webhook-endpoints/$log_ep"), 404, 'not_found', undef, 'deleted twice: 404';

api('admin', DELETE => "/api/webhook-endpoints/$_") for @made;
done_testing;
