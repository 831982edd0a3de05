#!/usr/bin/perl
# Uploads from a browser session (a form post is what any site could send,
# so the Origin decides), and the type allowlist as configuration: Apache is
# restarted with PharmadeskAttachmentTypes narrowed to png and text.
use strict;
use warnings;
use lib 't/lib';
use Test::More;
use PD::Test;
use PD::Fixtures;
use PD::Sso;

my $png = "\x89PNG\r\n\x1a\n" . ("\x00" x 64);
my $pdf = "%PDF-1.4\n%%EOF\n";
my $id = create_ticket('cust_a', title => tag('Lampiran sesi'))->json->{id};

# ---- a browser session ----------------------------------------------------------

my $browser = PD::Sso->login('cust_a');
my ($body, $ct) = form_data([file => { filename => 'layar.png', content => $png, type => 'image/png' }]);
my $path = "/api/tickets/$id/attachments";
my $before = store_counts();
is_error $browser->request(POST => $path, body => $body, content_type => $ct), 403, 'cross_origin', undef,
    'a session upload without Origin: 403';
is_error $browser->request(POST => $path, body => $body, content_type => $ct, origin => 'https://evil.example'),
    403, 'cross_origin', undef, '... from another site: 403';
is_deeply store_counts(), $before, '... neither stored anything';
my $r = $browser->request(POST => $path, body => $body, content_type => $ct, origin => 1);
is $r->status, 201, 'from the portal itself (its Origin), a form upload with the session: 201';
my $item = $r->json->{items}[0];
$r = $browser->get($item->{download_url});
is_deeply [$r->status, $r->body, scalar $r->header('Content-Security-Policy')], [200, $png, 'sandbox'],
    '... and the browser downloads it, with the sandbox policy (not the portal\'s)';
like $browser->get('/')->header('Content-Security-Policy') // '', qr/default-src 'self'/,
    'the portal pages keep their own policy';

# ---- PharmadeskAttachmentTypes ----------------------------------------------------

my $conf = $ENV{PD_TEST_HTTPD_CONF};
my $original = read_file($conf);
sub write_conf { restart_with($conf, $_[0]) }
my $narrow = $original;
ok $narrow =~ s/^PharmadeskAttachmentTypes .*$/PharmadeskAttachmentTypes png text/m,
    'the allowlist is in the configuration';
END { write_conf($original) if $original }
write_conf($narrow);

is upload('cust_a', $id, [[file => { filename => 'a.png', content => $png }]])->status, 201,
    'with "png text" allowed: a PNG: 201';
is upload('cust_a', $id, [[file => { filename => 'a.log', content => "log\n" }]])->status, 201, '... a log: 201';
is_error upload('cust_a', $id, [[file => { filename => 'a.pdf', content => $pdf }]]), 415,
    'unsupported_media_type', 'file', '... a PDF: 415';
is_error upload('cust_a', $id, [[file => { filename => 'a.csv', content => "a,b\n1,2\n" }]]), 415,
    'unsupported_media_type', 'file', '... a CSV (not plain text once its name says .csv): 415';

write_conf($original);
undef $original;
is upload('cust_a', $id, [[file => { filename => 'a.pdf', content => $pdf }]])->status, 201,
    'with the default list again: the PDF: 201';

done_testing;
