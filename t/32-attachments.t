#!/usr/bin/perl
# Attachments: upload (multipart, streamed, sniffed, limited), storage in
# PostgreSQL (SHA-256, no orphans), download (headers, Range, names) and who
# may do which. The test server runs with the default per-file limit (10 MiB)
# and 10 files per request, and a ticket full at 25 MiB (scripts/test).
use strict;
use warnings;
use lib 't/lib';
use Test::More;
use Digest::SHA qw(sha256_hex);
use Encode qw(decode_utf8);
use MIME::Base64 ();
use PD::Test;
use PD::Fixtures;

my $MiB = 1024 * 1024;
my $FILE_MAX = 10 * $MiB;
my $TICKET_MAX = 25 * $MiB;
my $MAX_FILES = 10;

# Files of each allowed type, by their magic numbers.
my %sample = (
    png  => "\x89PNG\r\n\x1a\n" . ("\x00\x00\x00\x0dIHDR" x 20),
    jpeg => "\xFF\xD8\xFF\xE0\x00\x10JFIF\x00" . ("\x01\x02" x 50),
    gif  => "GIF89a" . ("\x01\x00" x 40),
    webp => "RIFF\x24\x00\x00\x00WEBPVP8 " . ("\x00" x 40),
    pdf  => "%PDF-1.4\n1 0 obj\n<< >>\nendobj\n%%EOF\n",
    zip  => "PK\x03\x04" . ("\x00" x 60),
    log  => "2026-11-20 10:00:01 ERROR printer offline\n2026-11-20 10:00:02 INFO retry\n",
    csv  => "kode,nama,stok\nAMX500,Amoxicillin 500mg,120\n",
);
sub file { my ($name, $content, $type) = @_; [file => { filename => $name, content => $content, type => $type }] }
sub new_id { create_ticket('cust_a', title => tag('Lampiran'))->json->{id} }
sub ticket { api($_[0], GET => "/api/tickets/$_[1]") }

# ---- a customer attaches a screenshot ------------------------------------------

my $id = new_id();
my $etag_before = ticket('cust_a', $id)->header('ETag');
my $before = store_counts();
my $r = upload('cust_a', $id, [[description => 'Layar kasir saat error'], file('kasir.png', $sample{png}, 'image/png')]);
is $r->status, 201, 'a customer uploads a PNG: 201';
my $a = $r->json->{items}[0];
is scalar @{ $r->json->{items} }, 1, '... one item';
is_deeply { map { $_ => $a->{$_} } qw(file_name content_type size sha256 description visibility ticket_id) },
    { file_name => 'kasir.png', content_type => 'image/png', size => length $sample{png},
      sha256 => sha256_hex($sample{png}), description => 'Layar kasir saat error', visibility => 'public',
      ticket_id => $id },
    '... name, sniffed type, size, SHA-256, description, visibility';
is $a->{uploaded_by}{id}, user_id('cust_a'), '... the uploader';
is $a->{download_url}, "/api/attachments/$a->{id}", '... a download link';
is $a->{preview_url}, "/api/attachments/$a->{id}/preview", '... and, for an image, a preview link';
my $after = store_counts();
is_deeply [map { $after->[$_] - $before->[$_] } 0 .. 2], [1, 1, 1], '... one attachment row, one blob, one chunk';
is db_value('SELECT storage || \':\' || (storage_key = (SELECT max(id)::text FROM attachment_blobs))::text'
    . ' FROM ticket_attachments WHERE public_id = ?', $a->{id}), 'postgresql:true', '... stored in PostgreSQL under its blob';
isnt ticket('cust_a', $id)->header('ETag'), $etag_before, '... the ticket changed (its ETag moved)';
my ($entry) = grep { $_->{kind} eq 'attachment' } @{ api('cust_a', GET => "/api/tickets/$id/activities")->json->{items} };
is_deeply [@{$entry}{qw(attachment_id new_value body visibility)}, $entry->{actor}{id}],
    [$a->{id}, 'kasir.png', 'Layar kasir saat error', 'public', user_id('cust_a')],
    '... and the timeline says who attached which file';

# ---- the download's headers, exactly ---------------------------------------------

$r = api('cust_a', GET => $a->{download_url});
is $r->status, 200, 'the customer downloads it: 200';
is $r->body, $sample{png}, '... the very bytes';
my %want = (
    'Content-Type' => 'image/png',
    'Content-Disposition' => 'attachment; filename="kasir.png"',
    'X-Content-Type-Options' => 'nosniff',
    'Content-Security-Policy' => 'sandbox',
    'Cache-Control' => 'no-store',
    'ETag' => '"' . sha256_hex($sample{png}) . '"',
    'Accept-Ranges' => 'bytes',
    'Content-Length' => length $sample{png},
);
for my $h (sort keys %want) {
    is join('|', $r->headers->header($h)), $want{$h}, "... $h: $want{$h}";
}
$r = api('cust_a', HEAD => $a->{download_url});
is_deeply [$r->status, length $r->body, $r->header('Content-Length'), $r->header('ETag')],
    [200, 0, length $sample{png}, $want{ETag}], 'HEAD: the same headers, no body';
is api('cust_a', GET => $a->{download_url}, headers => { 'If-None-Match' => $want{ETag} })->status, 304,
    'If-None-Match with its ETag: 304';
$r = api('cust_a', GET => $a->{preview_url});
is $r->status, 200, 'the preview: 200';
is_deeply [map { scalar $r->header($_) } qw(Content-Type Content-Disposition X-Content-Type-Options
    Content-Security-Policy Cache-Control ETag)],
    ['image/png', 'inline; filename="kasir.png"', 'nosniff', 'sandbox', 'no-store', $want{ETag}],
    '... the same headers but inline';
is $r->body, $sample{png}, '... the same bytes';

# ---- every allowed type, several files, descriptions and visibility -------------

my @seven = (
    [visibility => 'public'],
    file('foto.jpg', $sample{jpeg}), file('anim.gif', $sample{gif}),
    [description => 'log kasir'], file('kasir.log', $sample{log}, 'image/png'),
    file('stok.csv', $sample{csv}), file('nota.pdf', $sample{pdf}),
    [visibility => 'internal'],
    file('layar.webp', $sample{webp}), file('backup.zip', $sample{zip}),
);
$r = upload('tech', $id, \@seven);
is $r->status, 403, 'a tech not assigned to the ticket: 403';
set_ticket($id, tech_id => user_id('tech'), status => 'in_progress');
$r = upload('tech', $id, \@seven);
is $r->status, 201, 'the assigned tech uploads seven files at once: 201';
is_deeply [map { [@{$_}{qw(file_name content_type visibility description)}] } @{ $r->json->{items} }], [
    ['foto.jpg', 'image/jpeg', 'public', ''],
    ['anim.gif', 'image/gif', 'public', ''],
    ['kasir.log', 'text/plain; charset=utf-8', 'public', 'log kasir'],
    ['stok.csv', 'text/csv; charset=utf-8', 'public', ''],
    ['nota.pdf', 'application/pdf', 'public', ''],
    ['layar.webp', 'image/webp', 'internal', ''],
    ['backup.zip', 'application/zip', 'internal', ''],
], '... types by their bytes (a log claimed as image/png is text), a description for the next file only, visibility for the rest';
my %by_name = map { $_->{file_name} => $_ } @{ $r->json->{items} };
ok !defined $by_name{'nota.pdf'}{preview_url}, '... a PDF has no preview link';
is_error api('cust_a', GET => "/api/attachments/$by_name{'nota.pdf'}{id}/preview"), 404, 'not_found', undef,
    '... and its preview route answers 404';
is api('tech', GET => "/api/attachments/$by_name{'kasir.log'}{id}")->header('Content-Type'),
    'text/plain; charset=utf-8', 'a log downloads as text/plain';

# ---- visibility: internal files are staff's ---------------------------------------

my $internal = $by_name{'layar.webp'};
sub names_seen {
    my ($user, $tid) = @_;
    my ($items) = all_pages($user, "/api/tickets/$tid/attachments");
    [map { $_->{file_name} } @$items];
}
is_deeply names_seen('cust_a', $id), [qw(kasir.png foto.jpg anim.gif kasir.log stok.csv nota.pdf)],
    'the customer\'s list leaves out the internal files';
is_deeply names_seen('expert', $id), [qw(kasir.png foto.jpg anim.gif kasir.log stok.csv nota.pdf layar.webp backup.zip)],
    'staff see them all, oldest first';
is_error api('cust_a', GET => "/api/attachments/$internal->{id}"), 404, 'not_found', undef,
    'the customer downloading an internal file: 404';
is_error api('cust_a', GET => "/api/attachments/$internal->{id}/preview"), 404, 'not_found', undef,
    '... or previewing it: 404';
is api('expert', GET => "/api/attachments/$internal->{id}")->status, 200, 'staff download it';
ok !(grep { ($_->{attachment_id} // 0) == $internal->{id} }
    @{ (all_pages('cust_a', "/api/tickets/$id/activities"))[0] }),
    'the customer\'s timeline does not show the internal upload';
is_error upload('cust_a', $id, [[visibility => 'internal'], file('x.png', $sample{png})]), 403, 'field_forbidden',
    'visibility', 'a customer marking a file internal: 403';
{
    my $pages = api('expert', GET => "/api/tickets/$id/attachments", query => { limit => 3 });
    my $next = api('expert', GET => "/api/tickets/$id/attachments", query => { limit => 3, cursor => $pages->json->{next} });
    is_deeply [map { $_->{file_name} } @{ $next->json->{items} }], [qw(kasir.log stok.csv nota.pdf)],
        'the list pages by cursor';
}

# ---- what an attachment's id and the list's cursor tell a customer --------------

# Internal files are counted nowhere a customer can look: ids are no running
# number (a gap between two of a customer's files would betray a file in
# between), and the list's cursors count only the files the caller sees.
{
    my $t = new_id();
    my @ids = map { $_->{id} } @{ upload('cust_a', $t, [map { file("bukti$_.png", $sample{png}) } 1 .. 4])->json->{items} };
    ok !(grep { $ids[$_] == $ids[$_ - 1] + 1 } 1 .. $#ids), 'files uploaded together get no consecutive ids'
        or diag "@ids";
    set_ticket($t, tech_id => user_id('tech'), status => 'in_progress');
    is upload('tech', $t, [[visibility => 'internal'], file('rahasia.png', $sample{png})])->status, 201,
        'the tech adds an internal file';
    my $later = upload('cust_a', $t, [file('bukti5.png', $sample{png})])->json->{items}[0];
    my ($items, $pages) = all_pages('cust_a', "/api/tickets/$t/attachments", { limit => 1 });
    is_deeply [map { $_->{file_name} } @$items], [map { "bukti$_.png" } 1 .. 5], 'the customer lists their five files';
    my @numbers = map { my $c = $_->json->{next}; $c ? [MIME::Base64::decode_base64url($c) =~ /(\d+)/g] : () } @$pages;
    ok !(grep { grep { $_ > 5 } @$_ } @numbers), '... through cursors that count only those five' or diag explain \@numbers;
    my @entries = grep { $_->{kind} eq 'attachment' } @{ api('cust_a', GET => "/api/tickets/$t/activities")->json->{items} };
    is_deeply [map { $_->{attachment_id} } @entries], [@ids, $later->{id}], '... and the timeline names them by the same ids';
}

# ---- who may do what: the matrix ------------------------------------------------

my $id_b = create_ticket('cust_b', title => tag('Lampiran B'))->json->{id};
my $b_file = upload('cust_b', $id_b, [file('b.png', $sample{png})])->json->{items}[0];
for my $case (
    # user, ticket, upload, list, download of A's public file, download of B's file
    ['cust_a',  $id,   201, 200, 200, 404],
    ['cust_b',  $id,   404, 404, 404, 200],
    ['expert',  $id,   201, 200, 200, 200],
    ['admin',   $id,   201, 200, 200, 200],
    ['manager', $id,   403, 200, 200, 200],
    ['norole',  $id,   403, 403, 403, 403],
) {
    my ($user, $tid, $up, $list, $dl_a, $dl_b) = @$case;
    is upload($user, $tid, [file("$user.png", $sample{png})])->status, $up, "$user uploads to A's ticket: $up";
    is api($user, GET => "/api/tickets/$tid/attachments")->status, $list, "$user lists A's attachments: $list";
    is api($user, GET => $a->{download_url})->status, $dl_a, "$user downloads A's file: $dl_a";
    is api($user, GET => $b_file->{download_url})->status, $dl_b, "$user downloads B's file: $dl_b";
}
is api(undef, GET => $a->{download_url})->status, 401, 'anonymous download: 401';
is upload(undef, $id, [file('anon.png', $sample{png})])->status, 401, 'anonymous upload: 401';
is_error upload('cust_a', 999999999, [file('x.png', $sample{png})]), 404, 'not_found', undef, 'a missing ticket: 404';
is_error api('expert', GET => '/api/attachments/999999999'), 404, 'not_found', undef, 'a missing attachment: 404';
{
    my $closed = new_id();
    set_ticket($closed, status => 'closed');
    is_error upload('cust_a', $closed, [file('late.png', $sample{png})]), 409, 'ticket_closed', undef,
        'a public file on a closed ticket: 409';
    is upload('expert', $closed, [[visibility => 'internal'], file('arsip.png', $sample{png})])->status, 201,
        '... an internal one by staff: 201';
}

# ---- sniffing: the bytes decide ---------------------------------------------------

$id = new_id();
$before = store_counts();
for my $case (
    ['disguised HTML named .png', 'evil.png', "<!DOCTYPE html><html><script>alert(1)</script></html>", 'image/png'],
    ['HTML after a blank line', 'notes.txt', "\n\n  <html><body onload=alert(1)>", 'text/plain'],
    ['SVG', 'logo.svg', qq{<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>}, 'image/svg+xml'],
    ['an executable', 'setup.png', "\x7fELF\x02\x01\x01\x00" . ("\x00" x 100), 'image/png'],
    ['binary junk', 'data.csv', join('', map { chr } 0 .. 255), 'text/csv'],
) {
    my ($what, $name, $bytes, $claimed) = @$case;
    is_error upload('cust_a', $id, [file($name, $bytes, $claimed)]), 415, 'unsupported_media_type', 'file',
        "$what: 415";
}
is_error upload('cust_a', $id, [file('ok.png', $sample{png}), file('evil.png', '<html><script>x</script>')]),
    415, 'unsupported_media_type', 'file', 'a good file followed by a refused one: 415';
is_deeply store_counts(), $before, '... and none of them left a row, a blob or a chunk';
is_error upload('cust_a', $id, [file('kosong.txt', '')]), 422, 'validation_failed', 'file', 'an empty file: 422';
$r = upload('cust_a', $id, [file('', ''), file('isi.txt', "isi\n")]);
is_deeply [$r->status, [map { $_->{file_name} } @{ $r->json->{items} }]], [201, ['isi.txt']],
    'a file input left empty is skipped';

# ---- names: cleaned, and sent in RFC 6266 / 5987 form -----------------------------

for my $case (
    ["Struk pembayaran \xe2\x80\x93 Mei.pdf", "Struk pembayaran \xe2\x80\x93 Mei.pdf",
        q{attachment; filename="Struk pembayaran _ Mei.pdf"; filename*=UTF-8''Struk%20pembayaran%20%E2%80%93%20Mei.pdf}],
    ["\xe6\x97\xa5\xe6\x9c\xac\xe8\xaa\x9e.pdf", "\xe6\x97\xa5\xe6\x9c\xac\xe8\xaa\x9e.pdf",
        q{attachment; filename="___.pdf"; filename*=UTF-8''%E6%97%A5%E6%9C%AC%E8%AA%9E.pdf}],
    ["faktur\xe2\x80\xaefdp.exe.pdf", 'faktur_fdp.exe.pdf', q{attachment; filename="faktur_fdp.exe.pdf"}],
    ['C:\\fakepath\\nota.pdf', 'nota.pdf', q{attachment; filename="nota.pdf"}],
    ['  ..laporan.pdf.. ', 'laporan.pdf', q{attachment; filename="laporan.pdf"}],
) {
    my ($sent, $stored, $disposition) = @$case;
    my $item = upload('cust_a', $id, [file($sent, $sample{pdf})])->json->{items}[0];
    is $item->{file_name}, decode_utf8($stored), "name '$sent' is stored as '$stored'";
    is api('cust_a', GET => $item->{download_url})->header('Content-Disposition'), $disposition,
        "... and sent as $disposition";
}
# names given in RFC 5987 form (filename*=), the only way to send a quote
for my $case (["r%C3%A9sum%C3%A9.txt", "r\xc3\xa9sum\xc3\xa9.txt", q{attachment; filename="r_sum_.txt"; filename*=UTF-8''r%C3%A9sum%C3%A9.txt}],
              ['a%22b.txt', 'a"b.txt', q{attachment; filename="a_b.txt"; filename*=UTF-8''a%22b.txt}]) {
    my ($encoded, $stored, $disposition) = @$case;
    my $boundary = 'XbOuNdArY';
    my $body = "--$boundary\r\nContent-Disposition: form-data; name=\"file\"; filename*=UTF-8''$encoded\r\n\r\n"
        . "isi\r\n--$boundary--\r\n";
    $r = api('cust_a', POST => "/api/tickets/$id/attachments", body => $body,
        content_type => "multipart/form-data; boundary=$boundary");
    is $r->json->{items}[0]{file_name}, decode_utf8($stored), "filename*=UTF-8''$encoded is understood";
    is api('cust_a', GET => $r->json->{items}[0]{download_url})->header('Content-Disposition'), $disposition,
        "... and sent as $disposition";
}

# ---- limits, with Content-Length and chunked ----------------------------------------

for my $chunked (0, 1) {
    my $framing = $chunked ? 'chunked' : 'Content-Length';
    for my $case ([$FILE_MAX - 1, 201], [$FILE_MAX, 201], [$FILE_MAX + 1, 413]) {
        my ($size, $status) = @$case;
        my $tid = new_id();
        my $c = store_counts();
        my $bytes = 'a' x $size;
        $r = upload('cust_a', $tid, [file('besar.txt', $bytes)], chunked => $chunked);
        is $r->status, $status, "$framing: a file of " . ($size - $FILE_MAX) . " bytes from the limit: $status";
        if ($status == 201) {
            is $r->json->{items}[0]{sha256}, sha256_hex($bytes), '... stored whole (SHA-256)';
        } else {
            is_error $r, 413, 'payload_too_large', 'file', '... payload_too_large';
            is_deeply store_counts(), $c, '... and nothing was left behind';
        }
    }
    for my $case ([$MAX_FILES - 1, 201], [$MAX_FILES, 201], [$MAX_FILES + 1, 413]) {
        my ($n, $status) = @$case;
        my $tid = new_id();
        $r = upload('cust_a', $tid, [map { file("f$_.txt", "isi $_\n") } 1 .. $n], chunked => $chunked);
        is $r->status, $status, "$framing: $n files in one request: $status";
        is scalar @{ (all_pages('cust_a', "/api/tickets/$tid/attachments"))[0] }, $status == 201 ? $n : 0,
            '... ' . ($status == 201 ? 'all stored' : 'none stored');
    }
    # a ticket full at 25 MiB: 2 x 10 MiB, then 5 MiB - 1, then 1 byte, then 1 byte more
    my $tid = new_id();
    is upload('cust_a', $tid, [file('a.txt', 'a' x $FILE_MAX), file('b.txt', 'b' x $FILE_MAX)], chunked => $chunked)->status,
        201, "$framing: 20 MiB on a ticket: 201";
    is upload('cust_a', $tid, [file('c.txt', 'c' x (5 * $MiB - 1))], chunked => $chunked)->status, 201,
        '... up to one byte under the ticket limit: 201';
    is upload('cust_a', $tid, [file('d.txt', 'd')], chunked => $chunked)->status, 201, '... up to the limit: 201';
    my $c = store_counts();
    is_error upload('cust_a', $tid, [file('e.txt', 'e')], chunked => $chunked), 413, 'payload_too_large', 'file',
        '... one byte over it: 413';
    is_deeply store_counts(), $c, '... leaving nothing behind';
    is db_value('SELECT sum(size_bytes) FROM ticket_attachments WHERE ticket_id = ?', $tid), $TICKET_MAX,
        '... the ticket holds exactly its limit';
}
{
    # a declared length beyond any upload is refused before a byte is read
    my $token = token_for('cust_a');
    my $huge = $MAX_FILES * ($FILE_MAX + 16384) + 16384 + 1;
    $r = raw_http("POST /api/tickets/$id/attachments HTTP/1.1\r\nHost: localhost\r\n"
        . "Authorization: Bearer $token\r\nContent-Type: multipart/form-data; boundary=x\r\n"
        . "Content-Length: $huge\r\nConnection: close\r\n\r\n--x\r\n");
    is_error $r, 413, 'payload_too_large', undef, 'a Content-Length over the upload cap: 413 at once';
}

# ---- malformed forms: a clear 400, never a crash -----------------------------------

$id = new_id();
$before = store_counts();
my $png = $sample{png};
for my $case (
    ['no boundary', 'multipart/form-data', "--x\r\n"],
    ['two boundaries', 'multipart/form-data; boundary=a; boundary=b', "--a\r\n"],
    ['a boundary of 71 characters', 'multipart/form-data; boundary=' . ('b' x 71), "--x\r\n"],
    ['a body without its boundary', 'multipart/form-data; boundary=XB', "--OTHER\r\nContent-Disposition: form-data; name=\"file\"; filename=\"a.png\"\r\n\r\n$png\r\n--OTHER--\r\n"],
    ['a truncated body', 'multipart/form-data; boundary=XB', "--XB\r\nContent-Disposition: form-data; name=\"file\"; filename=\"a.png\"\r\n\r\n$png"],
    ['a huge part header', 'multipart/form-data; boundary=XB', "--XB\r\nContent-Disposition: form-data; name=\"file\"; filename=\"a.png\"\r\nX-Pad: " . ('p' x 9000) . "\r\n\r\n$png\r\n--XB--\r\n"],
    ['a NUL in the file name', 'multipart/form-data; boundary=XB', "--XB\r\nContent-Disposition: form-data; name=\"file\"; filename*=UTF-8''a%00.png\r\n\r\n$png\r\n--XB--\r\n"],
    ['a part without Content-Disposition', 'multipart/form-data; boundary=XB', "--XB\r\nContent-Type: image/png\r\n\r\n$png\r\n--XB--\r\n"],
    ['an empty body', 'multipart/form-data; boundary=XB', ''],
) {
    my ($what, $ct, $body) = @$case;
    is_error api('cust_a', POST => "/api/tickets/$id/attachments", body => $body, content_type => $ct),
        400, 'bad_multipart', undef, "$what: 400";
}
is_error api('cust_a', POST => "/api/tickets/$id/attachments", json => { file => 'x' }), 415,
    'unsupported_media_type', undef, 'JSON instead of a form: 415';
is_error upload('cust_a', $id, [[komentar => 'x'], file('a.png', $png)]), 422, 'unknown_field', 'komentar',
    'an unknown field: 422';
is_error upload('cust_a', $id, [[description => 'tanpa file']]), 422, 'validation_failed', 'file', 'no file: 422';
is_error upload('cust_a', $id, [[description => 'x' x 4001], file('a.png', $png)]), 422, 'validation_failed',
    'description', 'a description over its limit: 422';
is_error upload('cust_a', $id, [[description => "bad \x01 byte"], file('a.png', $png)]), 422, 'validation_failed',
    'description', 'a control character in a description: 422';
is_error upload('cust_a', $id, [[visibility => 'secret'], file('a.png', $png)]), 422, 'validation_failed',
    'visibility', 'an unknown visibility: 422';
is_error upload('cust_a', $id, [[file => 'not a file']]), 422, 'unknown_field', 'file', 'a file field without a file name: 422';
is_deeply store_counts(), $before, 'no refused form left a row, a blob or a chunk';
{
    # the client gives up halfway through a declared body
    my $token = token_for('cust_a');
    my ($body, $ct) = form_data(file('putus.txt', 'x' x 300_000));
    my $c = store_counts();
    raw_http("POST /api/tickets/$id/attachments HTTP/1.1\r\nHost: localhost\r\nAuthorization: Bearer $token\r\n"
        . "Content-Type: $ct\r\nContent-Length: " . length($body) . "\r\nConnection: close\r\n\r\n"
        . substr($body, 0, 150_000));
    is_deeply store_counts(), $c, 'an upload cut off halfway leaves nothing behind';
}

# ---- Range -------------------------------------------------------------------------

# 600 KiB of numbered lines: three chunks in the store (256 KiB each)
my $big = join '', map { sprintf "baris %08d\n", $_ } 1 .. 50_000;
$big = substr($big, 0, 600 * 1024);
my $item = upload('cust_a', $id, [file('panjang.log', $big)])->json->{items}[0];
is db_value('SELECT count(*) FROM attachment_chunks c JOIN ticket_attachments f ON f.storage_key = c.blob_id::text'
    . ' WHERE f.public_id = ?', $item->{id}), 3, 'a 600 KiB file is three chunks';
is api('cust_a', GET => $item->{download_url})->body, $big, 'the whole file comes back';
my $size = length $big;
for my $case (
    ['bytes=0-99', 0, 99],
    ['bytes=262100-262199', 262100, 262199],      # across a chunk boundary
    ['bytes=600000-', 600000, $size - 1],
    ['bytes=-100', $size - 100, $size - 1],
    ['bytes=0-', 0, $size - 1],
    ["bytes=100-" . ($size + 5000), 100, $size - 1],
) {
    my ($range, $from, $to) = @$case;
    $r = api('cust_a', GET => $item->{download_url}, headers => { Range => $range });
    is_deeply [$r->status, $r->header('Content-Range'), $r->header('Content-Length'), $r->body eq substr($big, $from, $to - $from + 1) ? 'same' : 'different'],
        [206, "bytes $from-$to/$size", $to - $from + 1, 'same'], "Range $range: 206 with those bytes";
}
$r = api('cust_a', GET => $item->{download_url}, headers => { Range => "bytes=$size-" });
is_error $r, 416, 'range_not_satisfiable', undef, 'a range past the end: 416';
is $r->header('Content-Range'), "bytes */$size", '... with Content-Range: bytes */size';
for my $range ('bytes=0-1,5-6', 'bytes=abc', 'items=0-5', 'bytes=9-2') {
    $r = api('cust_a', GET => $item->{download_url}, headers => { Range => $range });
    is_deeply [$r->status, length $r->body], [200, $size], "Range $range is ignored: the whole file";
}
$r = api('cust_a', GET => $item->{download_url}, headers => { Range => 'bytes=0-9', 'If-Range' => '"stale"' });
is $r->status, 200, 'If-Range with another ETag: the whole file';
$r = api('cust_a', GET => $item->{download_url}, headers => { Range => 'bytes=0-9', 'If-Range' => $r->header('ETag') });
is_deeply [$r->status, $r->body], [206, substr($big, 0, 10)], 'If-Range with its ETag: the range';

# ---- deleting a ticket deletes its files ---------------------------------------------

{
    my $tid = new_id();
    upload('cust_a', $tid, [file('a.txt', 'a' x 700_000), file('b.png', $png)]);
    my $c = store_counts();
    is api('admin', DELETE => "/api/tickets/$tid")->status, 204, 'the admin deletes a ticket with two files';
    my $now = store_counts();
    is_deeply [map { $c->[$_] - $now->[$_] } 0 .. 2], [2, 2, 4], '... its attachments, blobs and chunks go with it';
}
is db_value('SELECT count(*) FROM attachment_blobs b WHERE NOT EXISTS'
    . " (SELECT 1 FROM ticket_attachments f WHERE f.storage = 'postgresql' AND f.storage_key = b.id::text)"), 0,
    'after all of this, no blob without its attachment';

done_testing;
