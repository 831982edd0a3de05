#!/usr/bin/perl
# The QR self check-in: admins make, list and revoke desk tokens (audited);
# the public route answers anyone with a token in force, and the same 404
# to none, a malformed one, a forged one (the right shape, a signature
# that does not match), an unknown, an expired and a revoked one. It takes
# only a visitor's fields, opens the case (source qr) through the front
# desk's intake, routed to the desk's unit or the one picked from its
# list, seen by that unit's operators; an Idempotency-Key replays, scoped
# to its desk. Past the limits per client address and per token, 429 with
# Retry-After. No identity is read, and nothing else opens without one.
use strict;
use warnings;
use utf8;
use lib "$ENV{PD_ROOT}/t/lib";
use Test::More;
use Digest::SHA qw(hmac_sha256);
use MIME::Base64 qw(encode_base64url);
use LWP::UserAgent;
use PD::Test;
use PD::Fixtures;

my $fd = front_desk_office('Dinas QR', [aptika => 'Bidang Aplikasi QR', 'bidang'],
                           [sandi => 'Bidang Persandian QR', 'bidang']);
my ($office, $aptika, $sandi) = @$fd{qw(office aptika sandi)};
my ($op_a, $op_b) = ("op56a_$$", "op56b_$$");
db_do(q{INSERT INTO users (username, subject, name, role_id, org_unit_id) VALUES (?, ?, ?, 3, ?)}, $_->[0], $_->[0],
      "Operator $_->[0]", $_->[1]) for [$op_a, $aptika], [$op_b, $sandi];
# This file's requests all come from one address: the counts start afresh
# for each part, and the limits are the last part's.
sub fresh_counts { db_do('DELETE FROM checkin_hits') }
fresh_counts();

# ---- desk tokens: the admins' ----------------------------------------------------------

my $r = api('admin', POST => '/api/desk-tokens', json => { name => 'Meja depan lantai 1', org_unit_id => $aptika });
is $r->status, 201, 'an admin makes a desk token for a unit' or diag $r->body;
my $desk = $r->json;
like $desk->{token}, qr/^[A-Za-z0-9_-]{22}\.[A-Za-z0-9_-]{43}$/, '... its token: a public id and a signature';
is substr($desk->{token}, 0, 22), $desk->{public_id}, '... whose first part is its public id';
is $desk->{checkin_path}, "/checkin/?t=$desk->{token}", '... and the check-in address\'s path';
ok $desk->{active} && !defined $desk->{revoked_at}, '... in force';
like $r->header('Location') // '', qr{/api/desk-tokens/$desk->{id}$}, '... Location names it';
is api('admin', GET => "/api/desk-tokens/$desk->{id}")->json->{token}, $desk->{token},
    'the same token whenever it is read again (to print it again)';
ok((grep { $_->{id} == $desk->{id} } @{ api('admin', GET => '/api/desk-tokens')->json->{items} }), 'it is listed');
is api('admin', GET => '/api/desk-tokens')->json->{enabled}, JSON::PP::true(), '... and the check-in is on';
is db_value('SELECT count(*) FROM desk_tokens WHERE public_id = ? AND public_id <> ?', $desk->{public_id}, $desk->{token}), 1,
    'the database holds the public id, not the signed token';
is db_value(q{SELECT count(*) FROM audit_log WHERE entity = 'desk_token' AND entity_id = ? AND action = 'create'}, $desk->{id}),
    1, 'its creation is in the audit log';
is_error api('admin', POST => '/api/desk-tokens', json => { name => 'x', org_unit_id => $aptika, unit_choices => [$aptika, $sandi] }),
    422, 'validation_failed', 'org_unit_id', 'a unit and a list at once are refused';
is_error api('admin', POST => '/api/desk-tokens', json => { name => 'x' }), 422, 'validation_failed', 'org_unit_id',
    '... neither too';
is_error api('admin', POST => '/api/desk-tokens', json => { name => 'x', unit_choices => [$aptika, $aptika] }),
    422, 'validation_failed', 'unit_choices', 'a list naming a unit twice is refused';
is_error api('admin', POST => '/api/desk-tokens', json => { name => 'x', org_unit_id => 999999999 }),
    422, 'unknown_reference', 'org_unit_id', 'a unit that does not exist is refused';
is_error api('admin', POST => '/api/desk-tokens', json => { name => 'x', org_unit_id => $aptika, token => 'mine' }),
    422, 'unknown_field', 'token', 'nobody chooses a token';
is_error api('expert', POST => '/api/desk-tokens', json => { name => 'x', org_unit_id => $aptika }), 403, 'forbidden', undef,
    'a receptionist does not make desk tokens';
is_error api(undef, GET => '/api/desk-tokens'), 401, 'unauthenticated', undef, 'without a sign-in they are not even listed';

# ---- the desk as its form shows it -------------------------------------------------------

my $tok = $desk->{token};
$r = api(undef, GET => '/api/checkin', query => { t => $tok });
is $r->status, 200, 'anyone, without signing in, reads the desk of a token in force' or diag $r->body;
is_deeply $r->json, { desk => 'Meja depan lantai 1', unit => { id => $aptika, name => 'Bidang Aplikasi QR' }, units => [] },
    '... its name and its unit, nothing else';
is $r->header('Cache-Control'), 'no-store', '... not stored';

# what a token of another secret, or of no row, looks like
my $secret = do { open my $fh, '<', "$ENV{PD_TEST_RUN_DIR}/desk-token-secret" or die $!; my $l = <$fh>; chomp $l; $l };
sub sign { my ($id) = @_; return "$id." . encode_base64url(hmac_sha256("pharmadesk-desk-token:$id", $secret)) }
is sign($desk->{public_id}), $tok, 'the token is the public id\'s HMAC under the server\'s secret';
my $forged = $desk->{public_id} . '.' . encode_base64url(hmac_sha256("pharmadesk-desk-token:$desk->{public_id}", 'another secret'));
my $unknown = sign('AAAAAAAAAAAAAAAAAAAAAA');
(my $flipped = $tok) =~ s/(.)$/$1 eq 'A' ? 'B' : 'A'/e;

my $message;
for my $case ([undef, 'no token'], ['', 'an empty token'], ['nonsense', 'a malformed token'], [$forged, 'a forged token (another secret)'],
              [$flipped, 'a token with a changed signature'], [$unknown, 'a well-signed token of no desk'],
              [substr($tok, 0, 22), 'a public id without its signature'], [$tok . 'x', 'a token too long']) {
    my ($t, $name) = @$case;
    $r = api(undef, GET => '/api/checkin', defined $t ? (query => { t => $t }) : ());
    is_error $r, 404, 'not_found', undef, "GET: $name: 404";
    $message //= $r->json->{error}{message};
    is $r->json->{error}{message}, $message, '... the same answer as every other';
    is_error api(undef, POST => '/api/checkin', json => { defined $t ? (token => $t) : (), name => 'A', purpose => 'B' }),
        404, 'not_found', undef, "POST: $name: 404";
}

# ---- checking in ----------------------------------------------------------------------------

fresh_counts();
my $visitor = { token => $tok, name => 'Budi Santoso', id_number => '3273010101900001', institution => 'Universitas Padjadjaran',
                phone => '+62 812 3456 7890', purpose => 'Konsultasi data statistik sektoral' };
for my $extra ([source => 'walkin'], [org_unit_id => $sandi], [created_by => 1], [photo => 'x'], [status => 'closed']) {
    is_error api(undef, POST => '/api/checkin', json => { %$visitor, @$extra }), 422, 'unknown_field', $extra->[0],
        "a member other than the visitor's own is refused: $extra->[0]";
}
is_error api(undef, POST => '/api/checkin', json => { %$visitor, purpose => '' }), 422, 'validation_failed', 'purpose',
    'the visitor\'s fields are checked as at the desk';
is_error api(undef, POST => '/api/checkin', json => { %$visitor, name => 'x' x 201 }), 422, 'validation_failed', 'name',
    '... and capped';
is_error api(undef, POST => '/api/checkin', json => { %$visitor, id_number => '<script>' }), 422, 'validation_failed', 'id_number',
    '... an identity number too';
is_error api(undef, POST => '/api/checkin', body => 'name=x', content_type => 'application/x-www-form-urlencoded'),
    415, 'unsupported_media_type', undef, 'a form post (what another site could make a browser send) is refused';
is_error api(undef, POST => '/api/checkin', json => $visitor, headers => { Origin => 'https://evil.example' }),
    403, 'cross_origin', undef, 'a write from another site\'s page is refused';

my $tickets = db_value('SELECT count(*) FROM tickets');
# signed in as an admin: nothing of it is read
$r = api('admin', POST => '/api/checkin', json => $visitor);
is $r->status, 201, 'a visitor checks themselves in: 201' or diag $r->body;
my $answer = $r->json;
is_deeply [sort keys %$answer], [qw(case_number checked_in_at org_unit_name)], '... told their case number and unit, nothing more';
is $answer->{org_unit_name}, 'Bidang Aplikasi QR', '... the desk\'s unit';
my ($tid, $source, $type, $unit, $creator) = @{ (db_query(q{SELECT id, source, case_type, org_unit_id, created_by FROM tickets WHERE number = ?},
    $answer->{case_number}))[0] };
is_deeply [$source, $type, $unit], ['qr', 'visitor', $aptika], 'the case: a visitor\'s, from the QR form, routed to the unit';
is $creator, user_id('qr-checkin'), '... opened by the check-in\'s own account, not by whoever was signed in';
is db_value('SELECT source FROM visitors WHERE ticket_id = ?', $tid), 'qr', '... its visitor too';
is db_value('SELECT phone FROM visitors WHERE ticket_id = ?', $tid), '+6281234567890', '... the phone number as the desk keeps it';
is db_value('SELECT count(*) FROM tickets'), $tickets + 1, 'one case for one check-in';
is api($op_a, GET => "/api/tickets/$tid")->status, 200, 'the unit\'s operator sees the case';
is api('expert', GET => "/api/tickets/$tid")->status, 200, '... the receptionists too';
is_error api($op_b, GET => "/api/tickets/$tid"), 404, 'not_found', undef, '... another unit\'s operator does not';
ok((grep { $_->{ticket_id} == $tid } @{ api($op_a, GET => '/api/visitors')->json->{items} }), 'the visitor is in the unit\'s list of visitors');

# ---- Idempotency-Key: scoped to the desk ----------------------------------------------------

fresh_counts();
my $key = "qr-$$-" . time;
my $first = api(undef, POST => '/api/checkin', json => { %$visitor, name => 'Rina' }, headers => { 'Idempotency-Key' => $key });
is $first->status, 201, 'a check-in with an Idempotency-Key' or diag $first->body;
my $again = api(undef, POST => '/api/checkin', json => { %$visitor, name => 'Rina' }, headers => { 'Idempotency-Key' => $key });
is $again->status, 201, '... sent again: 201';
is $again->json->{case_number}, $first->json->{case_number}, '... the same case';
is $again->header('Idempotent-Replayed'), 'true', '... replayed';
is db_value(q{SELECT count(*) FROM visitors WHERE name = 'Rina' AND source = 'qr' AND org_unit_id = ?}, $aptika), 1,
    '... one visitor';
is_error api(undef, POST => '/api/checkin', json => { %$visitor, name => 'Rani' }, headers => { 'Idempotency-Key' => $key }),
    422, 'idempotency_key_reused', 'Idempotency-Key', '... the key with another visitor is refused';
is_error api(undef, POST => '/api/checkin', json => $visitor, headers => { 'Idempotency-Key' => "bad key" }),
    400, 'invalid_parameter', 'Idempotency-Key', 'a key that is not one is refused';

# ---- a desk that lets the visitor pick ----------------------------------------------------------

fresh_counts();
$r = api('admin', POST => '/api/desk-tokens', json => { name => 'Lobi', unit_choices => [$sandi, $aptika], expires_in_days => 30 });
is $r->status, 201, 'a desk whose visitors pick their unit' or diag $r->body;
my $lobby = $r->json;
ok defined $lobby->{expires_at} && !defined $lobby->{org_unit_id}, '... expiring, without a unit of its own';
is_deeply [map { $_->{id} } @{ api(undef, GET => '/api/checkin', query => { t => $lobby->{token} })->json->{units} }], [$sandi, $aptika],
    'its form lists its units, in its order';
my $pick = { %$visitor, token => $lobby->{token}, name => 'Dewi' };
is_error api(undef, POST => '/api/checkin', json => $pick), 422, 'validation_failed', 'org_unit_id', 'the visitor must pick one';
is_error api(undef, POST => '/api/checkin', json => { %$pick, org_unit_id => $office }), 422, 'validation_failed', 'org_unit_id',
    '... of the desk\'s units';
$r = api(undef, POST => '/api/checkin', json => { %$pick, org_unit_id => $sandi }, headers => { 'Idempotency-Key' => $key });
is $r->status, 201, 'the same Idempotency-Key at another desk is another check-in' or diag $r->body;
is $r->json->{org_unit_name}, 'Bidang Persandian QR', '... routed to the unit picked';
isnt $r->json->{case_number}, $first->json->{case_number}, '... another case';

# ---- expired and revoked ----------------------------------------------------------------------------

fresh_counts();
db_do(q{UPDATE desk_tokens SET expires_at = now() - interval '1 minute' WHERE id = ?}, $lobby->{id});
is_error api(undef, GET => '/api/checkin', query => { t => $lobby->{token} }), 404, 'not_found', undef, 'an expired token: 404';
is api(undef, GET => '/api/checkin', query => { t => $lobby->{token} })->json->{error}{message}, $message, '... the same answer';
ok !api('admin', GET => "/api/desk-tokens/$lobby->{id}")->json->{active}, '... and admins see it is no longer in force';

is_error api('expert', DELETE => "/api/desk-tokens/$desk->{id}"), 403, 'forbidden', undef, 'a receptionist does not revoke';
$r = api('admin', DELETE => "/api/desk-tokens/$desk->{id}");
is $r->status, 200, 'an admin revokes a desk token' or diag $r->body;
ok !$r->json->{active} && defined $r->json->{revoked_at}, '... no longer in force';
is $r->json->{revoked_by}, user_id('admin'), '... by whom';
is db_value(q{SELECT count(*) FROM audit_log WHERE entity = 'desk_token' AND entity_id = ? AND action = 'deactivate'}, $desk->{id}),
    1, '... in the audit log';
is api('admin', DELETE => "/api/desk-tokens/$desk->{id}")->status, 200, 'revoking again changes nothing';
is db_value(q{SELECT count(*) FROM audit_log WHERE entity = 'desk_token' AND entity_id = ?}, $desk->{id}), 2,
    '... and records nothing more';
$r = api(undef, GET => '/api/checkin', query => { t => $tok });
is_error $r, 404, 'not_found', undef, 'a revoked token: 404';
is $r->json->{error}{message}, $message, '... the same answer as a forged one';
is_error api(undef, POST => '/api/checkin', json => $visitor), 404, 'not_found', undef, '... it checks nobody in';
is_error api(undef, POST => '/api/checkin', json => { %$visitor, name => 'Rina' }, headers => { 'Idempotency-Key' => $key }),
    404, 'not_found', undef, '... not even a replay';
is_error api('admin', DELETE => '/api/desk-tokens/999999999'), 404, 'not_found', undef, 'a token that does not exist: 404';

# ---- only this route opens without a sign-in ----------------------------------------------------------

fresh_counts();
my $ua = LWP::UserAgent->new(max_redirect => 0, timeout => 30);
for my $path ('/api/checkin/x', '/api/checkins', '/api/checkin/../visitors', '/api/visitors') {
    is $ua->get("$ENV{PD_TEST_URL}$path")->code, 401, "$path still needs a sign-in";
}
$r = $ua->get("$ENV{PD_TEST_URL}/checkin/?t=$tok");
is $r->code, 200, 'the check-in page opens without a sign-in';
like $r->decoded_content, qr/<form/, '... a form';
like $r->header('Content-Security-Policy') // '', qr/script-src 'self'/, '... under the portal\'s strict policy';
is $r->header('Cache-Control'), 'no-cache', '... revalidated on every load, as the portal\'s pages';
like $ua->get("$ENV{PD_TEST_URL}/checkin/other.html")->code, qr/^(302|401)$/, 'nothing else beside it opens without a sign-in';

# ---- the limits: per client address and per token -----------------------------------------------------------

my $conf = $ENV{PD_TEST_HTTPD_CONF};
my $original = read_file($conf);
restart_with($conf, $original . "\n# t/56-qr-checkin.t\nPharmadeskCheckinClientLimit 4\nPharmadeskCheckinTokenLimit 2\n");
END { restart_with($conf, $original) if $original && $conf && read_file($conf) ne $original }
db_do('DELETE FROM checkin_hits');
my $third = api('admin', POST => '/api/desk-tokens', json => { name => 'Meja 3', org_unit_id => $aptika })->json;
my $fourth = api('admin', POST => '/api/desk-tokens', json => { name => 'Meja 4', org_unit_id => $aptika })->json;
my $v = { %$visitor, token => $third->{token} };
is api(undef, POST => '/api/checkin', json => { %$v, name => "Tamu $_" })->status, 201, "check-in $_ at a desk" for 1, 2;
$r = api(undef, POST => '/api/checkin', json => { %$v, name => 'Tamu 3' });
is_error $r, 429, 'rate_limited', undef, 'past the limit per token: 429';
like $r->header('Retry-After') // '', qr/^[1-9][0-9]*$/, '... with Retry-After';
cmp_ok $r->header('Retry-After'), '<=', 600, '... within the window';
is db_value(q{SELECT count(*) FROM visitors WHERE name = 'Tamu 3'}), 0, '... nobody checked in';
is api(undef, POST => '/api/checkin', json => { %$v, token => $fourth->{token}, name => 'Tamu 4' })->status, 201,
    'another desk still takes check-ins from the same address';
$r = api(undef, GET => '/api/checkin', query => { t => $fourth->{token} });
is_error $r, 429, 'rate_limited', undef, 'past the limit per client address: 429, whatever the desk';
like $r->header('Retry-After') // '', qr/^[1-9][0-9]*$/, '... with Retry-After';
is_error api(undef, GET => '/api/checkin', query => { t => 'forged' }), 429, 'rate_limited', undef,
    '... a guess at a token counts too';
is_error api(undef, GET => '/api/checkin', query => { t => $fourth->{token} },
             headers => { 'X-Forwarded-For' => '203.0.113.7', 'X-Real-IP' => '203.0.113.7' }), 429, 'rate_limited', undef,
    '... a client naming another address in a header is still itself';
is db_value(q{SELECT hits FROM checkin_hits WHERE kind = 'client' AND subject = '127.0.0.1'}), 7,
    'the counts are in PostgreSQL, shared by every Apache node';
is db_value(q{SELECT count(*) FROM checkin_hits WHERE subject = '203.0.113.7'}), 0, '... none for the address a header named';

# ---- without the secret: off ------------------------------------------------------------------

(my $no_secret = $original) =~ s/^PharmadeskDeskTokenSecretFile .*$//m;
isnt $no_secret, $original, 'the test configuration names the secret';
restart_with($conf, $no_secret);
fresh_counts();
is_error api(undef, GET => '/api/checkin', query => { t => $fourth->{token} }), 404, 'not_found', undef,
    'without the secret no code is good: 404';
is_error api(undef, POST => '/api/checkin', json => { %$v, token => $fourth->{token} }), 404, 'not_found', undef,
    '... and nobody checks in';
is_error api('admin', POST => '/api/desk-tokens', json => { name => 'x', org_unit_id => $aptika }), 409, 'conflict', undef,
    '... no code is made';
$r = api('admin', GET => '/api/desk-tokens');
ok !$r->json->{enabled}, '... the list says the check-in is off';
ok !(grep { defined $_->{token} } @{ $r->json->{items} }), '... and shows no token';
is api('admin', DELETE => "/api/desk-tokens/$fourth->{id}")->status, 200, '... codes can still be revoked';
restart_with($conf, $original);
fresh_counts();

done_testing;
