#!/usr/bin/perl
# The ticket list as CSV (GET /api/tickets?format=csv): the whole list its
# filters select, in its order, with the list's authorization; RFC 4180
# quoting, the byte order mark, formulas neutralised; and 100,000 tickets
# exported while Apache's memory stays flat (the export reads and sends a
# page at a time on a pool of its own); the two-part orders (what needs
# action first, waiting first) across the export's pages.
use strict;
use warnings;
use lib "$ENV{PD_ROOT}/t/lib";
use Test::More;
use PD::Test;
use PD::Fixtures;

# A CSV text as rows of cells (RFC 4180).
sub parse_csv {
    my ($text) = @_;
    my (@rows, @row, $cell);
    $cell = '';
    my $quoted = 0;
    my $i = 0;
    while ($i < length $text) {
        my $c = substr $text, $i, 1;
        if ($quoted) {
            if ($c eq '"' && substr($text, $i + 1, 1) eq '"') { $cell .= '"'; $i += 2; next }
            if ($c eq '"') { $quoted = 0; $i++; next }
            $cell .= $c; $i++; next;
        }
        if ($c eq '"') { $quoted = 1; $i++; next }
        if ($c eq ',') { push @row, $cell; $cell = ''; $i++; next }
        if (substr($text, $i, 2) eq "\r\n") { push @row, $cell; push @rows, [@row]; @row = (); $cell = ''; $i += 2; next }
        $cell .= $c; $i++;
    }
    return \@rows;
}

my $mark = tag('Ekspor');
my @titles = ("=HYPERLINK(\"http://contoh.invalid\",\"klik\") $mark", "Printer, \"rusak\" $mark", "+62 812 $mark",
              "-1 stok $mark", "\@SUM(A1) $mark", "Biasa $mark");
my @ids = map { create_ticket('cust_a', title => $_)->json->{id} } @titles;
my $theirs = create_ticket('cust_b', title => "Milik B $mark")->json->{id};

my $r = api('manager', GET => '/api/tickets', query => { q => $mark, format => 'csv', sort => 'id', order => 'asc' });
is $r->status, 200, 'the list as CSV';
like $r->header('Content-Type'), qr{^text/csv; charset=utf-8$}, '... text/csv';
like $r->header('Content-Disposition'), qr{^attachment; filename="pharmadesk-tickets\.csv"$}, '... an attachment';
is $r->header('Cache-Control'), 'no-store', '... never cached';
unlike $r->body, qr/^\xEF\xBB\xBF/, '... without a byte order mark unless asked';
my $rows = parse_csv($r->body);
is_deeply $rows->[0], [qw(id number title status priority source pharmacy_code pharmacy category module pic_name contact
                          app_version customer expert tech created_at updated_at first_response_at solved_at closed_at
                          first_response_due_at resolution_due_at escalated_at rating)], '... a header';
is_deeply [map { $_->[0] } @$rows[1 .. $#$rows]], [@ids, $theirs], '... every ticket the search finds, in the list\'s order';
is_deeply [map { $_->[2] } @$rows[1 .. 6]],
          ["'=HYPERLINK(\"http://contoh.invalid\",\"klik\") $mark", "Printer, \"rusak\" $mark", "'+62 812 $mark",
           "'-1 stok $mark", "'\@SUM(A1) $mark", "Biasa $mark"],
          'formulas neutralised by an apostrophe, quotes and commas quoted';
like $r->body, qr/,"Printer, ""rusak"" \Q$mark\E",/, '... quoted as RFC 4180 says';
is $rows->[1][6], 'APT-A', 'the pharmacy\'s code';
is $rows->[1][13], 'Customer Alpha', 'the customer\'s name';

$r = api('manager', GET => '/api/tickets', query => { q => $mark, format => 'csv', bom => 'true' });
like $r->body, qr/^\xEF\xBB\xBFid,number,/, 'bom=true: the byte order mark first';
$r = api('manager', GET => '/api/tickets', query => { q => $mark }, headers => { Accept => 'text/csv' });
like $r->header('Content-Type'), qr{^text/csv}, 'Accept: text/csv asks for CSV';
$r = api('manager', GET => '/api/tickets', query => { q => $mark, limit => 2 });
like $r->header('Content-Type'), qr{^application/json}, 'without either, JSON as ever';

# the list's authorization: a customer's export is their pharmacy's
$r = api('cust_a', GET => '/api/tickets', query => { q => $mark, format => 'csv' });
$rows = parse_csv($r->body);
is_deeply [sort { $a <=> $b } map { $_->[0] } @$rows[1 .. $#$rows]], [sort { $a <=> $b } @ids],
    'a customer exports their pharmacy\'s tickets only';
$r = api('cust_a', GET => '/api/tickets', query => { pharmacy_id => pharmacy_id('APT-B'), format => 'csv' });
is scalar @{ parse_csv($r->body) }, 1, '... another pharmacy\'s: the header alone';
for my $bad ([{ format => 'xls' }, 'format'], [{ bom => 'yes', format => 'csv' }, 'bom'], [{ bom => 'true' }, 'bom'],
             [{ format => 'csv', status => 'nope' }, 'status']) {
    my ($q, $field) = @$bad;
    is_error api('manager', GET => '/api/tickets', query => $q), 400, 'invalid_parameter', $field,
        'refused: ' . join('&', map { "$_=$q->{$_}" } sort keys %$q);
}

# ---- the two-part orders, past a page ----------------------------------------------
# What needs action first and waiting first sort by a two-part key; the
# export reads its pages by it as the list's cursor does. 1,100 tickets of
# one pharmacy: more than two of the export's pages of 500.
{
    (my $code = uc tag('EXQ')) =~ s/[^A-Z0-9-]/-/g;
    my $ph = db_value(q{INSERT INTO pharmacies (code, name) VALUES (?, 'Apotek Antrian') RETURNING id}, $code);
    db_do(q{INSERT INTO tickets (number, pharmacy_id, pic_name, contact, module_id, category_id, title, description,
                                 priority, status, source, created_at, updated_at)
            SELECT 'EXQ-' || i, ?, 'Budi', '0812', (SELECT min(id) FROM ticket_modules), (SELECT min(id) FROM ticket_categories),
                   'Antrian ' || i, 'x', (ARRAY['low', 'medium', 'high', 'urgent'])[1 + i % 4],
                   (ARRAY['open', 'waiting_customer', 'in_review', 'solved', 'open'])[1 + i % 5], 'internal',
                   timestamptz '2026-01-01 00:00:00+00' - (i / 3) * interval '1 minute', now()
            FROM generate_series(1, 1100) i}, $ph);
    my $all = db_query(q{SELECT id, status, priority_rank, created_at FROM tickets WHERE pharmacy_id = ?}, $ph);
    my %waits = (waiting_customer => 1, solved => 1);
    my @waiting_first = map { $_->[0] } sort {
        ($waits{ $b->[1] } // 0) <=> ($waits{ $a->[1] } // 0) || $b->[3] cmp $a->[3] || $b->[0] <=> $a->[0] } @$all;
    my $r = api('manager', GET => '/api/tickets', query => { pharmacy_id => $ph, sort => 'waiting', format => 'csv' });
    is $r->status, 200, 'sort=waiting as CSV, 1,100 tickets';
    my $got = parse_csv($r->body);
    is_deeply [map { $_->[0] } @$got[1 .. $#$got]], \@waiting_first,
        '... every ticket once, waiting for the customer first, across the export\'s pages';
    my @open = grep { $_->[1] =~ /^(?:open|in_review)$/ } @$all;
    my @action = map { $_->[0] } sort { $b->[2] <=> $a->[2] || $a->[3] cmp $b->[3] || $a->[0] <=> $b->[0] } @open;
    $r = api('manager', GET => '/api/tickets', query => { pharmacy_id => $ph, queue => 'review', format => 'csv' });
    is $r->status, 200, 'the review queue as CSV';
    $got = parse_csv($r->body);
    is_deeply [map { $_->[0] } @$got[1 .. $#$got]], \@action,
        '... what needs action first, across the export\'s pages';
    db_do('DELETE FROM tickets WHERE pharmacy_id = ?', $ph);
    db_do('DELETE FROM pharmacies WHERE id = ?', $ph);
}

# ---- 100,000 tickets, flat memory ------------------------------------------------------

SKIP: {
    skip 'the module runs under a sanitizer, whose own memory use would be measured', 4 if $ENV{PD_TEST_HTTPD_PRELOAD};
    my $N = $ENV{PD_TEST_EXPORT_ROWS} || 100_000;
    (my $code = uc tag('EXP')) =~ s/[^A-Z0-9-]/-/g;
    my $ph = db_value(q{INSERT INTO pharmacies (code, name) VALUES (?, 'Apotek Ekspor') RETURNING id}, $code);
    db_do(q{INSERT INTO tickets (number, pharmacy_id, pic_name, contact, module_id, category_id, title, description,
                                 priority, source, created_at, updated_at)
            SELECT 'EXP-' || i, ?, 'Budi', '0812', (SELECT min(id) FROM ticket_modules), (SELECT min(id) FROM ticket_categories),
                   'Laporan ekspor nomor ' || i || ', "besar"', 'x', 'medium', 'internal',
                   now() - i * interval '1 second', now()
            FROM generate_series(1, ?) i}, $ph, $N);

    # warm-up: a small export, so that the baseline holds a thread's pools
    api('manager', GET => '/api/tickets', query => { pharmacy_id => $ph, format => 'csv', created_to => '2000-01-01' });
    my $baseline = private_kib();
    my ($peak, $big) = private_peak(sub { api('manager', GET => '/api/tickets', query => { pharmacy_id => $ph, format => 'csv' }) });
    is $big->status, 200, "$N tickets exported";
    my $lines = () = $big->body =~ /\r\n/g;
    is $lines, $N + 1, '... a line each and the header' or diag length $big->body;
    like $big->body, qr/\r\n\d+,EXP-1,"Laporan ekspor nomor 1, ""besar""",/, '... the newest first, as the list sorts';
    my $growth = ($peak - $baseline) / 1024;
    cmp_ok $growth, '<', 32, sprintf('Apache\'s private memory grew by %.1f MiB for a %.1f MiB export', $growth,
                                      length($big->body) / 1024 / 1024);
    db_do('DELETE FROM tickets WHERE pharmacy_id = ?', $ph);
    db_do('DELETE FROM pharmacies WHERE id = ?', $ph);
}

done_testing;
