#!/usr/bin/perl
# The portal on a slow network: text goes compressed (brotli, else gzip),
# what is compressed already goes as it is, and the assets the pages name
# under their version segment are cached for a year without revalidation,
# while the pages themselves revalidate. The validators survive compression:
# a ticket's ETag read compressed is still good for If-Match, a page's for
# If-None-Match. The answer carrying a webhook's secret is never compressed.
# How fast it loads is measured by bench/portal-network, not here.
use strict;
use warnings;
use lib "$ENV{PD_ROOT}/t/lib";
use Test::More;
use LWP::UserAgent;
use HTTP::Request;
use IO::Uncompress::Gunzip qw(gunzip $GunzipError);
use PD::Test;
use PD::Fixtures;

my $base = $ENV{PD_TEST_URL};
my $ua = LWP::UserAgent->new(max_redirect => 0, timeout => 30);

sub get {
    my ($path, %h) = @_;
    my $user = delete $h{user};
    $h{Authorization} = 'Bearer ' . token_for($user) if $user;
    return $ua->request(HTTP::Request->new(GET => "$base$path", [%h]));
}

# ---- the version segment -----------------------------------------------------

my $check = `"$ENV{PD_ROOT}/scripts/asset-version" --check 2>&1`;
is $?, 0, 'every page names its assets under the tree\'s current version' or diag $check;
chomp(my $version = `"$ENV{PD_ROOT}/scripts/asset-version"`);
like $version, qr/^[0-9a-f]{12}$/, 'the version: 12 hex digits';

my $page = get('/signed-out.html', 'Accept-Encoding' => 'gzip');
is $page->code, 200, 'a public page';
my $html = $page->decoded_content;
my @assets = $html =~ m{(?:href|src)="(/?assets/[^"]+)"}g;
ok scalar @assets, 'it names assets';
like $_, qr{^/?assets/v-\Q$version\E/}, "$_: versioned" for @assets;

# ---- caching -----------------------------------------------------------------

like $page->header('Cache-Control') // '', qr/^no-cache$/, 'a page revalidates (no-cache)';
my $etag = $page->header('ETag');
ok $etag, 'a page has an ETag';
is get('/signed-out.html', 'Accept-Encoding' => 'gzip', 'If-None-Match' => $etag)->code, 304,
    '... and a compressed page revalidates to 304 with it';

for my $path ("/assets/v-$version/app.css", "/assets/v-$version/js/main.js", "/assets/v-$version/icon.svg") {
    my $r = get($path);
    is $r->code, 200, "$path: 200";
    is $r->header('Cache-Control'), 'public, max-age=31536000, immutable', "$path: cached a year, immutable";
}
my $plain = get('/assets/js/main.js');
is $plain->header('Cache-Control'), 'no-cache', 'an asset named without a version revalidates';
is get("/assets/v-$version/js/main.js")->content, $plain->content, '... and is the same file as the versioned one';
isnt get("/assets/v-$version/../../index.html")->code, 200,
    'a version segment reaches nothing outside the assets (the portal\'s page still needs a session)';
is get("/assets/v-xyz/js/main.js")->code, 404, 'a malformed version segment is no asset';

# ---- compression -------------------------------------------------------------

my %types = (
    "/assets/v-$version/app.css"     => qr{^text/css},
    "/assets/v-$version/js/main.js"  => qr{^text/javascript},
    "/assets/v-$version/js/strings.js" => qr{^text/javascript},
    "/assets/v-$version/icon.svg"    => qr{^image/svg\+xml},
    '/signed-out.html'               => qr{^text/html},
    '/api/openapi.json'              => qr{^application/json},
);
for my $path (sort keys %types) {
    my $raw = get($path)->content;
    my $br = get($path, 'Accept-Encoding' => 'gzip, deflate, br');
    like $br->header('Content-Type'), $types{$path}, "$path: its type";
    is $br->header('Content-Encoding'), 'br', "$path: brotli for a browser that takes it";
    like $br->header('Vary') // '', qr/Accept-Encoding/i, '... Vary: Accept-Encoding';
    my $gz = get($path, 'Accept-Encoding' => 'gzip');
    is $gz->header('Content-Encoding'), 'gzip', "$path: gzip for one that takes only that";
    my $out;
    gunzip(\$gz->content => \$out) or diag $GunzipError;
    ok defined $out && $out eq $raw, '... the same bytes once inflated';
    ok length $gz->content < length $raw, '... and fewer of them' if length $raw > 1000;
    ok !defined get($path)->header('Content-Encoding'), "$path: as it is without Accept-Encoding";
}

# ---- the API -----------------------------------------------------------------

my $t = create_ticket('cust_a', title => tag('Kompresi'))->json;
my $list = get('/api/tickets?limit=50', user => 'cust_a', 'Accept-Encoding' => 'br');
is $list->header('Content-Encoding'), 'br', 'an API list: compressed';
my $same = get('/api/tickets?limit=50', user => 'cust_a', 'Accept-Encoding' => 'br',
    'If-None-Match' => $list->header('ETag'));
is $same->code, 304, '... its ETag as read compressed still answers 304';

my $one = get("/api/tickets/$t->{id}", user => 'cust_a', 'Accept-Encoding' => 'gzip');
is $one->header('Content-Encoding'), 'gzip', 'a ticket: compressed';
is $one->header('ETag'), api('cust_a', GET => "/api/tickets/$t->{id}")->header('ETag'),
    '... with the ETag it has uncompressed';
my $patch = api('cust_a', PATCH => "/api/tickets/$t->{id}", json => { title => tag('Kompresi diubah') },
    headers => { 'If-Match' => $one->header('ETag') });
is $patch->status, 200, '... which If-Match accepts' or diag $patch->body;

# The answers with a webhook endpoint's secret are never compressed, nor
# the list of endpoints (BREACH: a secret beside reflected input).
my $hook = $ua->request(HTTP::Request->new(POST => "$base/api/webhook-endpoints", [
    Authorization => 'Bearer ' . token_for('admin'), 'Content-Type' => 'application/json',
    'Accept-Encoding' => 'gzip, br'],
    $JSON->encode({ url => 'http://127.0.0.1:9/compression' })));
is $hook->code, 201, 'a webhook endpoint created' or diag $hook->content;
my $hook_id = eval { $JSON->decode($hook->content)->{id} };
ok !defined $hook->header('Content-Encoding'), '... its answer, with the secret, uncompressed';
like $hook->content, qr/"secret"/, '... (it holds the secret)';
ok !defined get('/api/webhook-endpoints', user => 'admin', 'Accept-Encoding' => 'gzip, br')->header('Content-Encoding'),
    'the list of endpoints: uncompressed';
api('admin', DELETE => "/api/webhook-endpoints/$hook_id") if $hook_id;

# ---- what is compressed already ----------------------------------------------

my $png = "\x89PNG\r\n\x1a\n" . ("\x00\x00\x00\x0dIHDR" x 200);
my $up = upload('cust_a', $t->{id}, [[file => { filename => 'layar.png', content => $png, type => 'image/png' }]]);
is $up->status, 201, 'an image uploaded';
my $img = get($up->json->{items}[0]{download_url}, user => 'cust_a', 'Accept-Encoding' => 'gzip, br');
is $img->code, 200, '... downloaded';
ok !defined $img->header('Content-Encoding'), '... as it is: images are compressed already';

done_testing;
