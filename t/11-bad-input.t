#!/usr/bin/perl
# Hostile and sloppy input: bodies that are not JSON objects, the wrong media
# type, oversized bodies (declared and chunked), members of the wrong shape,
# references to nothing usable, and query strings that try their luck. Every
# refusal must be a 4xx with the error shape, and must write nothing.
use strict;
use warnings;
use utf8;
use lib "$ENV{PD_ROOT}/t/lib";
use Test::More;
use PD::Test;
use PD::Fixtures;

my $LIMIT = 65536;

sub post_raw {
    my ($user, $body, $ct) = @_;
    return api($user, POST => '/api/tickets', body => $body,
        (defined $ct ? (content_type => $ct) : ()));
}

sub tables_intact {
    my ($name) = @_;
    ok defined db_value(q{SELECT to_regclass('public.tickets')})
        && defined db_value('SELECT count(*) FROM tickets'), $name;
}

# ---- bodies that are not one JSON object ---------------------------------

is_error post_raw('cust_a', '{"title": ', 'application/json'), 400, 'bad_json', undef, 'truncated JSON: 400 bad_json';
is_error post_raw('cust_a', 'title=Printer', 'application/json'), 400, 'bad_json', undef, 'form data as JSON: 400';
is_error post_raw('cust_a', '[{"title":"x"}]', 'application/json'), 400, 'bad_json', undef, 'a JSON array: 400';
is_error post_raw('cust_a', '"just a string"', 'application/json'), 400, 'bad_json', undef, 'a JSON string: 400';
is_error post_raw('cust_a', 'null', 'application/json'), 400, 'bad_json', undef, 'JSON null: 400';
is_error post_raw('cust_a', '', 'application/json'), 400, 'bad_json', undef, 'an empty body: 400';
is_error post_raw('cust_a', '{"title":"a","title":"b"}', 'application/json'), 400, 'bad_json', undef,
    'duplicate keys: 400';
is_error post_raw('cust_a', '{"title":"a\u0000b"}', 'application/json'), 400, 'bad_json', undef,
    'NUL through \u0000: 400';
is_error post_raw('cust_a', ('{"a":' x 17) . '1' . ('}' x 17), 'application/json'), 400, 'bad_json', undef,
    'nesting deeper than 16: 400';
is_error post_raw('cust_a', "{\"title\":\"\xff\xfe\"}", 'application/json'), 400, 'bad_json', undef,
    'invalid UTF-8: 400';
is_error api('admin', PATCH => '/api/pharmacies/' . pharmacy_id('APT-A'), body => '[]',
    content_type => 'application/json'), 400, 'bad_json', undef, 'an array on PATCH too: 400';

# ---- media type ----------------------------------------------------------

my $valid = ticket_body('cust_a');
my $valid_text = $JSON->encode($valid);
for my $ct ('text/plain', 'application/jsonx', 'application/x-www-form-urlencoded', 'text/json',
            'application/json-patch+json') {
    is_error post_raw('cust_a', $valid_text, $ct), 415, 'unsupported_media_type', undef, "Content-Type $ct: 415";
}
is_error post_raw('cust_a', $valid_text, undef), 415, 'unsupported_media_type', undef, 'no Content-Type: 415';
is post_raw('cust_a', $JSON->encode(ticket_body('cust_a')), 'application/json; charset=utf-8')->status, 201,
    'application/json with a charset is accepted';

# ---- size ----------------------------------------------------------------

# A valid body padded with spaces inside the object to exactly $n bytes.
sub padded {
    my ($n) = @_;
    my $text = $JSON->encode(ticket_body('cust_a', title => tag('Ukuran')));
    my $pad = $n - length $text;
    die "body too long to pad" if $pad < 0;
    return substr($text, 0, -1) . (' ' x $pad) . '}';
}

{
    my $at = padded($LIMIT);
    is length($at), $LIMIT, 'the padded body is exactly the limit';
    is post_raw('cust_a', $at, 'application/json')->status, 201, "exactly $LIMIT bytes by Content-Length: accepted";
    is_error post_raw('cust_a', padded($LIMIT + 1), 'application/json'), 413, 'payload_too_large', undef,
        ($LIMIT + 1) . ' bytes by Content-Length: 413';
    is_error post_raw('cust_a', padded(200_000), 'application/json'), 413, 'payload_too_large', undef,
        '200 kB by Content-Length: 413';

    my $c = chunked_post('cust_a', '/api/tickets', padded($LIMIT), 4000);
    is $c->{status}, 201, "exactly $LIMIT bytes chunked: accepted";
    $c = chunked_post('cust_a', '/api/tickets', padded($LIMIT + 1), 4000);
    is $c->{status}, 413, ($LIMIT + 1) . ' bytes chunked: 413';
    is $c->{json} && $c->{json}{error}{code}, 'payload_too_large', '... payload_too_large';
    $c = chunked_post('cust_a', '/api/tickets', padded(300_000), 8192);
    is $c->{status}, 413, '300 kB chunked: 413';
    is $c->{json} && $c->{json}{error}{code}, 'payload_too_large', '... payload_too_large';
    $c = chunked_post('cust_a', '/api/tickets', padded($LIMIT + 1), $LIMIT + 1);
    is $c->{status}, 413, 'one chunk over the limit: 413';

    # Far over the limit (past the 1 MiB LimitRequestBody of <Location /api>)
    # the answer must still be the API's JSON error, not Apache's HTML page.
    is_error post_raw('cust_a', padded(2_000_000), 'application/json'), 413, 'payload_too_large', undef,
        '2 MB by Content-Length: 413 payload_too_large (JSON)';
    $c = chunked_post('cust_a', '/api/tickets', padded(2_000_000), 65536);
    ok $c->{status} == 413 && ($c->{headers}{'content-type'} // '') =~ m{^application/json}
        && ($c->{json} && $c->{json}{error}{code} // '') eq 'payload_too_large',
        '2 MB chunked: 413 payload_too_large (JSON)'
        or diag "HTTP $c->{status} " . ($c->{headers}{'content-type'} // '') . ': ' . substr($c->{body}, 0, 120);
    # the server still answers normally afterwards
    is api('cust_a', GET => '/api/me')->status, 200, 'the server is fine after the refusals';
}

# ---- members: missing, wrong type, unknown -------------------------------

for my $f (qw(pic_name contact module_id category_id title description)) {
    is_error api('cust_a', POST => '/api/tickets', json => ticket_body('cust_a', $f => undef)),
        422, 'validation_failed', $f, "missing $f: 422 naming it";
    my $b = ticket_body('cust_a');
    $b->{$f} = undef;    # explicit null, still in the body
    is_error api('cust_a', POST => '/api/tickets', body => $JSON->encode($b), content_type => 'application/json'),
        422, 'validation_failed', $f, "null $f: 422 naming it";
}
is_error api('expert', POST => '/api/tickets', json => ticket_body('expert', pharmacy_id => undef)),
    422, 'validation_failed', 'pharmacy_id', 'staff without pharmacy_id: 422 naming it';

my %wrong = (
    'a string id'     => '"1"',
    'a float id'      => '1.5',
    'a negative id'   => '-3',
    'zero'            => '0',
    'a huge id'       => '1000000000000000000',
    'a boolean id'    => 'true',
    'an object id'    => '{"id":1}',
);
for my $what (sort keys %wrong) {
    my $text = $JSON->encode(ticket_body('cust_a', module_id => 4242424242));
    $text =~ s/4242424242/$wrong{$what}/ or die;
    is_error api('cust_a', POST => '/api/tickets', body => $text, content_type => 'application/json'),
        422, 'validation_failed', 'module_id', "$what for module_id: 422";
}
{
    my $text = $JSON->encode(ticket_body('cust_a', category_id => 4242424242));
    $text =~ s/4242424242/99999999999999999999999/ or die;
    my $r = api('cust_a', POST => '/api/tickets', body => $text, content_type => 'application/json');
    ok $r->status == 400 || $r->status == 422, 'an id beyond 64 bits is refused as input (400/422)'
        or diag $r->body;
}
is_error api('cust_a', POST => '/api/tickets', json => ticket_body('cust_a', title => 42)),
    422, 'validation_failed', 'title', 'a number for title: 422';
is_error api('cust_a', POST => '/api/tickets', json => ticket_body('cust_a', title => ['a'])),
    422, 'validation_failed', 'title', 'an array for title: 422';
is_error api('cust_a', POST => '/api/tickets', json => ticket_body('cust_a', priority => 'critical')),
    422, 'validation_failed', 'priority', 'an unknown priority: 422';
is_error api('cust_a', POST => '/api/tickets', json => ticket_body('cust_a', priority => 3)),
    422, 'validation_failed', 'priority', 'a number for priority: 422';

{
    my $r = api('cust_a', POST => '/api/tickets', json => ticket_body('cust_a', severity => 'high'));
    is_error $r, 422, 'unknown_field', undef, 'an unknown member: 422 unknown_field';
    # README: "field" when one input caused the error
    is $r->json && $r->json->{error}{field}, 'severity', '... naming the member';
}
is_error api('cust_a', POST => '/api/tickets', json => ticket_body('cust_a', status => 'closed')),
    422, 'unknown_field', undef, 'status on create is not a member: 422 unknown_field';
is_error api('admin', POST => '/api/ticket-categories', json => { name => tag('Kat'), icon => 'x' }),
    422, 'unknown_field', undef, 'unknown member on a lookup: 422';

# ---- references to nothing usable ----------------------------------------

my %refs = (
    'module Modul Lama'      => ['cust_a', module_id   => module_id('Modul Lama')],
    'category Kategori Lama' => ['cust_a', category_id => category_id('Kategori Lama')],
    'pharmacy APT-OLD'       => ['admin',  pharmacy_id => pharmacy_id('APT-OLD')],
    'module 999999'          => ['cust_a', module_id   => 999999],
    'category 999999'        => ['cust_a', category_id => 999999],
    'pharmacy 999999'        => ['expert', pharmacy_id => 999999],
    'customer 999999'        => ['admin',  customer_id => 999999],
    'deactivated customer'   => ['admin',  customer_id => user_id('inactive')],
);
for my $what (sort keys %refs) {
    my ($user, $field, $id) = @{ $refs{$what} };
    is_error api($user, POST => '/api/tickets', json => ticket_body($user, $field => $id)),
        422, 'unknown_reference', $field, "$what: 422 unknown_reference naming $field";
}

# ---- strings -------------------------------------------------------------

is_error api('cust_a', POST => '/api/tickets', json => ticket_body('cust_a', title => 'x' x 201)),
    422, 'validation_failed', 'title', 'title of 201 characters: 422';
is api('cust_a', POST => '/api/tickets', json => ticket_body('cust_a', title => 'é' x 200))->status, 201,
    'title of 200 two-byte characters: accepted (characters, not bytes)';
is_error api('cust_a', POST => '/api/tickets', json => ticket_body('cust_a', pic_name => 'p' x 201)),
    422, 'validation_failed', 'pic_name', 'pic_name of 201 characters: 422';
is_error api('cust_a', POST => '/api/tickets', json => ticket_body('cust_a', contact => 'c' x 201)),
    422, 'validation_failed', 'contact', 'contact of 201 characters: 422';
is_error api('cust_a', POST => '/api/tickets', json => ticket_body('cust_a', app_version => '5' x 51)),
    422, 'validation_failed', 'app_version', 'app_version of 51 characters: 422';
is_error api('cust_a', POST => '/api/tickets', json => ticket_body('cust_a', description => 'd' x 20001)),
    422, 'validation_failed', 'description', 'description of 20001 characters: 422';
is_error api('cust_a', POST => '/api/tickets', json => ticket_body('cust_a', title => '   ')),
    422, 'validation_failed', 'title', 'a blank title: 422';
for my $c ("\x01", "\x1f", "\x7f", "\n", "\t", "\e[31m") {
    (my $shown = sprintf '%vd', $c) =~ s/\./,/g;
    is_error api('cust_a', POST => '/api/tickets', json => ticket_body('cust_a', title => "Struk${c}printer")),
        422, 'validation_failed', 'title', "control character ($shown) in a title: 422";
}
is api('cust_a', POST => '/api/tickets',
    json => ticket_body('cust_a', description => "baris satu\r\nbaris dua\tkolom"))->status, 201,
    'line breaks and tabs in a description are fine';

# ---- query strings -------------------------------------------------------

my @bad_queries = (
    [{ bogus => 1 },                          'unknown_parameter', undef],
    [{ limit => 0 },                          'invalid_parameter', 'limit'],
    [{ limit => 101 },                        'invalid_parameter', 'limit'],
    [{ limit => 'abc' },                      'invalid_parameter', 'limit'],
    [{ limit => -1 },                         'invalid_parameter', 'limit'],
    [{ limit => '10.5' },                     'invalid_parameter', 'limit'],
    [{ status => 'bogus' },                   'invalid_parameter', 'status'],
    [{ status => 'open,bogus' },              'invalid_parameter', 'status'],
    [{ priority => 'critical' },              'invalid_parameter', 'priority'],
    [{ source => 'email' },                   'invalid_parameter', 'source'],
    [{ sort => 'title' },                     'invalid_parameter', 'sort'],
    [{ sort => 'created_at desc' },           'invalid_parameter', 'sort'],
    [{ order => 'sideways' },                 'invalid_parameter', 'order'],
    [{ created_from => '2026-02-30' },        'invalid_parameter', 'created_from'],
    [{ created_to => '2026-13-01' },          'invalid_parameter', 'created_to'],
    [{ created_from => '2026-02-01T10:00' },  'invalid_parameter', 'created_from'],
    [{ created_from => 'yesterday' },         'invalid_parameter', 'created_from'],
    [{ category_id => 'abc' },                'invalid_parameter', 'category_id'],
    [{ tech_id => 0 },                        'invalid_parameter', 'tech_id'],
    [{ cursor => 'abcd' },                    'invalid_parameter', 'cursor'],
    [{ cursor => 'not a cursor!' },           'invalid_parameter', 'cursor'],
    [{ pharmacy_id => '1;DROP TABLE tickets' },        'invalid_parameter', 'pharmacy_id'],
    [{ pharmacy_id => "1' OR '1'='1" },                'invalid_parameter', 'pharmacy_id'],
    [{ sort => '1;DROP TABLE tickets' },               'invalid_parameter', 'sort'],
    [{ sort => 'created_at;DROP TABLE tickets--' },    'invalid_parameter', 'sort'],
    [{ order => 'desc;DROP TABLE tickets' },           'invalid_parameter', 'order'],
    [{ status => "open');DROP TABLE tickets;--" },     'invalid_parameter', 'status'],
);
for my $case (@bad_queries) {
    my ($q, $code, $field) = @$case;
    my $shown = join '&', map { "$_=$q->{$_}" } sort keys %$q;
    is_error api('admin', GET => '/api/tickets', query => $q), 400, $code, $field, "GET /api/tickets?$shown: 400";
}
is_error api('admin', GET => '/api/tickets?limit=1&limit=2'), 400, 'invalid_parameter', undef,
    'a repeated parameter: 400';
is_error api('admin', GET => '/api/tickets?status=%00open'), 400, 'invalid_parameter', undef,
    'NUL in a query value: 400';

# Forged cursors: well-formed base64url around contents the server never made.
use MIME::Base64 ();
sub b64url { my $s = MIME::Base64::encode_base64($_[0], ''); $s =~ tr{+/}{-_}; $s =~ s/=+$//; $s }
for my $plain ('1|title|d|5|0', '1|created_at|d|5|abc', '1|created_at|d|5|1;DROP TABLE tickets',
               '2|created_at|d|5|0', '1|created_at|x|5|0', '1|created_at|d|-5|0', '1|created_at|d|5') {
    is_error api('admin', GET => '/api/tickets', query => { cursor => b64url($plain) }),
        400, 'invalid_parameter', 'cursor', "forged cursor '$plain': 400";
}
{
    my $asc = api('admin', GET => '/api/tickets', query => { limit => 1, order => 'asc' });
    my $next = $asc->json && $asc->json->{next};
    ok defined $next, 'a real cursor to misuse';
    is_error api('admin', GET => '/api/tickets', query => { limit => 1, order => 'desc', cursor => $next // 'x' }),
        400, 'invalid_parameter', 'cursor', 'a cursor used with another order: 400';
    is_error api('admin', GET => '/api/tickets', query => { limit => 1, order => 'asc', sort => 'id', cursor => $next // 'x' }),
        400, 'invalid_parameter', 'cursor', 'a cursor used with another sort: 400';
}

is_error api('admin', GET => '/api/pharmacies', query => { limit => 0 }), 400, 'invalid_parameter', 'limit',
    'pharmacies limit=0: 400';
is_error api('admin', GET => '/api/pharmacies', query => { q => '' }), 400, 'invalid_parameter', 'q',
    'pharmacies empty q: 400';
is_error api('admin', GET => '/api/users', query => { role => 'superuser' }), 400, 'invalid_parameter', 'role',
    'users role=superuser: 400';
is_error api('admin', GET => '/api/users', query => { pharmacy_id => '1 OR 1=1' }), 400, 'invalid_parameter',
    'pharmacy_id', 'users pharmacy_id injection: 400';
is_error api('admin', GET => '/api/ticket-categories', query => { include_inactive => 'yes' }), 400,
    'invalid_parameter', 'include_inactive', 'include_inactive=yes: 400';

# README: an unknown query parameter is a 400, whatever the GET route.
my $own_ticket = new_ticket('cust_a', title => tag('Parameter'));
for my $path ('/api/me', '/api/tickets', "/api/tickets/$own_ticket->{id}", '/api/ticket-categories',
              '/api/ticket-categories/' . category_id('Bug Sistem'), '/api/ticket-modules',
              '/api/ticket-modules/' . module_id('Penjualan'), '/api/pharmacies',
              '/api/pharmacies/' . pharmacy_id('APT-A'), '/api/users', '/api/users/' . user_id('tech'),
              '/api/roles', '/api/roles/1') {
    is_error api('admin', GET => $path, query => { bogus => 1 }), 400, 'unknown_parameter', undef,
        "GET $path?bogus=1: 400 unknown_parameter";
}

tables_intact('the tickets table survived every injection attempt');
is db_value(q{SELECT count(*) FROM roles}), 5, 'so did the roles';

# ---- a refused request writes nothing ------------------------------------

sub counts {
    return join '/', map { db_value("SELECT count(*) FROM $_") // 'x' }
        qw(tickets ticket_activities ticket_categories ticket_modules pharmacies users);
}
sub counter { db_value(q{SELECT pd_ticket_seq_last(extract(year FROM now() AT TIME ZONE 'Asia/Jakarta')::int)}) }

{
    my ($before, $seq) = (counts(), counter());
    # passes the shape checks, fails inside the transaction
    my $r = api('cust_a', POST => '/api/tickets', json => ticket_body('cust_a', module_id => module_id('Modul Lama')));
    is $r->status, 422, 'a create refused inside its transaction: 422';
    is counts(), $before, '... left no ticket and no timeline row';
    is counter(), $seq, '... and did not take a ticket number';

    $r = api('cust_a', POST => '/api/tickets', json => ticket_body('cust_a', title => 'x' x 201));
    is $r->status, 422, 'a create refused by validation: 422';
    is counts(), $before, '... wrote nothing';
    is counter(), $seq, '... took no number';

    my $t = new_ticket('cust_a', title => tag('Tetap'));
    ($before, $seq) = (counts(), counter());
    my $version = db_value('SELECT version FROM tickets WHERE id = ?', $t->{id});
    $r = api('expert', PATCH => "/api/tickets/$t->{id}",
        json => { status => 'in_review', priority => 'high', tech_id => 999999 });
    is_error $r, 422, 'unknown_reference', 'tech_id', 'an update with an unknown tech: 422';
    is db_value('SELECT version FROM tickets WHERE id = ?', $t->{id}), $version, '... the ticket is unchanged';
    is db_value('SELECT status || priority FROM tickets WHERE id = ?', $t->{id}), 'openmedium',
        '... no member of it was applied';
    is counts(), $before, '... and no timeline row was added';

    $r = api('admin', POST => '/api/ticket-categories', json => { name => tag('Kat'), color => 'red' });
    is $r->status, 422, 'a lookup with a bad color: 422';
    $r = api('admin', POST => '/api/users', json => { username => tag('u'), name => 'X', role => 'customer' });
    is $r->status, 422, 'a customer without a pharmacy: 422';
    is counts(), $before, 'refused master-data writes left nothing either';
}

done_testing;
