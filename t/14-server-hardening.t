#!/usr/bin/perl
# What Apache itself gives away, in the configuration the tests run
# (scripts/lib/httpd.conf.in) and in the example virtual host we ship:
# TRACE is refused (it would echo the Authorization and Cookie headers back
# to any script that can send it), and neither the Server header nor an
# error page names Apache's version or the operating system.
use strict;
use warnings;
use lib "$ENV{PD_ROOT}/t/lib";
use Test::More;
use PD::Test;
use PD::Fixtures;

my $secret_cookie = 'mod_auth_openidc_session=rahasia-' . $$;

# ---- TRACE -------------------------------------------------------------------

for my $path ('/api/me', '/', '/errors/401.json') {
    my $r = raw_http("TRACE $path HTTP/1.1\r\nHost: localhost\r\n"
        . 'Authorization: Bearer ' . token_for('cust_a') . "\r\nCookie: $secret_cookie\r\n"
        . "Connection: close\r\n\r\n");
    is $r->status, 405, "TRACE $path: 405";
    unlike $r->body, qr/rahasia|Bearer/, '... nothing of the request echoed back';
}

# ---- the server's name ---------------------------------------------------------

my @answers = (
    ['an API answer', api('cust_a', GET => '/api/me')],
    ['an API error', api('cust_a', GET => '/api/tickets/999999999')],
    ['Apache\'s 401', api(undef, GET => '/api/me')],
    ['a static file', api(undef, GET => '/errors/401.json')],
    ['Apache\'s own error page', raw_http("TRACE / HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n")],
);
for (@answers) {
    my ($what, $r) = @$_;
    is $r->header('Server'), 'Apache', "$what: Server: Apache, no version (ServerTokens Prod)";
}
my $page = $answers[-1][1]->body;
unlike $page, qr{Apache/\d|<address>|Debian}, 'an error page of Apache\'s own has no signature (ServerSignature Off)';

# ---- the sign-in cookies -------------------------------------------------------

# A browser without a session is sent to the provider with a state cookie:
# HttpOnly and SameSite as configured. mod_auth_openidc adds Secure by
# itself when the request came over HTTPS (the test server is plain HTTP on
# loopback, so there is none here; the example virtual host is HTTPS).
{
    my $r = api(undef, GET => '/', headers => { Accept => 'text/html' });
    is $r->status, 302, 'the portal without a session: sent to sign in';
    my @cookies = $r->headers->header('Set-Cookie');
    my @state = grep { /^mod_auth_openidc_state_/ } @cookies;
    is scalar @state, 1, '... with a state cookie';
    like $state[0] // '', qr/;\s*HttpOnly\b/i, '... HttpOnly';
    like $state[0] // '', qr/;\s*SameSite=Lax\b/i, '... SameSite=Lax';
}

# ---- the example virtual host ------------------------------------------------

# conf/pharmadesk-vhost.conf.example says the same things, and Apache
# accepts it: checked with "apache2 -t" on a copy whose certificate,
# secrets and paths point at this test run's.
{
    my $example = read_file("$ENV{PD_ROOT}/conf/pharmadesk-vhost.conf.example");
    my $dir = "$ENV{PD_TEST_RUN_DIR}/vhost-example";
    mkdir $dir;
    my $idp = $ENV{PD_TEST_IDP_DIR};
    (my $copy = $example) =~ s{/etc/ssl/certs/helpdesk\.example\.org\.pem}{$idp/tls.crt}g;
    $copy =~ s{/etc/ssl/private/helpdesk\.example\.org\.key}{$idp/tls.key}g;
    $copy =~ s{/etc/apache2/pharmadesk-secrets\.conf}{$dir/secrets.conf}g;
    $copy =~ s{/usr/share/pharmadesk/htdocs}{$ENV{PD_ROOT}/htdocs}g;
    write_text("$dir/secrets.conf", qq{OIDCCryptoPassphrase "test"\nOIDCClientSecret "test"\n});
    write_text("$dir/vhost.conf", $copy);
    my $mods = '/usr/lib/apache2/modules';
    write_text("$dir/httpd.conf", join "\n",
        "ServerRoot $dir", "DefaultRuntimeDir $dir", "PidFile $dir/httpd.pid", "ErrorLog $dir/error.log",
        'Listen 127.0.0.1:1', 'User www-data', 'Group www-data',
        (map { "LoadModule ${_}_module $mods/mod_$_.so" }
            qw(mpm_event authz_core authz_host authn_core authz_user mime dir headers alias dbd ssl socache_shmcb
               reqtimeout auth_openidc filter deflate brotli env)),
        "LoadModule pharmadesk_module $ENV{PD_ROOT}/.libs/mod_pharmadesk.so",
        "Include $dir/vhost.conf", '');
    my ($rc, $out) = apache2_capture('-t', '-f', "$dir/httpd.conf");
    is $rc, 0, 'apache2 -t accepts the example virtual host' or diag $out;

    my $active = join "\n", grep { !/^\s*#/ } split /\n/, $example;
    for my $line ('TraceEnable Off', 'ServerTokens Prod', 'ServerSignature Off',
                  'RequestReadTimeout handshake=', 'OIDCCookieHTTPOnly On', 'OIDCCookieSameSite On') {
        like $active, qr/^\s*\Q$line\E/m, "the example sets $line";
    }
    like $active, qr{<Location /api>(?:(?!</Location>).)*Header always set Cache-Control no-store}s,
        'the example keeps every /api answer out of caches';
    like $active, qr{<Location /errors/>[^<]*Header unset ETag[^<]*Header unset Last-Modified}s,
        '... and the error documents it answers with carry no validators';
    like $active, qr{<IfModule mpm_event_module>[^<]*MaxRequestWorkers}s, 'the example sizes the event MPM';
    like $active, qr{<Location /health>[^<]*SetHandler pharmadesk-health[^<]*Require all granted}s,
        'the example answers the load balancer\'s health check without a login';
    like $active, qr{<Location /metrics>[^<]*SetHandler pharmadesk-metrics[^<]*Require local\s}s,
        '... and serves the metrics to this machine alone';
}

done_testing;

sub write_text {
    my ($path, $text) = @_;
    open my $fh, '>', $path or die "$path: $!";
    print {$fh} $text;
    close $fh or die "$path: $!";
}
