#!/usr/bin/perl
# scripts/oidc-keys (installed as pharmadesk-oidc-keys): the provider's
# signing keys written as PEM files and OIDCOAuthVerifyCertFiles lines,
# only usable RSA signing keys with a plain kid, and every failure (no key
# set, no usable key, too large, not JSON) leaving the files as they were.
use strict;
use warnings;
use lib "$ENV{PD_ROOT}/t/lib";
use Test::More;
use File::Temp qw(tempdir);
use MIME::Base64 qw(encode_base64url);
use JSON::PP;
use PD::Loopback;

# a loopback server of the files in its directory: GET /NAME answers the file
package PD::KeySetServer {
    use parent -norequire, 'PD::Loopback';
    sub _session {
        my ($self, $socket) = @_;
        my (undef, $path) = PD::Loopback::read_http_request($socket);
        my ($name) = ($path // '') =~ m{^/([a-z0-9-]+\.json)$};
        my $body = $name && -f "$self->{dir}/$name" ? do { local (@ARGV, $/) = ("$self->{dir}/$name"); <> } : undef;
        print $socket defined $body
            ? "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: " . length($body) . "\r\nConnection: close\r\n\r\n$body"
            : "HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\nConnection: close\r\n\r\n";
    }
}
package main;

my $script = "$ENV{PD_ROOT}/scripts/oidc-keys";
my $tmp = tempdir(CLEANUP => 1);
my $served = "$tmp/served";
my $out = "$tmp/keys";
mkdir $out;

# RSA keys made here: their modulus as openssl prints it, and as a JWK's n
sub rsa_key {
    my ($bits) = @_;
    my $pem = "$tmp/rsa-$bits-" . int(rand 1e9) . '.pem';
    system("openssl genrsa -out '$pem' $bits 2>/dev/null") == 0 or BAIL_OUT("openssl genrsa $bits failed");
    my ($hex) = qx{openssl rsa -in '$pem' -noout -modulus 2>/dev/null} =~ /^Modulus=([0-9A-F]+)$/m
        or BAIL_OUT('no modulus');
    return { hex => $hex, n => encode_base64url(pack 'H*', $hex) };
}
my ($k1, $k2, $small) = (rsa_key(2048), rsa_key(3072), rsa_key(1024));
my $jwk = sub { my ($k, %o) = @_; { kty => 'RSA', e => 'AQAB', n => $k->{n}, %o } };

my $server = PD::KeySetServer->start(dir => $served);
my $base = 'http://127.0.0.1:' . $server->port;
sub serve { my ($name, $body) = @_; open my $fh, '>', "$served/$name" or die $!; print $fh $body; close $fh }
sub run { my @args = @_; my $o = qx{'$script' @args 2>&1}; return ($? >> 8, $o) }
sub slurp { my ($f) = @_; open my $fh, '<', $f or return undef; local $/; <$fh> }
sub modulus_of { my ($f) = @_; my ($m) = qx{openssl rsa -pubin -in '$f' -noout -modulus 2>/dev/null} =~ /^Modulus=(\S+)$/m; $m // '' }

serve('keys.json', encode_json({ keys => [
    $jwk->($k1, kid => 'key-one', use => 'sig', alg => 'RS256'),
    $jwk->($k2, kid => 'key.two'),                            # no use: a signing key
    $jwk->($k1, kid => 'enc-key', use => 'enc'),              # encryption only
    $jwk->($small, kid => 'small'),                           # under 2048 bits
    $jwk->($k1, kid => '../escape'),                          # a kid that is no plain name
    $jwk->($k1, kid => 'quo"te'),
    $jwk->($k1, kid => '.hidden'),
    $jwk->($k1),                                              # no kid at all
    { kty => 'EC', kid => 'ec-key', crv => 'P-256', x => 'AA', y => 'AA' },
] }));

my ($rc, $o) = run("$base/keys.json", $out);
is $rc, 0, 'a key set: exit 0' or diag $o;
like $o, qr/^2 signing keys written to \Q$out\E\/oidc-keys\.conf$/m, '... two keys written, it says';
my $conf = slurp("$out/oidc-keys.conf") // '';
my @lines = grep { /^OIDCOAuthVerifyCertFiles/ } split /\n/, $conf;
is_deeply \@lines, [qq{OIDCOAuthVerifyCertFiles "key-one#$out/key-one.pem"}, qq{OIDCOAuthVerifyCertFiles "key.two#$out/key.two.pem"}],
    '... one OIDCOAuthVerifyCertFiles line for each usable RSA signing key, in the set\'s order';
is modulus_of("$out/key-one.pem"), $k1->{hex}, '... key-one.pem holds the first key (same modulus)';
is modulus_of("$out/key.two.pem"), $k2->{hex}, '... key.two.pem the second';
opendir(my $d, $out); my @files = sort grep { !/^\.\.?$/ } readdir $d; closedir $d;
is_deeply \@files, [qw(key-one.pem key.two.pem oidc-keys.conf)],
    '... and nothing else: no encryption key, no key under 2048 bits, no kid that is not a plain name, no EC key';
is sprintf('%04o', (stat "$out/key-one.pem")[2] & 07777), '0644', '... files Apache can read';
like $conf, qr/^# .*\Q$base\E\/keys\.json/m, '... the configuration says where the keys came from';

# every failure leaves what was written
my $before = $conf;
serve('ec.json', encode_json({ keys => [{ kty => 'EC', kid => 'ec', crv => 'P-256', x => 'AA', y => 'AA' }, $jwk->($small, kid => 'small')] }));
serve('notjson.json', 'this is not { json');
serve('nokeys.json', encode_json({ issuer => 'x' }));
serve('big.json', encode_json({ keys => [], pad => 'x' x (1024 * 1024 + 10) }));
for my $case ([ec => 'a key set with no usable key'], [notjson => 'not JSON'], [nokeys => 'JSON without keys'],
              [big => 'a key set over 1 MB'], [missing => 'a 404']) {
    my ($name, $what) = @$case;
    ($rc, $o) = run("$base/$name.json", $out);
    is $rc, 1, "$what: exit 1";
    is slurp("$out/oidc-keys.conf"), $before, '... oidc-keys.conf as it was';
    is modulus_of("$out/key-one.pem"), $k1->{hex}, '... and the key files too';
}
opendir $d, $out; @files = sort grep { !/^\.\.?$/ } readdir $d; closedir $d;
is_deeply \@files, [qw(key-one.pem key.two.pem oidc-keys.conf)], 'no temporary file left behind by the failures';

# a rotation: the new set replaces the configuration
serve('rotated.json', encode_json({ keys => [$jwk->($k2, kid => 'key.two'), $jwk->($k1, kid => 'key-three')] }));
($rc, $o) = run("$base/rotated.json", $out);
is $rc, 0, 'a rotated key set: exit 0';
@lines = grep { /^OIDCOAuthVerifyCertFiles/ } split /\n/, slurp("$out/oidc-keys.conf");
is_deeply \@lines, [qq{OIDCOAuthVerifyCertFiles "key.two#$out/key.two.pem"}, qq{OIDCOAuthVerifyCertFiles "key-three#$out/key-three.pem"}],
    '... the configuration names the new set\'s keys only';
ok !-e "$out/key-one.pem", '... and the key it no longer names is removed';
is modulus_of("$out/key-three.pem"), $k1->{hex}, '... the new key is written';

# arguments
($rc, $o) = run();
is $rc, 2, 'no arguments: exit 2';
like $o, qr/^usage: /m, '... with the usage';
($rc, $o) = run('--help');
is $rc, 0, '--help: exit 0';
like $o, qr/JWKS_URL DIR/, '... with the usage';
($rc) = run("$base/keys.json", "$tmp/no-such-dir");
is $rc, 1, 'a directory that does not exist: exit 1';
($rc) = run("'file:///etc/passwd'", $out);
is $rc, 1, 'a URL that is not http(s): exit 1';
mkdir "$tmp/quo\"te";
($rc, $o) = run("$base/keys.json", "'$tmp/quo\"te'");
is $rc, 1, 'a directory whose name cannot go into Apache\'s configuration: exit 1';
like $o, qr/cannot go into Apache's configuration/, '... saying so';

$server->stop;
done_testing;
