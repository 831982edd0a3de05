#!/usr/bin/perl
# GET /api/tickets?q=...: full-text search over the ticket number, title,
# description and timeline replies; internal notes for staff only; ranking
# and keyset pages by relevance; q as a filter under the other sorts; the
# customer's pharmacy scope; hostile search texts. The words searched for
# are made up per run, so that other tickets of the test database never
# match.
use strict;
use warnings;
use lib "$ENV{PD_ROOT}/t/lib";
use Test::More;
use MIME::Base64 qw(encode_base64url);
use PD::Test;
use PD::Fixtures;

# Words no other ticket holds: letters only, so that the parser reads each
# as one word.
my $run = join '', map { chr(ord('a') + $_) } split //, sprintf('%06d', $$ % 1000000);
my %w = map { $_ => "${_}x$run" } qw(judul uraian balasan catatan umum dua satu ganti lama scope panjang);

# ---- a pharmacy and a customer of our own --------------------------------

my $code = 'T23-' . $$;
my $ph = api('admin', POST => '/api/pharmacies', json => { code => $code, name => "Apotek Cari $$" });
is $ph->status, 201, 'a pharmacy for this file' or BAIL_OUT('cannot create a pharmacy: ' . $ph->body);
my $P = $ph->json->{id};
my $cust = 'c23_' . $$;
is api('admin', POST => '/api/users', json => { username => $cust, subject => $cust, name => "Pelanggan $$",
    role => 'customer', pharmacy_id => $P })->status, 201, 'a customer of that pharmacy';

sub ticket {
    my (%f) = @_;
    my $r = create_ticket('expert', pharmacy_id => $P, %f);
    return $r->json // {};
}

# t1: the word in its title; t2: the same word in its description only
my $t1 = ticket(title => "Printer $w{judul} mati", description => "Sudah dicoba $w{umum}.");
my $t2 = ticket(title => 'Struk kosong', description => "Printer $w{judul} menyala, $w{uraian} dan $w{umum}.");
# t3: a public reply (the customer's); t4: an internal note (the expert's)
my $t3 = ticket(title => 'Stok minus', description => "Stok $w{umum} negatif.");
is api($cust, PATCH => "/api/tickets/$t3->{id}", json => { note => "Sudah saya cek, $w{balasan} $w{umum} masih ada." })
    ->status, 200, 'the customer replies on t3';
my $t4 = ticket(title => 'Harga resep', description => "Embalase $w{umum} dua kali.");
is api('expert', PATCH => "/api/tickets/$t4->{id}", json => { note => "Kemungkinan bug $w{catatan} $w{umum} di build baru" })
    ->status, 200, 'the expert notes on t4, internally';
# t5: two words in different parts (title and reply); t6: only one of them
my $t5 = ticket(title => "Faktur $w{satu}", description => "Tidak tersimpan $w{umum}, $w{umum}.");
db_do(q{INSERT INTO ticket_activities (ticket_id, user_id, kind, body, visibility)
        VALUES (?, ?, 'comment', ?, 'public')}, $t5->{id}, user_id('tech'), "Dicek, $w{dua} sudah diperbaiki");
my $t6 = ticket(title => "Faktur $w{satu} lagi $w{umum}", description => "Masih gagal $w{umum}.");
my @all = ($t1, $t2, $t3, $t4, $t5, $t6);
ok 6 == grep({ $_->{id} } @all), 'six tickets to search';

# search($user, $q, %query): the ids of every page
sub search {
    my ($user, $q, %query) = @_;
    my ($items, $resp) = all_pages($user, '/api/tickets', { q => $q, %query });
    my @bad = grep { $_->status != 200 } @$resp;
    diag 'HTTP ' . $bad[0]->status . ': ' . $bad[0]->body if @bad;
    return @bad ? ('error') : map { $_->{id} } @$items;
}
sub ids { join ' ', map { $_->{id} } @_ }
sub sorted { join ' ', sort { $a <=> $b } @_ }

# ---- what is searched -----------------------------------------------------

is join(' ', search('expert', $w{judul})), ids($t1, $t2), 'a title word: the title match first, then the description match';
is join(' ', search('expert', $w{uraian})), ids($t2), 'a description word';
is join(' ', search('expert', $w{balasan})), ids($t3), 'a word of a reply';
is join(' ', search($cust, $w{balasan})), ids($t3), '... found by the customer too';
is join(' ', search('expert', $w{catatan})), ids($t4), 'a word of an internal note: found by staff';
is join(' ', search('tech', $w{catatan})), ids($t4), '... by a tech';
is join(' ', search('manager', $w{catatan})), ids($t4), '... and by a manager';
is join(' ', search($cust, $w{catatan})), '', 'never by the customer of that pharmacy';
is join(' ', search($cust, "$w{catatan} $w{umum}")), '', '... not even with a word the ticket has';
is join(' ', search('expert', "$w{satu} $w{dua}")), ids($t5), 'two words must both be there, even in different parts';
is sorted(search('expert', $w{satu})), sorted($t5->{id}, $t6->{id}), '... one of them alone finds both';
is join(' ', search('expert', uc($w{judul}) . '.')), ids($t1, $t2), 'upper case and punctuation do not matter';

# ticket numbers
is join(' ', search('expert', $t1->{number})), ids($t1), 'a ticket number finds that ticket exactly';
is join(' ', search('expert', lc " ($t1->{number}), ")), ids($t1), '... in lower case and between punctuation';
is join(' ', search($cust, $t1->{number})), ids($t1), '... for the customer of its pharmacy too';
{
    my ($prefix, $year, $seq) = split /-/, $t1->{number};
    my @found = search('expert', "$prefix-$year-" . substr($seq, 0, 5), pharmacy_id => $P);
    ok((grep { $_ == $t1->{id} } @found), 'a number being typed (five digits) is a prefix');
    is join(' ', search('expert', $seq, pharmacy_id => $P)), ids($t1), 'the sequence part alone finds it';
}
# words shaped like a number inside the text: found by that text as well
{
    my $code = "Q$run-4821";
    my $digits = sprintf('%d-%04d', 1000 + $$ % 9000, 1000 + ($$ * 7) % 9000);
    my $t7 = ticket(title => "Kode galat $code muncul", description => "Lihat juga $t1->{number} dan nomor $digits.");
    is join(' ', search('expert', $code)), ids($t7), 'a word shaped like a ticket number, in a title';
    is join(' ', search('expert', lc substr($code, 0, -1))), ids($t7), '... and as a prefix, being typed';
    is join(' ', search('expert', "galat $code")), ids($t7), '... after another word';
    is join(' ', search('expert', $digits, pharmacy_id => $P)), ids($t7), 'digits, a dash and four digits, in a description';
    is join(' ', search('expert', "$digits.", pharmacy_id => $P)), ids($t7), '... with its punctuation';
    is join(' ', search('expert', $t1->{number})), ids($t1, $t7), 'a number: its ticket first, then a ticket that mentions it';
    is join(' ', search($cust, $t1->{number})), ids($t1, $t7), '... for the customer of their pharmacy too';
    is join(' ', search('cust_b', $code)), '', '... never for another pharmacy';
    my $t8 = ticket(title => 'Nomor lain', description => "Bukan $t2->{number}7.");
    is join(' ', search('expert', $t2->{number})), ids($t2), 'a complete number does not find a longer one in a text';
    is join(' ', search('expert', "$t2->{number}7")), ids($t8), '... which its own text finds';
}

# prefixes: only the last word is one
my $stem = substr($w{judul}, 0, 8);
is join(' ', search('expert', $stem)), ids($t1, $t2), 'the last word is a prefix';
is join(' ', search('expert', "$stem $w{umum}")), '', '... but not a word before it';
is join(' ', search('expert', "$w{umum} $stem")), ids($t1, $t2), '... and a whole word before a prefix';

# ---- ranking, paging, sorts ----------------------------------------------

# The oracle: ranks straight from the search rows, staff's with the notes.
sub rank_sql {
    my ($notes) = @_;
    return $notes ? q{ts_rank(CASE WHEN notes <> '' THEN doc || notes ELSE doc END, pd_search_query(?))}
                  : q{ts_rank(doc, pd_search_query(?))};
}
sub by_rank {
    my ($q, $notes, @ids) = @_;
    @ids = map { $_->{id} } @all unless @ids;
    return map { $_->[0] } db_query('SELECT ticket_id FROM ticket_search WHERE ticket_id = ANY (?) ORDER BY '
        . rank_sql($notes) . ' DESC, ticket_id DESC', \@ids, $q);
}
my @umum = search('expert', $w{umum}, limit => 100);
is sorted(@umum), sorted(map { $_->{id} } @all), 'a word every ticket holds finds all six';
is "@umum", join(' ', by_rank($w{umum}, 1)), '... by rank, then id, as ts_rank gives them';
is $umum[0], $t6->{id}, '... the one with it in its title first';
my %ranks = map { @$_ } db_query('SELECT ticket_id, ' . rank_sql(1) . '::text FROM ticket_search'
    . ' WHERE ticket_id = ANY (?)', $w{umum}, \@umum);
ok scalar(keys %{{ reverse %ranks }}) >= 4, '... with four ranks or more among them (and ties)';
is join(' ', search($cust, $w{umum}, limit => 1)), join(' ', by_rank($w{umum}, 0)),
    "the customer's pages of one follow the ranks without the note";
{
    my @ones = search('expert', $w{umum}, limit => 1);
    is "@ones", "@umum", 'pages of one walk the same order';
    my %seen; $seen{$_}++ for @ones;
    ok !(grep { $_ > 1 } values %seen), '... without duplicates';
    is scalar(keys %seen), 6, '... or gaps';
    my @asc = search('expert', $w{umum}, order => 'asc', limit => 1);
    is "@asc", join(' ', reverse @umum), 'order=asc: the same, least relevant first';
    my @two = search('expert', $w{umum}, sort => 'relevance', limit => 2);
    is "@two", "@umum", 'sort=relevance is the default with q';
    my ($items, $resp) = all_pages('expert', '/api/tickets', { q => $w{umum}, limit => 4 });
    is scalar(@$resp), 2, 'four and two: two pages';
    ok defined $resp->[0]->json->{next} && !defined $resp->[1]->json->{next}, '... next only on the first';
}
{
    # the rank is carried exactly: equal ranks are broken by id, descending
    my @ties = search('expert', $w{satu}, limit => 1);
    is "@ties", join(' ', by_rank($w{satu}, 1, $t5->{id}, $t6->{id})),
        'relevance ties and near-ties page in (rank, id) order';
}
for my $sort (qw(created_at updated_at priority id)) {
    for my $order (qw(asc desc)) {
        my @got = search('expert', $w{umum}, sort => $sort, order => $order, limit => 2);
        my @plain = map { $_->{id} } @{ (all_pages('expert', '/api/tickets',
            { pharmacy_id => $P, sort => $sort, order => $order, limit => 100 }))[0] };
        my %hit = map { $_ => 1 } @umum;
        is "@got", join(' ', grep { $hit{$_} } @plain), "q with sort=$sort order=$order: the list's order, filtered";
    }
}
is_error api('expert', GET => '/api/tickets', query => { sort => 'relevance' }), 400, 'invalid_parameter', 'sort',
    'sort=relevance without q: 400';

# ---- with filters ---------------------------------------------------------

is api('expert', PATCH => "/api/tickets/$t2->{id}", json => { status => 'in_review' })->status, 200, 't2 in review';
is api('expert', PATCH => "/api/tickets/$t5->{id}", json => { status => 'in_review' })->status, 200, 't5 in review';
is join(' ', search('expert', $w{umum}, status => 'in_review', limit => 1)),
    join(' ', grep { $_ == $t2->{id} || $_ == $t5->{id} } @umum), 'q and status=in_review: those two, by relevance';
is join(' ', search('expert', $w{umum}, status => 'open', sort => 'id', order => 'asc')),
    sorted(map { $_->{id} } $t1, $t3, $t4, $t6), 'q, status=open and sort=id: the other four';
is join(' ', search('expert', $w{judul}, status => 'in_review,solved')), ids($t2), 'q and two statuses';
is join(' ', search('expert', $w{judul}, pharmacy_id => pharmacy_id('APT-A'))), '', 'q and another pharmacy: none';
is join(' ', search('expert', $w{judul}, created_from => '2000-01-01', priority => 'medium')), ids($t1, $t2),
    'q with date and priority filters';

# ---- the customer's pharmacy ---------------------------------------------

{
    my $a = create_ticket('cust_a', title => "Scanner $w{scope}", description => "Barcode $w{scope} tidak terbaca.")->json;
    is join(' ', search('cust_a', $w{scope})), $a->{id}, "cust_a finds their pharmacy's ticket";
    is join(' ', search('expert', $w{scope})), $a->{id}, '... staff find it';
    is join(' ', search('cust_b', $w{scope})), '', 'cust_b (APT-B) never finds an APT-A ticket';
    is join(' ', search('cust_b', $w{scope}, sort => 'created_at')), '', '... under another sort either';
    is join(' ', search('cust_b', $a->{number})), '', '... nor by its number';
    is join(' ', search($cust, $w{scope})), '', '... nor does the customer of our pharmacy';
    my @mine = search($cust, $w{umum}, limit => 1);
    is sorted(@mine), sorted(map { $_->{id} } @all), 'our customer pages through all six of theirs';
    is join(' ', search('cust_b', $w{umum})), '', 'cust_b finds none of them';
}

# ---- internal notes never show -------------------------------------------

{
    my $staff = api('expert', GET => '/api/tickets', query => { q => $w{catatan} });
    is scalar @{ $staff->json->{items} }, 1, 'staff get t4 for the note word';
    unlike $staff->body, qr/\Q$w{catatan}\E/, '... without any of the note in the answer';
    for my $q ($w{umum}, $w{catatan}, "$w{catatan} $w{umum}", 'Kemungkinan bug') {
        my $r = api($cust, GET => '/api/tickets', query => { q => $q, limit => 100 });
        ok $r->status == 200 && $r->body !~ /\Q$w{catatan}\E|Kemungkinan bug/,
            "the customer's answer to q=$q holds nothing of the note";
    }
}

# ---- the index follows edits ---------------------------------------------

{
    my $t = ticket(title => "Laporan $w{lama}", description => "Kas $w{lama}.");
    is join(' ', search('expert', $w{lama})), $t->{id}, 'a new ticket is found at once';
    is api('expert', PATCH => "/api/tickets/$t->{id}", json => { title => "Laporan $w{ganti}",
        description => 'Kas selisih.' })->status, 200, 'its title and description change';
    is join(' ', search('expert', $w{ganti})), $t->{id}, '... the new word finds it';
    is join(' ', search('expert', $w{lama})), '', '... the old one no longer';
    is api($cust, PATCH => "/api/tickets/$t->{id}", json => { note => "Masih $w{lama} di kasir" })->status, 200,
        'a reply brings the old word back';
    is join(' ', search('expert', "$w{ganti} $w{lama}")), $t->{id}, '... title and reply together';
    is api('admin', DELETE => "/api/tickets/$t->{id}")->status, 204, 'the ticket is deleted';
    is join(' ', search('expert', $w{ganti})), '', '... and found no more';
    is db_value('SELECT count(*) FROM ticket_search WHERE ticket_id = ?', $t->{id}), 0, '... its search row is gone';
}

# ---- long texts ----------------------------------------------------------

{
    # a word past 2047 characters is left out of the index with a NOTICE,
    # which must not end up in Apache's error log
    my $long = 'z' x 3000;
    my $size = -s "$ENV{PD_TEST_RUN_DIR}/error.log";
    my $t = ticket(title => "Lampiran $w{panjang}", description => "Isi: $long");
    ok $t->{id}, 'a ticket whose description holds a 3000-character word';
    is api($cust, PATCH => "/api/tickets/$t->{id}", json => { note => "Balasan $long" })->status, 200,
        '... and a reply that does too';
    is join(' ', search('expert', $w{panjang})), $t->{id}, '... is found by its other words';
    open my $fh, '<', "$ENV{PD_TEST_RUN_DIR}/error.log" or die "error.log: $!";
    seek $fh, $size, 0;
    my @notices = grep { /word is too long|NOTICE/ } <$fh>;
    is_deeply \@notices, [], '... and nothing about it reaches the error log';

    # Replies beyond what one search row holds: the reply is kept, its
    # words are not indexed any more, the earlier ones still are.
    my $word = sub { sprintf 'k%s%02d%04d', $run, @_ };
    my @bodies = map { my $i = $_; join ' ', map { $word->($i, $_) } 1 .. 1300 } 1 .. 12;
    my $ok = eval {
        db_do(q{INSERT INTO ticket_activities (ticket_id, user_id, kind, body, visibility)
                VALUES (?, ?, 'comment', ?, 'public')}, $t->{id}, user_id('tech'), $_) for @bodies;
        1;
    };
    ok $ok, 'twelve replies of 1,300 different words each are all written' or diag $@;
    is db_value('SELECT count(*) FROM ticket_activities WHERE ticket_id = ? AND body LIKE ?', $t->{id}, "k$run%"),
        12, '... and all on the timeline';
    my $size_now = db_value('SELECT pg_column_size(replies) FROM ticket_search WHERE ticket_id = ?', $t->{id});
    cmp_ok $size_now, '<', 300000, "... while the search row's replies stopped growing ($size_now bytes)";
    is join(' ', search('expert', $word->(1, 1))), $t->{id}, "... the first reply's words are found";
    is join(' ', search('expert', $word->(12, 1300))), '', "... the last one's are not";
    is join(' ', search('expert', "$w{panjang} " . $word->(2, 1300), sort => 'id')), $t->{id},
        '... a search among them still works';
    is join(' ', search($cust, "$w{panjang} " . $word->(3, 5))), $t->{id}, '... for the customer too';
}

# ---- hostile search texts -------------------------------------------------

my @no_word = ('!!!', '&|!():*', "'", "''", '\\', '\\\\', ' ', '   ', ':*', '<->', '()', '-', '---', '&&&', "'\\'",
               '"', '<b></b>', '%', '_');
for my $q (@no_word) {
    is_error api('expert', GET => '/api/tickets', query => { q => $q }), 400, 'invalid_parameter', 'q',
        "q=\"$q\" holds no word: 400";
}
# the text becomes its query before any statement runs: an export or a
# count of a text without words is refused the same way (a saved view's
# count of such a text shows as none)
is_error api('expert', GET => '/api/tickets', query => { q => '!!!', format => 'csv' }), 400, 'invalid_parameter',
    'q', 'q="!!!" as CSV: 400';
is_error api('expert', GET => '/api/tickets', query => { q => '&|!', count => 'true' }), 400, 'invalid_parameter',
    'q', 'q="&|!" with count=true: 400';
my @hostile = ("a & b", "a | b", "!a", "(a", "a)", "a:*", "a:A", "a:*B", "'a'", "a'b", "a\\", "\\a\\'", "a <-> b",
    "a <2> b", "x'); DROP TABLE tickets; --", "1' OR '1'='1", "%' OR 1=1 --", "\$\$; SELECT 1; \$\$", "a\\'b & c",
    "ctrl & ( ! : * ' )", 'é ü ß 漢字 🙂', "PD-2026-000001 | x", "PD-9999-", 'a-b-c-d', "$w{judul}:*A",
    "!$w{judul}", "($w{judul})", "'$w{judul}'", "$w{judul}&", "$w{judul} |");
for my $q (@hostile) {
    my $r = api('expert', GET => '/api/tickets', query => { q => $q });
    ok $r->status == 200 && ref $r->json eq 'HASH' && ref $r->json->{items} eq 'ARRAY', "q=\"$q\": 200";
}
for my $q ("!$w{judul}", "($w{judul})", "'$w{judul}'", "$w{judul}&", "$w{judul}:*", "$w{judul} |", "\\$w{judul}\\") {
    is join(' ', search('expert', $q)), ids($t1, $t2), "operators are not syntax: q=\"$q\" is the word";
}
is_error api('expert', GET => '/api/tickets', query => { q => '' }), 400, 'invalid_parameter', 'q', 'an empty q: 400';
is_error api('expert', GET => '/api/tickets', query => { q => "a\0b" }), 400, 'invalid_parameter', undef, 'a NUL: 400';
is_error api('expert', GET => '/api/tickets', query => { q => "a\tb" }), 400, 'invalid_parameter', 'q',
    'a control character: 400';
is_error api('expert', GET => "/api/tickets?q=%C3%28"), 400, 'invalid_parameter', 'q', 'invalid UTF-8: 400';
is_error api('expert', GET => '/api/tickets', query => { q => 'a' x 201 }), 400, 'invalid_parameter', 'q',
    '201 bytes: 400';
is api('expert', GET => '/api/tickets', query => { q => 'a' x 200 })->status, 200, '200 bytes: 200';
is api('expert', GET => '/api/tickets', query => { q => join(' ', ('ab') x 66) . ' a' })->status, 200,
    '67 words: 200';
is_error api('expert', GET => '/api/tickets', query => { q => "\xc3\xa9" x 101 }), 400, 'invalid_parameter', 'q',
    '101 two-byte characters (202 bytes): 400';
is api('expert', GET => '/api/tickets', query => { q => "\xc3\xa9" x 100 })->status, 200,
    '100 two-byte characters (200 bytes): 200';

# cursors
{
    my $r = api('expert', GET => '/api/tickets', query => { q => $w{umum}, limit => 2 });
    my $next = $r->json->{next};
    ok defined $next, 'a relevance page has a cursor';
    is_error api('expert', GET => '/api/tickets', query => { q => $w{umum}, sort => 'id', cursor => $next }),
        400, 'invalid_parameter', 'cursor', "a relevance cursor under sort=id: 400";
    is_error api('expert', GET => '/api/tickets', query => { q => $w{umum}, order => 'asc', cursor => $next }),
        400, 'invalid_parameter', 'cursor', '... under order=asc: 400';
    for my $key ('1e+99', '1e-99', 'NaN', 'Infinity', '-1', "0.5'; --", '', 'abc', '1e+38', '0.1e-37') {
        my $forged = encode_base64url("1|relevance|d|$t1->{id}|$key");
        is_error api('expert', GET => '/api/tickets', query => { q => $w{umum}, cursor => $forged }),
            400, 'invalid_parameter', 'cursor', "a forged rank \"$key\": 400";
    }
    for my $key ('0', '0.5', '9.99e+37', '1e-37', '12345678901234567') {
        my $forged = encode_base64url("1|relevance|d|$t1->{id}|$key");
        is api('expert', GET => '/api/tickets', query => { q => $w{umum}, cursor => $forged })->status, 200,
            "a forged rank \"$key\" within a real's range: 200";
    }
}

done_testing;
