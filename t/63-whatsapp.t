#!/usr/bin/perl
# WhatsApp through the WhatsApp Business Cloud API, against a fake of the
# API on loopback (PD::FakeGraph) that checks every request against Meta's
# documented format. Without its directives the server offers no WhatsApp
# and its webhook is not there. With them: a person's number and opt-in on
# /api/me (only they opt in; an admin may set the number), the channel in
# their preferences; template messages to people who opted in, in their
# language, never to others, never to a customer for an internal note;
# retries on 5xx and rate limits, dead at once on an authentication error;
# Meta's statuses on the deliveries. The webhook: the subscription
# handshake, signatures good, bad and missing, a body too large, the rate
# limit, an unknown number, a customer's message as a public reply on
# their newest open ticket (moving one that waits for them) or else a new
# ticket with source whatsapp, a repeated message, media and reactions.
use strict;
use warnings;
use utf8;
use lib "$ENV{PD_ROOT}/t/lib";
use Test::More;
use File::Temp qw(tempdir);
use Digest::SHA qw(hmac_sha256_hex);
use HTTP::Request;
use LWP::UserAgent;
use PD::Test;
use PD::Fixtures;
use PD::FakeGraph;

my $conf = $ENV{PD_TEST_HTTPD_CONF};
my $original = read_file($conf);
my $hook = "$ENV{PD_TEST_URL}/hooks/whatsapp";
my $ua = LWP::UserAgent->new(max_redirect => 0, timeout => 30);
my $PHONE_ID = '106540352242922';
my ($TOKEN, $SECRET, $VERIFY) = ('EAAGfakeToken' . $$, 'app-secret-' . $$, 'verify-' . $$);

# The test's own pharmacy, whose customers it creates (the other tests
# count the fixture's).
my $pharmacy = do {
    my $r = api('admin', POST => '/api/pharmacies', json => { code => 'APT-WA' . $$ % 100000,
        name => 'Apotek WhatsApp', city => 'Jakarta' });
    is $r->status, 201, 'a pharmacy of the test\'s own' or diag $r->body;
    $r->json->{id};
};

# A user the test owns, signing in with a token of its own subject.
sub new_user {
    my ($role, %f) = @_;
    (my $u = tag("wa$role")) =~ s/[^a-z0-9_]//gi;
    my $r = api('admin', POST => '/api/users', json => { username => $u, name => "User $u",
        email => "$u\@test.example.org", role => $role, subject => $u,
        ($role eq 'customer' ? (pharmacy_id => $pharmacy) : ()), %f });
    is $r->status, 201, "a $role of the test's own" or diag $r->body;
    return $u;
}

# A number no other user of this run has.
my $numbers = 0;
sub number { sprintf '+62812%03d%04d', $$ % 1000, ++$numbers }

sub hook {
    my ($method, %o) = @_;
    my $uri = URI->new($hook);
    $uri->query_form(%{ $o{query} }) if $o{query};
    my @h = %{ $o{headers} // {} };
    my $req = HTTP::Request->new($method, $uri, \@h, $o{body});
    return $ua->request($req);
}

# A signed notification (or one signed as asked: sig => undef for none).
sub notify {
    my ($payload, %o) = @_;
    my $body = ref $payload ? $JSON->encode($payload) : $payload;
    my $sig = exists $o{sig} ? $o{sig} : 'sha256=' . hmac_sha256_hex($body, $SECRET);
    return hook(POST => body => $body, headers => {
        'Content-Type' => $o{type} // 'application/json', (defined $sig ? ('X-Hub-Signature-256' => $sig) : ()) });
}

# The notification Meta sends for messages ({from, id, type, ...}) and
# statuses to our number.
sub notice {
    my (%v) = @_;
    my $phone = delete $v{phone} // $PHONE_ID;
    return { object => 'whatsapp_business_account', entry => [{ id => '102290129340398', changes => [{
        field => 'messages', value => { messaging_product => 'whatsapp',
        metadata => { display_phone_number => '15550001111', phone_number_id => $phone }, %v } }] }] };
}

my $wamids = 0;
sub message {
    my ($from, %m) = @_;
    (my $wa_id = $from) =~ s/^\+//;
    my $type = $m{type} // 'text';
    return notice((defined $m{phone} ? (phone => $m{phone}) : ()), contacts => [{ profile => { name => 'Nama Profil' }, wa_id => $wa_id }],
        messages => [{ from => $wa_id, id => $m{id} // 'wamid.in' . $$ . '.' . ++$wamids,
            timestamp => '' . time, type => $type,
            ($type eq 'text' ? (text => { body => $m{text} // 'Halo' }) : ()), %{ $m{extra} // {} } }]);
}

sub ticket_count { db_value('SELECT count(*) FROM tickets') }

# ---- without the directives: no WhatsApp -------------------------------------

{
    my $me = api('cust_a', GET => '/api/me');
    ok !exists $me->json->{whatsapp}, 'not configured: GET /api/me has no whatsapp';
    is_error(api('cust_a', PATCH => '/api/me', json => { whatsapp => { number => '+6281200000001' } }),
             422, 'validation_failed', 'whatsapp', 'not configured: a number is refused');
    my $p = api('cust_a', GET => '/api/me/notification-preferences')->json;
    ok !grep({ exists $_->{whatsapp} } values %{ $p->{preferences} }), '... and the preferences offer none';
    my $r = hook('GET', query => { 'hub.mode' => 'subscribe', 'hub.verify_token' => 'x', 'hub.challenge' => '1' });
    is $r->code, 404, 'the webhook is not there';
    like $r->header('Content-Type'), qr{^application/json}, '... in JSON';
}

# ---- configured, against the fake ----------------------------------------------

my $tmp = tempdir(CLEANUP => 1);
sub secret {
    my ($name, $value) = @_;
    open my $fh, '>', "$tmp/$name" or die "$tmp/$name: $!";
    print $fh "$value\n";
    close $fh;
    chmod 0600, "$tmp/$name";
    return "$tmp/$name";
}
my $graph = PD::FakeGraph->start(dir => "$tmp/graph", version => 'v21.0', phone => $PHONE_ID,
    token => $TOKEN, template => 'pharmadesk_ticket_update', params => 4);
my $directives = join "\n", '', '# t/63-whatsapp.t',
    'PharmadeskWhatsAppApiUrl ' . $graph->url,
    'PharmadeskWhatsAppApiVersion v21.0',
    "PharmadeskWhatsAppPhoneNumberId $PHONE_ID",
    'PharmadeskWhatsAppTokenFile ' . secret(token => $TOKEN),
    'PharmadeskWhatsAppAppSecretFile ' . secret(app_secret => $SECRET),
    'PharmadeskWhatsAppVerifyTokenFile ' . secret(verify => $VERIFY),
    'PharmadeskWhatsAppTimeout 5',
    'PharmadeskWhatsAppMaxBody 8192',
    '';
restart_with($conf, $original . $directives);
END { restart_with($conf, $original) if $original && $conf && read_file($conf) ne $original }

# ---- a person's number and opt-in ------------------------------------------------

my $cw = new_user('customer');
api($cw, PATCH => '/api/me', json => { language => 'en' });
my $cw_number = number();
{
    my $me = api($cw, GET => '/api/me');
    is_deeply $me->json->{whatsapp}, { number => undef, opted_in_at => undef }, 'GET /api/me: whatsapp';
    for my $bad ('0812-3456-7890', '+62abc', '+1', '62812345678', '') {
        is_error(api($cw, PATCH => '/api/me', json => { whatsapp => { number => $bad } }),
                 422, 'validation_failed', 'whatsapp.number', "number '$bad' is refused");
    }
    is_error(api($cw, PATCH => '/api/me', json => { whatsapp => { number => 6281234567 } }),
             422, 'validation_failed', 'whatsapp.number', 'a number that is no string');
    is_error(api($cw, PATCH => '/api/me', json => { whatsapp => { opt_in => 'yes' } }),
             422, 'validation_failed', 'whatsapp.opt_in', 'opt_in must be a boolean');
    is_error(api($cw, PATCH => '/api/me', json => { whatsapp => { opt_in => JSON::true } }),
             422, 'validation_failed', 'whatsapp.opt_in', 'opting in without a number');
    is_error(api($cw, PATCH => '/api/me', json => { whatsapp => { number => undef, opt_in => JSON::true } }),
             422, 'validation_failed', 'whatsapp.opt_in', 'opting in to no number');
    is_error(api($cw, PATCH => '/api/me', json => { whatsapp => { number => $cw_number, consent => 1 } }),
             422, 'unknown_field', 'whatsapp.consent', 'a member it does not take');
    is_error(api($cw, PATCH => '/api/me', json => { whatsapp => $cw_number }),
             422, 'validation_failed', 'whatsapp', 'whatsapp must be an object');

    (my $spaced = $cw_number) =~ s/^(\+\d\d)(\d{3})(\d{4})/$1 $2-$3-/;
    my $r = api($cw, PATCH => '/api/me', json => { whatsapp => { number => $spaced, opt_in => JSON::true } });
    is $r->status, 200, 'a number with spaces and hyphens, and the opt-in';
    is $r->json->{whatsapp}{number}, $cw_number, '... kept in E.164';
    ok $r->json->{whatsapp}{opted_in_at}, '... with the time of the opt-in';
    my $at = $r->json->{whatsapp}{opted_in_at};
    my ($audit) = db_query(q{SELECT a.actor_id, a.changes::text FROM audit_log a
        WHERE a.entity = 'user' AND a.entity_id = ? ORDER BY a.id DESC LIMIT 1}, user_id($cw));
    ok $audit && $audit->[0] == user_id($cw) && $audit->[1] =~ /opted_in_at/,
        '... recorded in the audit log, by the user themself' or diag explain $audit;
    $r = api($cw, PATCH => '/api/me', json => { whatsapp => { number => $cw_number, opt_in => JSON::true } });
    is $r->json->{whatsapp}{opted_in_at}, $at, 'opting in again keeps the first time';

    my $other = new_user('customer');
    is_error(api($other, PATCH => '/api/me', json => { whatsapp => { number => $cw_number, opt_in => JSON::true } }),
             409, 'conflict', 'whatsapp.number', 'a number another account opted in to');
    $r = api($other, PATCH => '/api/me', json => { whatsapp => { number => $cw_number } });
    is $r->status, 200, '... may still be typed in without the opt-in';
    $r = api($other, PATCH => '/api/me', json => { whatsapp => { number => number(), opt_in => JSON::true } });
    is $r->status, 200, 'another number, opted in';
    $r = api($other, PATCH => '/api/me', json => { whatsapp => { number => number() } });
    is $r->json->{whatsapp}{opted_in_at}, undef, 'a new number is not opted in';
    $r = api($other, PATCH => '/api/me', json => { whatsapp => { opt_in => JSON::true } });
    ok $r->json->{whatsapp}{opted_in_at}, 'opting in to the number kept';
    $r = api($other, PATCH => '/api/me', json => { whatsapp => { opt_in => JSON::false } });
    ok $r->json->{whatsapp}{number} && !defined $r->json->{whatsapp}{opted_in_at}, 'opting out keeps the number';
    $r = api($other, PATCH => '/api/me', json => { whatsapp => { number => undef }, language => 'en' });
    is_deeply $r->json->{whatsapp}, { number => undef, opted_in_at => undef }, 'no number, no opt-in';
    is $r->json->{language}, 'en', '... with the language in the same change';

    # an admin sets a number, never the opt-in
    my $uid = user_id($other);
    is_error(api('admin', PATCH => "/api/users/$uid", json => { whatsapp => { number => number(), opt_in => JSON::true } }),
             422, 'validation_failed', 'whatsapp.opt_in', 'an admin cannot opt anyone in');
    my $n = number();
    $r = api('admin', PATCH => "/api/users/$uid", json => { whatsapp => { number => $n } });
    is $r->status, 200, 'an admin sets a user\'s number';
    is_deeply $r->json->{whatsapp}, { number => $n, opted_in_at => undef }, '... not opted in';
    is api('admin', GET => "/api/users/$uid")->json->{whatsapp}{number}, $n, '... and sees it';

    my $prefs = api($cw, GET => '/api/me/notification-preferences')->json;
    ok $prefs->{preferences}{public_reply}{whatsapp}, 'the preferences offer whatsapp (on for replies)';
    ok !$prefs->{preferences}{assigned}{whatsapp}, '... off by default for assignments';
    is api($cw, PATCH => '/api/me/notification-preferences',
           json => { preferences => { attachment_added => { whatsapp => JSON::true } } })->status, 200,
        '... and take a choice';
    ok exists api('admin', GET => '/api/notification-defaults')->json->{roles}{customer}{public_reply}{whatsapp},
        'the role defaults have whatsapp';
}

# ---- messages out ----------------------------------------------------------------

# The WhatsApp deliveries of a ticket: [id, user, event, status, attempts, last_error, external_id, receipt]
sub wa_deliveries {
    my ($tid) = @_;
    return [map { [@$_] } db_query(q{SELECT d.id, u.username, d.event, d.status, d.attempts, d.last_error,
        d.external_id, d.receipt FROM notify_deliveries d JOIN users u ON u.id = d.user_id
        WHERE d.ticket_id = ? AND d.channel = 'whatsapp' ORDER BY d.id}, $tid)];
}
sub reply_on {
    my ($tid, $body, %o) = @_;
    my $r = api($o{as} // 'expert', POST => "/api/tickets/$tid/comments",
                json => { body => $body, visibility => $o{visibility} // 'public' });
    is $r->status, 201, "a comment on ticket $tid" or diag $r->body;
}

my $t1 = create_ticket($cw, title => 'Printer mati')->json;
{
    $graph->clear;
    reply_on($t1->{id}, "Sudah kami periksa.\nMohon dicoba lagi.");
    ok whatsapp_settled($t1->{id}), 'a reply to the customer: sent';
    my $d = wa_deliveries($t1->{id});
    is scalar(@$d), 1, '... one WhatsApp message, to the customer who opted in';
    is_deeply [@{ $d->[0] }[1, 2, 3, 4]], [$cw, 'public_reply', 'sent', 1], '... sent at the first attempt';
    my @req = $graph->wait_requests(1);
    is scalar(@req), 1, 'the API got one request';
    my $q = $req[0];
    is_deeply $q->{problems}, [], '... in Meta\'s documented format' or diag explain $q;
    is $q->{path}, "/v21.0/$PHONE_ID/messages", '... to the version and phone number id';
    is $q->{headers}{authorization}, "Bearer $TOKEN", '... with the access token';
    (my $to = $cw_number) =~ s/^\+//;
    is $q->{body}{to}, $to, '... to the number without the +';
    is $q->{body}{template}{name}, 'pharmadesk_ticket_update', '... the template';
    is $q->{body}{template}{language}{code}, 'en', '... in the recipient\'s language';
    my @p = map { $_->{text} } @{ $q->{body}{template}{components}[0]{parameters} };
    is $p[0], $t1->{number}, '{{1}} the ticket\'s number';
    is $p[1], 'Printer mati', '{{2}} its title';
    is $p[2], "Expert Satu replied on ticket $t1->{number}: \x{201C}Sudah kami periksa. Mohon dicoba lagi.\x{201D}",
        '{{3}} what happened, one line';
    like $p[3], qr{^http://127\.0\.0\.1:\d+/#/t/$t1->{id}$}, '{{4}} the link to the ticket';
    is $q->{body}{biz_opaque_callback_data}, "pd-delivery-$d->[0][0]", 'the delivery\'s id as callback data';
    is $d->[0][6], $q->{wamid}, 'the wamid is kept on the delivery';

    my $staff = api('expert', GET => "/api/tickets/$t1->{id}/notifications")->json;
    my ($w) = grep { $_->{channel} eq 'whatsapp' } @{ $staff->{items} };
    ok $w && $w->{status} eq 'sent' && !defined $w->{receipt}, 'staff see it in the ticket\'s deliveries';
}

# in the recipient's language, Bahasa Indonesia
my $cw_id = new_user('customer');
my $cw_id_number = number();
api($cw_id, PATCH => '/api/me', json => { whatsapp => { number => $cw_id_number, opt_in => JSON::true } });
{
    my $t = create_ticket($cw_id, title => 'Stok selisih')->json;
    $graph->clear;
    reply_on($t->{id}, 'Sedang kami cek.');
    ok whatsapp_settled($t->{id}), 'a reply to a customer who reads Bahasa Indonesia';
    my ($q) = $graph->wait_requests(1);
    is $q->{body}{template}{language}{code}, 'id', '... language id';
    is $q->{body}{template}{components}[0]{parameters}[2]{text},
        "Expert Satu membalas tiket $t->{number}: \x{201C}Sedang kami cek.\x{201D}", '... in her words';
}

# not to a number without the opt-in; never a customer for an internal note
{
    my $typed = new_user('customer');
    api('admin', PATCH => '/api/users/' . user_id($typed), json => { whatsapp => { number => number() } });
    my $t = create_ticket($typed, title => 'Tanpa persetujuan')->json;
    reply_on($t->{id}, 'Balasan.');
    whatsapp_settled($t->{id});
    wait_until(sub { db_value(q{SELECT count(*) FROM notify_deliveries WHERE ticket_id = ? AND channel = 'email'
                                AND status = 'sent'}, $t->{id}) }, 20);
    is_deeply wa_deliveries($t->{id}), [], 'a number an admin typed, not opted in: no WhatsApp message';

    reply_on($t1->{id}, 'Catatan untuk tim saja.', visibility => 'internal');
    whatsapp_settled($t1->{id});
    ok !grep({ $_->[2] eq 'internal_note' } @{ wa_deliveries($t1->{id}) }),
        'an internal note: no WhatsApp message to the customer';
}

# retries: a 5xx and a rate limit, then sent; an authentication error: dead
{
    $graph->clear;
    $graph->reply('503', '400 130429');
    my $t = create_ticket($cw, title => 'Ulang')->json;
    reply_on($t->{id}, 'Coba lagi nanti.');
    ok whatsapp_settled($t->{id}), 'a 503, then a rate limit: the message still goes';
    my $d = wa_deliveries($t->{id});
    is_deeply [@{ $d->[0] }[3, 4]], ['sent', 3], '... at the third attempt';
    like $d->[0][5] // '', qr/130429/, '... the last error kept';
    my @req = $graph->requests;
    is_deeply [map { $_->{status} } @req], [503, 400, 200], 'the API was called three times';
    is scalar(grep { $_->{body}{biz_opaque_callback_data} eq "pd-delivery-$d->[0][0]" } @req), 3,
        '... each time with the same callback data';

    $graph->clear;
    $graph->reply('401 190');
    $t = create_ticket($cw, title => 'Token')->json;
    reply_on($t->{id}, 'Token kedaluwarsa.');
    ok whatsapp_settled($t->{id}), 'an authentication error';
    $d = wa_deliveries($t->{id});
    is_deeply [@{ $d->[0] }[3, 4]], ['dead', 1], '... dead at the first attempt';
    like $d->[0][5], qr/error 190/, '... with the API\'s error';
    is scalar($graph->requests), 1, '... and not tried again';

    # consent withdrawn while a message waits for its retry: cancelled
    $graph->clear;
    $graph->reply('503', '503');
    $t = create_ticket($cw, title => 'Batal')->json;
    reply_on($t->{id}, 'Sebentar.');
    ok wait_until(sub { ((wa_deliveries($t->{id})->[0] // [])->[3] // '') eq 'failed' }, 20),
        'a message waits for its retry';
    api($cw, PATCH => '/api/me', json => { whatsapp => { opt_in => JSON::false } });
    ok whatsapp_settled($t->{id}), '... the customer withdraws their consent';
    is wa_deliveries($t->{id})->[0][3], 'cancelled', '... and it is cancelled, not sent';
    ok !grep({ $_->{status} == 200 } $graph->requests), '... the API took nothing';
    api($cw, PATCH => '/api/me', json => { whatsapp => { opt_in => JSON::true } });
    $graph->clear;
}

# Meta's statuses, on the deliveries
{
    my ($id, $wamid) = @{ db_query(q{SELECT id, external_id FROM notify_deliveries WHERE ticket_id = ?
        AND channel = 'whatsapp' AND status = 'sent' ORDER BY id LIMIT 1}, $t1->{id})->[0] };
    my $status = sub { notice(statuses => [{ id => $wamid, recipient_id => '62', timestamp => '' . time, @_ }]) };
    is notify($status->(status => 'delivered'))->code, 200, 'a status: delivered';
    is db_value('SELECT receipt FROM notify_deliveries WHERE id = ?', $id), 'delivered', '... on the delivery';
    notify($status->(status => 'read'));
    notify($status->(status => 'delivered'));
    is db_value('SELECT receipt FROM notify_deliveries WHERE id = ?', $id), 'read', 'read, and stays read';
    my ($w) = grep { $_->{id} == $id } @{ api('expert', GET => "/api/tickets/$t1->{id}/notifications")->json->{items} };
    is $w->{receipt}, 'read', '... which staff see';

    # a failure after the API took it, found by the callback data alone
    my $t = create_ticket($cw, title => 'Gagal kirim')->json;
    reply_on($t->{id}, 'Halo.');
    whatsapp_settled($t->{id});
    my ($did) = @{ wa_deliveries($t->{id})->[0] };
    db_do('UPDATE notify_deliveries SET external_id = NULL WHERE id = ?', $did);
    notify(notice(statuses => [{ id => 'wamid.unknown' . $$, status => 'failed',
        biz_opaque_callback_data => "pd-delivery-$did",
        errors => [{ code => 131026, title => 'Message undeliverable' }] }]));
    my $d = wa_deliveries($t->{id})->[0];
    is_deeply [@$d[3, 6]], ['dead', 'wamid.unknown' . $$], 'failed: the delivery is dead, its wamid learnt';
    like $d->[5], qr/131026: Message undeliverable/, '... with Meta\'s reason';
}

# ---- the webhook: handshake, signature, size, rate --------------------------------

{
    my $r = hook('GET', query => { 'hub.mode' => 'subscribe', 'hub.verify_token' => $VERIFY,
                                   'hub.challenge' => '1158201444' });
    is $r->code, 200, 'the handshake with the verify token';
    is $r->content, '1158201444', '... echoes the challenge';
    like $r->header('Content-Type'), qr{^text/plain}, '... as text/plain';
    is $r->header('Cache-Control'), 'no-store', '... not stored';
    for my $bad ([$VERIFY . 'x', 'subscribe'], ['', 'subscribe'], [$VERIFY, 'unsubscribe']) {
        $r = hook('GET', query => { 'hub.mode' => $bad->[1], 'hub.verify_token' => $bad->[0],
                                    'hub.challenge' => '1158201444' });
        is $r->code, 403, "a handshake with token '$bad->[0]', mode $bad->[1]: 403";
        like $r->header('Content-Type'), qr{^application/json}, '... in JSON';
    }
    $r = hook('GET', query => { 'hub.mode' => 'subscribe', 'hub.verify_token' => $VERIFY,
                                'hub.challenge' => '<script>' });
    is $r->code, 403, 'a challenge that is not a token is not echoed';

    my $body = $JSON->encode(message(number(), text => 'Tanpa tanda tangan'));
    $r = notify($body, sig => undef);
    is $r->code, 403, 'a notification without X-Hub-Signature-256: 403';
    is eval { $JSON->decode($r->content)->{error}{code} }, 'bad_signature', '... bad_signature';
    $r = notify($body, sig => 'sha256=' . hmac_sha256_hex($body, $SECRET . 'x'));
    is $r->code, 403, 'signed with another secret: 403';
    $r = notify($body, sig => 'sha256=' . hmac_sha256_hex($body . ' ', $SECRET));
    is $r->code, 403, 'signed over another body: 403';
    $r = notify($body, sig => 'sha1=' . substr(hmac_sha256_hex($body, $SECRET), 0, 40));
    is $r->code, 403, 'an X-Hub-Signature of SHA-1: 403';
    $r = notify($body, type => 'text/plain');
    is $r->code, 415, 'not JSON: 415';
    $r = notify('{"object":', sig => 'sha256=' . hmac_sha256_hex('{"object":', $SECRET));
    is $r->code, 400, 'signed, but no JSON: 400';

    my $big = $JSON->encode(message(number(), text => 'x' x 9000));
    $r = notify($big);
    is $r->code, 413, 'a body over PharmadeskWhatsAppMaxBody: 413';
    is eval { $JSON->decode($r->content)->{error}{code} }, 'payload_too_large', '... payload_too_large';
    my $chunked = "POST /hooks/whatsapp HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\n"
        . 'X-Hub-Signature-256: sha256=' . hmac_sha256_hex($big, $SECRET) . "\r\n"
        . "Transfer-Encoding: chunked\r\nConnection: close\r\n\r\n";
    for (my $rest = $big; length $rest;) {
        my $c = substr $rest, 0, 1000, '';
        $chunked .= sprintf("%x\r\n", length $c) . "$c\r\n";
    }
    my $raw = raw_http("${chunked}0\r\n\r\n");
    is $raw->{status}, 413, 'the same body chunked, with no length: 413 as it arrives';
    $r = hook(PUT => body => '{}', headers => { 'Content-Type' => 'application/json' });
    is $r->code, 405, 'PUT: 405';
    is $r->header('Allow'), 'GET, POST', '... Allow: GET, POST';

    # the minute's count, shared in PostgreSQL: past the limit, 429
    db_do(q{INSERT INTO whatsapp_hook_hits (address, window_start, hits)
            VALUES ('127.0.0.1', date_bin('1 minute', now(), timestamptz '2000-01-01 00:00+00'), 600)
            ON CONFLICT (address) DO UPDATE SET window_start = EXCLUDED.window_start, hits = 600});
    $r = notify($body);
    is $r->code, 429, 'past PharmadeskWhatsAppRateLimit requests a minute: 429';
    like $r->header('Retry-After') // '', qr/^\d+$/, '... with Retry-After';
    ok $r->header('Retry-After') >= 1 && $r->header('Retry-After') <= 60, '... within the minute';
    is eval { $JSON->decode($r->content)->{error}{code} }, 'rate_limited', '... rate_limited';
    db_do(q{DELETE FROM whatsapp_hook_hits});
}

# ---- the webhook: messages in -------------------------------------------------------

{
    my $before = ticket_count();
    my $m = message('+6289999' . sprintf('%05d', $$ % 100000), text => 'Siapa ini?');
    my $r = notify($m);
    is $r->code, 200, 'a message from an unknown number: 200 (Meta must not send it again)';
    is ticket_count(), $before, '... and no ticket';
    is db_value('SELECT outcome FROM whatsapp_inbound WHERE wamid = ?', $m->{entry}[0]{changes}[0]{value}{messages}[0]{id}),
        'ignored', '... taken and dropped';

    # the number of a customer who has not opted in
    my $typed = new_user('customer');
    my $n = number();
    api('admin', PATCH => '/api/users/' . user_id($typed), json => { whatsapp => { number => $n } });
    notify(message($n, text => 'Saya belum setuju.'));
    is ticket_count(), $before, 'a customer\'s number without the opt-in: no ticket';
    # staff who opted in: no ticket either (the webhook takes customers' messages)
    my $staff = new_user('team_expert');
    my $sn = number();
    api($staff, PATCH => '/api/me', json => { whatsapp => { number => $sn, opt_in => JSON::true } });
    notify(message($sn, text => 'Dari staf.'));
    is ticket_count(), $before, 'a team expert\'s number: no ticket';
    # to another phone number of the business
    notify(message($cw_number, text => 'Ke nomor lain', phone => '999'));
    is ticket_count(), $before, 'a message to another phone number id: nothing';
}

{
    # the customer's newest open ticket, waiting for them
    my $old = create_ticket($cw, title => 'Lama')->json;
    my $new = create_ticket($cw, title => 'Baru')->json;
    set_ticket($new->{id}, status => 'waiting_customer');
    my $after = last_activity_id($new->{id});
    my $m = message($cw_number, text => "Sudah saya coba.\nMasih gagal.");
    my $r = notify($m);
    is $r->code, 200, 'a known customer\'s message: 200';
    my @a = activities($new->{id}, $after);
    is scalar(@a), 2, '... a reply and a status change on their newest open ticket';
    is_deeply [@{ $a[0] }{qw(kind visibility body user_id)}],
        ['comment', 'public', "Sudah saya coba.\nMasih gagal.", user_id($cw)], '... a public reply by the customer';
    is_deeply [@{ $a[1] }{qw(kind old_value new_value)}], ['status_changed', 'waiting_customer', 'in_review'],
        '... which hands the waiting ticket back to the team';
    is_deeply [map { $_->[0] } db_query('SELECT channel FROM ticket_activities WHERE ticket_id = ? AND id > ? ORDER BY id',
        $new->{id}, $after)], ['whatsapp', 'whatsapp'], '... both through WhatsApp';
    is db_value('SELECT count(*) FROM ticket_activities WHERE ticket_id = ? AND channel IS NOT NULL', $old->{id}), 0,
        '... nothing on the older ticket';
    my $timeline = api('expert', GET => "/api/tickets/$new->{id}/activities")->json->{items};
    my ($c) = grep { ($_->{body} // '') eq "Sudah saya coba.\nMasih gagal." } @$timeline;
    ok $c && $c->{channel} eq 'whatsapp' && $c->{actor}{id} == user_id($cw) && !$c->{actor}{staff},
        'the timeline shows who and the channel' or diag explain $c;
    is api($cw, GET => "/api/tickets/$new->{id}")->json->{status}, 'in_review', 'the ticket is back with the team';

    # the same message again: nothing
    $after = last_activity_id($new->{id});
    is notify($m)->code, 200, 'the same message again (Meta repeats): 200';
    is last_activity_id($new->{id}), $after, '... and nothing new';

    # an image with a caption; a reaction
    notify(message($cw_number, type => 'image', extra => { image => { id => '1', caption => 'Foto struk',
        mime_type => 'image/jpeg' } }));
    my ($last) = reverse activities($new->{id}, $after);
    is $last->{body}, '[image] Foto struk', 'an image: noted with its caption';
    $after = last_activity_id($new->{id});
    notify(message($cw_number, type => 'reaction', extra => { reaction => { emoji => "\x{1F44D}",
        message_id => 'wamid.x' } }));
    is last_activity_id($new->{id}), $after, 'a reaction: nothing';
}

{
    # no open ticket: a new one, source whatsapp
    my $c2 = new_user('customer');
    my $n = number();
    api($c2, PATCH => '/api/me', json => { whatsapp => { number => $n, opt_in => JSON::true } });
    my $solved = create_ticket($c2, title => 'Selesai')->json;
    set_ticket($solved->{id}, status => 'solved');
    my $before = ticket_count();
    my $r = notify(message($n, text => "\n  Aplikasi kasir tidak bisa login\nSejak pagi tadi."));
    is $r->code, 200, 'a customer without an open ticket writes';
    is ticket_count(), $before + 1, '... a new ticket';
    my ($t) = db_query(q{SELECT id, source, customer_id, created_by, title, description, contact, pharmacy_id, status
        FROM tickets ORDER BY id DESC LIMIT 1});
    is $t->{source}, 'whatsapp', '... with source whatsapp';
    is_deeply [@$t{qw(customer_id created_by pharmacy_id status)}],
        [user_id($c2), user_id($c2), $pharmacy, 'open'], '... the customer\'s, in their pharmacy';
    is $t->{title}, 'Aplikasi kasir tidak bisa login', '... titled by its first line';
    is $t->{description}, "Aplikasi kasir tidak bisa login\nSejak pagi tadi.", '... the message its description';
    is $t->{contact}, $n, '... the number to reach them';
    is db_value(q{SELECT channel FROM ticket_activities WHERE ticket_id = ? AND kind = 'created'}, $t->{id}),
        'whatsapp', '... created through WhatsApp';
    my $seen = api($c2, GET => "/api/tickets/$t->{id}");
    is $seen->json->{source}, 'whatsapp', 'the customer sees it';
    ok grep({ $_->{id} == $t->{id} } @{ api('expert', GET => '/api/tickets', query => { source => 'whatsapp' })->json->{items} }),
        'the team finds it by source';
    ok wait_until(sub { db_value(q{SELECT count(*) FROM notify_deliveries d JOIN users u ON u.id = d.user_id
        WHERE d.ticket_id = ? AND d.event = 'ticket_created' AND u.username = 'expert'}, $t->{id}) }, 20),
        'the team hears of it';
    is db_value(q{SELECT count(*) FROM notify_deliveries WHERE ticket_id = ? AND user_id = ?}, $t->{id}, user_id($c2)), 0,
        '... and the customer, who wrote it, does not';
}

restart_with($conf, $original);
is api('cust_a', GET => '/api/me')->status, 200, 'the server is back without WhatsApp';

done_testing;
