#!/usr/bin/perl
# A PDF shown in a tab of its own (GET /api/attachments/{id}/view): inline,
# for a file stored as a PDF whose bytes begin as one, under the download's
# rules of who may read it; anything else is refused (404) and keeps its
# download.
use strict;
use warnings;
use lib 't/lib';
use Test::More;
use Digest::SHA qw(sha256_hex);
use PD::Test;
use PD::Fixtures;

my $pdf = "%PDF-1.4\n1 0 obj\n<< /Type /Catalog >>\nendobj\n" . ("% filler line\n" x 40) . "%%EOF\n";
my $VIEW_CSP = "default-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'; sandbox";

sub file { my ($name, $content) = @_; [file => { filename => $name, content => $content }] }

my $id = create_ticket('cust_a', title => tag('PDF'))->json->{id};
my %f;
for my $item (@{ upload('cust_a', $id, [file('nota.pdf', $pdf), file('faktur', $pdf),
        file('palsu.pdf', "bukan PDF, hanya teks\n"), file('kasir.png', "\x89PNG\r\n\x1a\n" . ("\x00" x 40))])
        ->json->{items} }) {
    $f{ $item->{file_name} } = $item;
}
is_deeply [map { $f{$_}{content_type} } qw(nota.pdf faktur palsu.pdf kasir.png)],
    ['application/pdf', 'application/pdf', 'text/plain; charset=utf-8', 'image/png'],
    'four files: two PDFs (one named without .pdf), a text named .pdf, an image';
my $view = sub { "/api/attachments/$_[0]{id}/view" };

# ---- the view's headers, exactly ----------------------------------------------------

my $r = api('cust_a', GET => $view->($f{'nota.pdf'}));
is $r->status, 200, 'the customer views their PDF: 200';
is $r->body, $pdf, '... the very bytes';
my %want = (
    'Content-Type' => 'application/pdf',
    'Content-Disposition' => 'inline; filename="nota.pdf"',
    'X-Content-Type-Options' => 'nosniff',
    'Cross-Origin-Resource-Policy' => 'same-origin',
    'Content-Security-Policy' => $VIEW_CSP,
    'Cache-Control' => 'no-store',
    'ETag' => '"' . sha256_hex($pdf) . '"',
    'Accept-Ranges' => 'bytes',
    'Content-Length' => length $pdf,
);
for my $h (sort keys %want) {
    is join('|', $r->headers->header($h)), $want{$h}, "... $h: $want{$h}";
}
$r = api('cust_a', GET => $view->($f{faktur}));
is $r->header('Content-Disposition'), 'inline; filename="faktur.pdf"', 'a PDF named otherwise is shown as NAME.pdf';
$r = api('cust_a', GET => $f{'nota.pdf'}{download_url});
is_deeply [$r->status, scalar $r->header('Content-Disposition'), scalar $r->header('Content-Security-Policy'),
    scalar $r->header('Cross-Origin-Resource-Policy')],
    [200, 'attachment; filename="nota.pdf"', 'sandbox', undef], 'the download is unchanged: an attachment';

# ---- HEAD, conditions, ranges --------------------------------------------------------

$r = api('cust_a', HEAD => $view->($f{'nota.pdf'}));
is_deeply [$r->status, length $r->body, scalar $r->header('Content-Length'), scalar $r->header('Content-Type'),
    scalar $r->header('Content-Disposition')],
    [200, 0, length $pdf, 'application/pdf', 'inline; filename="nota.pdf"'], 'HEAD: the same headers, no body';
is api('cust_a', GET => $view->($f{'nota.pdf'}), headers => { 'If-None-Match' => $want{ETag} })->status, 304,
    'If-None-Match with its ETag: 304';
$r = api('cust_a', GET => $view->($f{'nota.pdf'}), headers => { Range => 'bytes=5-14' });
is_deeply [$r->status, scalar $r->header('Content-Range'), $r->body, scalar $r->header('Content-Disposition')],
    [206, 'bytes 5-14/' . length $pdf, substr($pdf, 5, 10), 'inline; filename="nota.pdf"'],
    'a range (as the viewer may ask): 206 with those bytes, inline';
$r = api('cust_a', GET => $view->($f{'nota.pdf'}), headers => { Range => 'bytes=' . length($pdf) . '-' });
is_error $r, 416, 'range_not_satisfiable', undef, 'a range past the end: 416';

# ---- only a PDF ----------------------------------------------------------------------

is_error api('cust_a', GET => $view->($f{'palsu.pdf'})), 404, 'not_found', undef,
    'a text file named .pdf is not shown inline: 404';
is api('cust_a', GET => $f{'palsu.pdf'}{download_url})->header('Content-Disposition'),
    'attachment; filename="palsu.pdf"', '... and still downloads, as an attachment';
is_error api('cust_a', GET => $view->($f{'kasir.png'})), 404, 'not_found', undef, 'an image has no PDF view: 404';
is api('cust_a', HEAD => $view->($f{'palsu.pdf'}))->status, 404, '... nor a HEAD of one: 404';

# a row that says PDF over bytes that are not one (a store changed behind the
# database's back) is refused too: the bytes are read again
db_do('UPDATE ticket_attachments SET content_type = ? WHERE public_id = ?', 'application/pdf', $f{'palsu.pdf'}{id});
is_error api('cust_a', GET => $view->($f{'palsu.pdf'})), 404, 'not_found', undef,
    'stored as a PDF, but its bytes are text: 404';
db_do('UPDATE ticket_attachments SET content_type = ? WHERE public_id = ?', 'text/plain; charset=utf-8', $f{'nota.pdf'}{id});
is_error api('cust_a', GET => $view->($f{'nota.pdf'})), 404, 'not_found', undef,
    'PDF bytes stored as another type: 404';
db_do('UPDATE ticket_attachments SET content_type = ? WHERE public_id = ?', 'application/pdf', $f{'nota.pdf'}{id});

# ---- who may ------------------------------------------------------------------------

is_error api('cust_b', GET => $view->($f{'nota.pdf'})), 404, 'not_found', undef,
    'a customer of another pharmacy: 404, as for a missing file';
is api('cust_b', HEAD => $view->($f{'nota.pdf'}))->status, 404, '... HEAD too: 404';
is_error api('cust_a', GET => '/api/attachments/999999999/view'), 404, 'not_found', undef, 'a missing file: 404';
is api('expert', GET => $view->($f{'nota.pdf'}))->status, 200, 'staff view it';

my $internal = upload('expert', $id, [[visibility => 'internal'], file('internal.pdf', $pdf)])->json->{items}[0];
is api('expert', GET => $view->($internal))->status, 200, 'staff view an internal PDF';
is_error api('cust_a', GET => $view->($internal)), 404, 'not_found', undef,
    'the ticket\'s customer never reaches an internal file: 404';
is_error api('cust_a', GET => "/api/attachments/$internal->{id}/view?x=1"), 400, undef, undef,
    'a query parameter it does not take: 400';
is api(undef, GET => $view->($f{'nota.pdf'}))->status, 401, 'without a session: 401';

done_testing();
