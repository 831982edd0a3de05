#!/usr/bin/perl
# The development OpenID provider (idp/) on its own: discovery, keys, the
# tokens it issues, the test-token helper the server tests will rely on, a
# complete browser-style login, logout, and stopping. It runs its own
# instance on free ports, so it needs neither Apache nor PostgreSQL.
use strict;
use warnings;
use Test::More;
use Cwd qw(abs_path);
use Digest::SHA qw(sha256);
use File::Basename qw(dirname);
use File::Temp qw(tempdir);
use IO::Socket::INET;
use JSON::PP;
use MIME::Base64 qw(decode_base64url encode_base64url);
use Time::HiRes qw(time sleep);

my $root = $ENV{PD_ROOT} // dirname(dirname(abs_path(__FILE__)));
my $lib = "$root/scripts/lib/idp.sh";
my $json = JSON::PP->new->canonical;
my $tmp = tempdir('pd-idp-XXXXXX', TMPDIR => 1, CLEANUP => 1);
my $rundir = "$tmp/run";
my $portal = 'http://127.0.0.1:18080';
my $secret = 'pharmadesk-dev-secret';

# Runs one of scripts/lib/idp.sh's functions the way scripts do.
sub idp_sh {
    my (@args) = @_;
    return system('bash', '-c', 'set -euo pipefail; source "$0"; "$@"', $lib, @args) == 0;
}

# Both sockets stay open until both ports are known, so they differ.
sub free_ports {
    my @s = map {
        IO::Socket::INET->new(LocalAddr => '127.0.0.1', LocalPort => 0, Listen => 1, ReuseAddr => 1)
            or die "no free port: $!"
    } 1 .. $_[0];
    return map { $_->sockport } @s;
}

# curl rather than LWP: https in LWP needs packages a fresh machine lacks,
# and curl's cookie jar is what the login flow needs anyway.
my $jar = "$tmp/cookies";
sub request {
    my ($method, $url, %o) = @_;
    my @cmd = ('curl', '-sS', '-k', '--max-time', '10', '-X', $method,
        '-D', "$tmp/headers", '-o', "$tmp/body", '-b', $jar, '-c', $jar);
    push @cmd, '-u', $o{auth} if $o{auth};
    push @cmd, '-H', "Authorization: Bearer $o{bearer}" if $o{bearer};
    if ($o{form}) {
        my @f = @{ $o{form} };
        while (my ($k, $v) = splice @f, 0, 2) { push @cmd, '--data-urlencode', "$k=$v" }
    }
    push @cmd, '-H', 'Content-Type: application/json', '--data-binary', $json->encode($o{json})
        if $o{json};
    unlink "$tmp/headers", "$tmp/body";
    system(@cmd, $url) == 0 or return { status => 0, headers => {}, body => '' };
    my %h;
    my $status = 0;
    open my $hf, '<', "$tmp/headers" or die "headers: $!";
    while (my $line = <$hf>) {
        $line =~ s/\r?\n\z//;
        if ($line =~ m{^HTTP/\S+ (\d+)}) { $status = $1; %h = () }
        elsif ($line =~ /^([^:]+):\s*(.*)$/) { $h{lc $1} = $2 }
    }
    my $body = do { local $/; open my $bf, '<', "$tmp/body" or die "body: $!"; <$bf> } // '';
    my $data = eval { decode_json($body) };
    return { status => $status, headers => \%h, body => $body, json => $data };
}

sub jwt_parts {
    my ($t) = @_;
    my @p = split /\./, $t // '', -1;
    return unless @p == 3;
    my ($h, $c) = map { eval { decode_json(decode_base64url($_)) } } @p[0, 1];
    return ($h, $c, $p[2]);
}

# Signature checks go through node (present, since the provider needs it):
# Perl's core has no RSA.
sub verifies {
    my ($token, $jwks) = @_;
    my $in = "$tmp/verify.json";
    open my $fh, '>', $in or die "$in: $!";
    print $fh $json->encode({ token => $token, jwks => $jwks });
    close $fh;
    my $out = qx{node -e '
        const c = require("crypto");
        const { token, jwks } = JSON.parse(require("fs").readFileSync(process.argv[1], "utf8"));
        const [h, p, s] = token.split(".");
        const kid = JSON.parse(Buffer.from(h, "base64url")).kid;
        const jwk = jwks.keys.find((k) => k.kid === kid);
        const ok = jwk && c.verify("sha256", Buffer.from(h + "." + p), c.createPublicKey({ key: jwk, format: "jwk" }), Buffer.from(s, "base64url"));
        console.log(ok ? "good" : "bad");
    ' '$in' 2>&1};
    chomp $out;
    return $out eq 'good';
}

my @accounts = @{ decode_json(do { local $/; open my $fh, '<', "$root/idp/accounts-test.json" or die $!; <$fh> }) };
my %account = map { $_->{preferred_username} => $_ } @accounts;

# ---- install and start ----------------------------------------------------

my $t0 = time;
ok idp_sh('pd_idp_install'), 'pd_idp_install: node and the provider\'s modules are there'
    or do { done_testing; exit 1 };
note sprintf 'install check took %.1fs', time - $t0;
like qx{node --version}, qr/^v(1[89]|[2-9]\d)\./, 'node is 18 or later';

my ($http_port, $https_port) = free_ports(2);
my $issuer = "https://127.0.0.1:$https_port";
my $http = "http://127.0.0.1:$http_port";
local $ENV{PD_IDP_TEST_TOKENS} = 1;
local $ENV{PD_IDP_ACCOUNTS} = "$root/idp/accounts-test.json";
delete local $ENV{PD_IDP_CLIENT_SECRET};
delete local $ENV{PD_IDP_API_AUDIENCE};

my $started;
END { idp_sh('pd_idp_stop', $rundir) if $started }

$t0 = time;
$started = idp_sh('pd_idp_start', $rundir, $http_port, $https_port, $portal);
my $took = time - $t0;
ok $started, 'pd_idp_start' or do { done_testing; exit 1 };
# how long it took is a figure, not a test: a loaded machine is slow
note sprintf 'started and answering in %.2fs (first start: keys and certificate made)', $took;
ok -s "$rundir/$_", "$_ kept in the run directory" for qw(tls.key tls.crt keys.json idp.pid);
is((stat "$rundir/keys.json")[2] & 077, 0, 'signing keys are readable by their owner only');

# ---- discovery and keys -----------------------------------------------------

my $disc = request(GET => "$issuer/.well-known/openid-configuration")->{json} // {};
is $disc->{issuer}, $issuer, 'HTTPS discovery: the issuer is the HTTPS URL';
my $disc_http = request(GET => "$http/.well-known/openid-configuration")->{json} // {};
is $disc_http->{issuer}, $issuer, 'HTTP discovery names the same HTTPS issuer';
for my $e (qw(authorization_endpoint token_endpoint userinfo_endpoint jwks_uri end_session_endpoint)) {
    like $disc->{$e} // '', qr{^\Q$issuer\E/}, "$e is on the issuer";
}
ok((grep { $_ eq 'pharmadesk' } @{ $disc->{scopes_supported} // [] }), 'the pharmadesk scope is offered');
ok((grep { $_ eq 'groups' } @{ $disc->{claims_supported} // [] })
    && (grep { $_ eq 'pharmacy' } @{ $disc->{claims_supported} // [] }), 'groups and pharmacy are claims');

my $jwks = request(GET => $disc->{jwks_uri})->{json} // {};
my ($key) = grep { ($_->{alg} // '') eq 'RS256' && $_->{kty} eq 'RSA' } @{ $jwks->{keys} // [] };
ok $key && $key->{kid}, 'JWKS has an RS256 key with a kid';
ok !(grep { exists $key->{$_} } qw(d p q dp dq qi)), 'JWKS publishes no private part';

# ---- client credentials -------------------------------------------------------

my $r = request(POST => $disc->{token_endpoint}, auth => "pharmadesk-service:$secret",
    form => [grant_type => 'client_credentials']);
is $r->{status}, 200, 'client_credentials for pharmadesk-service (client_secret_basic)';
my ($h, $c) = jwt_parts($r->{json}{access_token});
is $h->{alg}, 'RS256', 'its access token is an RS256 JWT';
is $h->{kid}, $key->{kid}, 'signed with the published key';
is $c->{aud}, 'pharmadesk-api', 'aud is the API';
is $c->{iss}, $issuer, 'iss is the issuer';
cmp_ok $c->{exp} // 0, '>', time + 60, 'exp is in the future';
is $c->{client_id}, 'pharmadesk-service', 'client_id names the service';
ok verifies($r->{json}{access_token}, $jwks), 'its signature verifies against the JWKS';

$r = request(POST => "$http/token",
    form => [grant_type => 'client_credentials', client_id => 'pharmadesk-service', client_secret => $secret]);
is $r->{status}, 200, 'client_secret_post works too, and over plain HTTP';
($h, $c) = jwt_parts($r->{json}{access_token});
is $c->{iss}, $issuer, 'a token got over HTTP names the HTTPS issuer';

$r = request(POST => $disc->{token_endpoint}, auth => 'pharmadesk-service:wrong',
    form => [grant_type => 'client_credentials']);
is $r->{status}, 401, 'a wrong client secret is refused';
$r = request(POST => $disc->{token_endpoint}, auth => "pharmadesk-service:$secret",
    form => [grant_type => 'authorization_code', code => 'x', redirect_uri => "$portal/oidc/callback"]);
like $r->{json}{error_description} // '', qr/grant type is not allowed/, 'the service client may not use the code grant';

# ---- the test-token helper ------------------------------------------------------

sub test_token {
    my (%p) = @_;
    my $r = request(POST => "$issuer/test/token", json => \%p);
    return $r->{status} == 200 ? $r->{json}{access_token} : undef;
}

my $good = test_token(username => 'cust_a');
($h, $c) = jwt_parts($good);
is_deeply $h, { alg => 'RS256', typ => 'at+jwt', kid => $key->{kid} }, 'test token: the provider\'s header';
is $c->{sub}, $account{cust_a}{sub}, 'test token: sub is the account\'s';
is $c->{preferred_username}, 'cust_a', 'test token: preferred_username';
is_deeply $c->{groups}, ['pharmadesk-customer'], 'test token: groups';
is $c->{pharmacy}, 'APT-A', 'test token: pharmacy';
is $c->{aud}, 'pharmadesk-api', 'test token: aud';
is $c->{iss}, $issuer, 'test token: iss';
cmp_ok abs(($c->{exp} // 0) - time - 3600), '<', 60, 'test token: exp an hour ahead';
ok verifies($good, $jwks), 'test token: signature verifies';
my $good_claims = $c;

($h, $c) = jwt_parts(test_token(sub => $account{expert}{sub}));
is $c->{preferred_username}, 'expert', 'test token by sub';
ok !exists $c->{pharmacy}, 'staff tokens carry no pharmacy';
($h, $c) = jwt_parts(test_token(username => 'norole'));
is_deeply $c->{groups}, [], 'an account without a role has no groups';
($h, $c) = jwt_parts(test_token(sub => 'nobody-knows-me'));
ok $c->{sub} eq 'nobody-knows-me' && !exists $c->{preferred_username}, 'an unknown sub gets a bare token';
is request(POST => "$issuer/test/token", json => { username => 'ghost' })->{status}, 404,
    'an unknown username is refused';

my ($sig);
($h, $c, $sig) = jwt_parts(test_token(username => 'cust_a', alg => 'none'));
is $h->{alg}, 'none', 'alg=none: header says none';
is $sig, '', 'alg=none: no signature';
ok !exists $h->{kid}, 'alg=none: no kid';

($h, $c) = jwt_parts(test_token(username => 'cust_a', exp_in => -120));
cmp_ok $c->{exp}, '<', time, 'exp_in < 0: expired';
($h, $c) = jwt_parts(test_token(username => 'cust_a', no_exp => JSON::PP::true));
ok !exists $c->{exp}, 'no_exp: no exp claim';
($h, $c) = jwt_parts(test_token(username => 'cust_a', aud => 'someone-else'));
is $c->{aud}, 'someone-else', 'wrong audience';
($h, $c) = jwt_parts(test_token(username => 'cust_a', iss => 'https://evil.example'));
is $c->{iss}, 'https://evil.example', 'wrong issuer';
my $bad = test_token(username => 'cust_a', bad_signature => JSON::PP::true);
($h, $c) = jwt_parts($bad);
is_deeply $h, { alg => 'RS256', typ => 'at+jwt', kid => $key->{kid} }, 'bad signature: same header';
ok !verifies($bad, $jwks), 'bad signature: does not verify';
($h, $c) = jwt_parts(test_token(username => 'cust_a', claims => { groups => ['pharmadesk-admin'], sub => undef }));
is_deeply $c->{groups}, ['pharmadesk-admin'], 'claims: override a claim';
ok !exists $c->{sub}, 'claims: null removes a claim';

# ---- the authorization code flow, as a browser does it ------------------------

# Follows redirects one by one until one leaves the provider, so that the
# portal (not running here) is never asked.
sub follow {
    my ($r) = @_;
    for (1 .. 10) {
        my $loc = $r->{headers}{location};
        return ($r, undef) unless $r->{status} =~ /^30[123]$/ && $loc;
        $loc = "$issuer$loc" if $loc =~ m{^/};
        return ($r, $loc) unless index($loc, $issuer) == 0;
        $r = request(GET => $loc);
    }
    return ($r, undef);
}

my $authorize = "$disc->{authorization_endpoint}?" . join '&',
    'client_id=pharmadesk-portal', 'response_type=code', 'scope=openid%20profile%20email%20pharmadesk',
    'redirect_uri=' . "$portal/oidc/callback" =~ s/([:\/])/sprintf('%%%02X', ord $1)/ger,
    'state=st4te', 'nonce=n0nce';
my ($form, $out) = follow(request(GET => $authorize));
is $form->{status}, 200, 'authorize leads to a sign-in form';
my ($action) = $form->{body} =~ m{<form method="post" action="(/interaction/[\w-]+)"};
ok $action, 'the form posts to the interaction';
unlike $form->{body}, qr{https?://|\@import}, 'the form loads nothing from elsewhere';

$r = request(POST => "$issuer$action", form => [username => 'cust_a', password => 'wrong']);
ok $r->{status} == 200 && !$r->{headers}{location}, 'a wrong password is refused';
like $r->{body}, qr/Wrong username or password|Nama pengguna atau kata sandi salah/, '... with a message on the form';
$r = request(POST => "$issuer$action", form => [username => 'ghost', password => 'pharmadesk']);
ok $r->{status} == 200 && !$r->{headers}{location}, 'an unknown user is refused';

($r, $out) = follow(request(POST => "$issuer$action", form => [username => 'cust_a', password => 'pharmadesk']));
like $out // '', qr{^\Q$portal\E/oidc/callback\?}, 'the right password ends at the portal\'s callback';
my %q = map { my ($k, $v) = split /=/, $_, 2; ($k => $v =~ s/%([0-9A-F]{2})/chr hex $1/gier) }
    split /&/, (split /\?/, $out // '', 2)[1] // '';
ok $q{code}, 'with a code';
is $q{state}, 'st4te', 'and the state';

$r = request(POST => $disc->{token_endpoint}, auth => "pharmadesk-portal:$secret",
    form => [grant_type => 'authorization_code', code => $q{code}, redirect_uri => "$portal/oidc/callback"]);
is $r->{status}, 200, 'the code is exchanged with the client secret';
my $tokens = $r->{json} // {};
($h, $c) = jwt_parts($tokens->{id_token});
is $h->{kid}, $key->{kid}, 'the ID token is signed with the published key';
ok verifies($tokens->{id_token}, $jwks), 'the ID token verifies';
is $c->{iss}, $issuer, 'ID token iss';
is $c->{aud}, 'pharmadesk-portal', 'ID token aud is the portal';
is $c->{nonce}, 'n0nce', 'ID token nonce';
is_deeply { map { $_ => $c->{$_} } qw(sub preferred_username name email groups pharmacy) },
    { map { $_ => $account{cust_a}{$_} } qw(sub preferred_username name email groups pharmacy) },
    'ID token claims are the account\'s';
ok $tokens->{refresh_token}, 'a refresh token comes with it';

$r = request(GET => $disc->{userinfo_endpoint}, bearer => $tokens->{access_token});
is_deeply [@{ $r->{json} // {} }{qw(sub preferred_username pharmacy)}], [@{ $account{cust_a} }{qw(sub preferred_username pharmacy)}],
    'userinfo answers the code grant\'s access token';

$r = request(POST => $disc->{token_endpoint},
    form => [grant_type => 'refresh_token', refresh_token => $tokens->{refresh_token},
             resource => 'urn:pharmadesk-api', client_id => 'pharmadesk-portal', client_secret => $secret]);
is $r->{status}, 200, 'refresh with the API as resource (client_secret_post)';
($h, $c) = jwt_parts($r->{json}{access_token});
is $c->{aud}, 'pharmadesk-api', '... gives a JWT for the API';
is_deeply [@$c{qw(sub preferred_username pharmacy)}], [@{ $account{cust_a} }{qw(sub preferred_username pharmacy)}],
    '... carrying the person\'s claims';
is_deeply [sort keys %$c], [sort keys %$good_claims], 'a test token has the same claims as the provider\'s own';
is_deeply $h, { alg => 'RS256', typ => 'at+jwt', kid => $key->{kid} }, '... and the same header';

# Last: a replayed code revokes what it gave.
$r = request(POST => $disc->{token_endpoint}, auth => "pharmadesk-portal:$secret",
    form => [grant_type => 'authorization_code', code => $q{code}, redirect_uri => "$portal/oidc/callback"]);
is $r->{json}{error}, 'invalid_grant', 'a code works once';
is request(GET => $disc->{userinfo_endpoint}, bearer => $tokens->{access_token})->{status}, 401,
    '... and its replay revokes the tokens it gave';

# Signed in already: a second authorization goes straight back, with PKCE
# this time, as mod_auth_openidc may send it.
my $verifier = encode_base64url(join '', map { chr int rand 256 } 1 .. 32);
my $challenge = encode_base64url(sha256($verifier));
($r, $out) = follow(request(GET => "$authorize&code_challenge=$challenge&code_challenge_method=S256"));
my ($code2) = ($out // '') =~ /[?&]code=([^&]+)/;
ok $code2, 'a signed-in person gets a code without the form (PKCE)';
$r = request(POST => $disc->{token_endpoint}, auth => "pharmadesk-portal:$secret",
    form => [grant_type => 'authorization_code', code => $code2, code_verifier => $verifier,
             redirect_uri => "$portal/oidc/callback"]);
ok $r->{status} == 200 && $r->{json}{id_token}, 'the PKCE code is exchanged with its verifier';

# ---- logout -----------------------------------------------------------------------

$r = request(GET => "$disc->{end_session_endpoint}?id_token_hint=$tokens->{id_token}"
    . '&post_logout_redirect_uri=' . "$portal/" =~ s/([:\/])/sprintf('%%%02X', ord $1)/ger . '&state=bye');
my ($confirm) = $r->{body} =~ /action="([^"]+)"/;
my ($xsrf) = $r->{body} =~ /name="xsrf" value="([^"]+)"/;
ok $confirm && $xsrf, 'end_session shows the sign-out form';
$r = request(POST => $confirm, form => [xsrf => $xsrf, logout => 'yes']);
is $r->{headers}{location}, "$portal/?state=bye", 'sign-out returns to the portal';
($form) = follow(request(GET => $authorize));
like $form->{body}, qr/<form method="post" action="\/interaction\//, 'after sign-out the form is back';

# ---- stopping, and keys that survive a restart ----------------------------------

my $pid = do { open my $fh, '<', "$rundir/idp.pid" or die $!; local $/; <$fh> };
chomp $pid;
ok kill('TERM', $pid), 'SIGTERM sent';
my $gone = 0;
for (1 .. 50) {
    my $stat = -e "/proc/$pid/stat" ? do { open my $fh, '<', "/proc/$pid/stat"; scalar <$fh> } : '';
    if (!$stat || $stat =~ /^\d+ \(.*\) Z/) { $gone = 1; last }
    sleep 0.1;
}
ok $gone, 'the provider exits on SIGTERM';
ok !IO::Socket::INET->new(PeerAddr => "127.0.0.1:$https_port", Timeout => 1), 'its port is closed';

delete local $ENV{PD_IDP_TEST_TOKENS};
$t0 = time;
ok idp_sh('pd_idp_start', $rundir, $http_port, $https_port, $portal), 'restart from the same directory';
note sprintf 'restart took %.2fs', time - $t0;
my $jwks2 = request(GET => $disc->{jwks_uri})->{json} // {};
is $jwks2->{keys}[0]{kid}, $key->{kid}, 'the signing key survives a restart';
ok verifies($good, $jwks2), 'tokens from before the restart still verify';
is request(POST => "$issuer/test/token", json => { username => 'cust_a' })->{status}, 404,
    'without PD_IDP_TEST_TOKENS=1 there is no test-token endpoint';
ok idp_sh('pd_idp_stop', $rundir), 'pd_idp_stop';
ok !-e "$rundir/idp.pid", 'the pid file is gone';
$started = 0;

done_testing;
