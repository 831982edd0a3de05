#!/usr/bin/perl
# Browser sessions through mod_auth_openidc: sign-in on the provider's form,
# the API with the session cookie, cross-site writes, a tampered cookie,
# sign-out, and sessions that outlive a full Apache restart (Redis cache).
use strict;
use warnings;
use lib 't/lib';
use Test::More;
use URI;
use PD::Test;
use PD::Fixtures qw(is_error ticket_body);
use PD::Sso;

my $portal = $ENV{PD_TEST_URL};
my $idp = URI->new($ENV{PD_TEST_IDP_ISSUER});

# ---- without a session -----------------------------------------------------

{
    my $b = PD::Sso->new;
    my $r = $b->ua->get("$portal/", Accept => 'text/html,*/*');
    is $r->code, 302, 'the portal without a session: 302';
    my $to = URI->new($r->header('Location') // '');
    is $to->host_port, $idp->host_port, '... to the provider';
    is $to->path, '/auth', '... its authorization endpoint';
    my %q = $to->query_form;
    is $q{client_id}, 'pharmadesk-portal', '... as the portal client';
    like $q{redirect_uri}, qr{^\Q$portal\E/oidc/callback$}, '... coming back to our callback';

    my $x = $b->get('/api/me');
    is_error $x, 401, 'unauthenticated', undef, 'an XHR to /api without a session: 401 JSON';
    ok !defined $x->header('Location'), '... never a redirect';
    is_error $b->get('/api/tickets', headers => { Accept => 'text/html,*/*' }), 401, 'unauthenticated', undef,
        '... even when it accepts HTML';
    is $b->ua->get("$portal/signed-out.html")->code, 200, 'the signed-out page needs no session';
    is $b->ua->get("$portal/errors/401.json")->code, 200, '... nor do the error bodies';
}

# ---- signing in ---------------------------------------------------------------

my %as;
for my $user (qw(cust_a expert admin)) {
    my $b = PD::Sso->new;
    my $r = $b->sign_in($user);
    is $r->code, 200, "$user signs in on the provider's form";
    like $r->request->uri, qr{^\Q$portal\E/}, '... and lands on the portal';
    like $r->decoded_content, qr/<title>Pharmadesk/, '... page';
    ok $b->session_cookie, '... with a session cookie';
    my $me = $b->get('/api/me');
    is $me->status, 200, "$user: /api/me with the cookie";
    is $me->json && $me->json->{username}, $user, '... is that user';
    $as{$user} = $b;
}
is $as{cust_a}->get('/api/me')->json->{id}, api('cust_a', GET => '/api/me')->json->{id},
    'a browser session and a bearer token of one person are the same user';
ok db_value('SELECT last_login_at IS NOT NULL FROM users WHERE username = ?', 'cust_a'),
    'the sign-in is recorded as the last login';
{
    my $b = PD::Sso->new;
    my $r = $b->sign_in('cust_a', 'wrong');
    like $r->decoded_content, qr/Wrong username or password|Nama pengguna atau kata sandi salah/, 'a wrong password stays on the provider';
    is_error $b->get('/api/me'), 401, 'unauthenticated', undef, '... without a session';
}

# ---- a session and forged identity ------------------------------------------

{
    my $b = $as{cust_a};
    my %forged = ('X-Remote-User' => 'admin', 'X-Forwarded-User' => 'admin', 'Remote-User' => 'admin',
        'OIDC_CLAIM_sub' => subject_of('admin'), 'OIDC-CLAIM-groups' => 'pharmadesk-admin',
        'OIDC_CLAIM_groups' => 'pharmadesk-admin', 'OIDC_access_token' => token_for('admin'));
    my $me = $b->get('/api/me', headers => \%forged);
    is $me->json && $me->json->{username}, 'cust_a', 'forged identity headers do not change the session\'s user';
    is $me->json && $me->json->{role}{code}, 'customer', '... nor the role';
}

# ---- cross-site writes --------------------------------------------------------

{
    my $b = $as{cust_a};
    my $body = ticket_body('cust_a', title => "CSRF $$");
    is_error $b->request(POST => '/api/tickets', json => $body), 403, 'cross_origin', undef,
        'a session write without Origin: 403';
    is_error $b->request(POST => '/api/tickets', json => $body, origin => 'http://evil.example.org'),
        403, 'cross_origin', undef, '... from another origin: 403';
    is_error $b->request(POST => '/api/tickets', body => '{}', content_type => 'text/plain', origin => 1),
        415, 'unsupported_media_type', undef, '... as text/plain (what a form can send): 415';
    is_error $b->request(POST => '/api/tickets', body => 'title=x',
        content_type => 'application/x-www-form-urlencoded', origin => 1),
        415, 'unsupported_media_type', undef, '... as a form: 415';
    is db_value('SELECT count(*) FROM tickets WHERE title = ?', "CSRF $$"), 0, '... and nothing was written';
    my $ok = $b->request(POST => '/api/tickets', json => $body, origin => 1);
    is $ok->status, 201, 'JSON from our own origin: 201';
    ok !defined $ok->header('Access-Control-Allow-Origin'), '... and no CORS header, ever';
    my $id = $ok->json && $ok->json->{id};
    is_error $as{admin}->request(DELETE => "/api/tickets/$id"), 403, 'cross_origin', undef,
        'an admin session\'s DELETE without Origin: 403';
    is $as{admin}->request(DELETE => "/api/tickets/$id", origin => 1)->status, 204, '... with our Origin: 204';
    my $pre = $b->request(OPTIONS => '/api/tickets', origin => 'http://evil.example.org',
        headers => { 'Access-Control-Request-Method' => 'POST' });
    ok !defined $pre->header('Access-Control-Allow-Origin'), 'a CORS preflight gets no CORS permission';
    # Apache lets OPTIONS through unauthenticated; the module then refuses it
    is_error $pre, 401, 'unauthenticated', undef, '... and no data: OPTIONS carries no session';
}

# ---- a tampered cookie --------------------------------------------------------

{
    my $b = PD::Sso->login('tech');
    my $cookie = $b->session_cookie;
    my $bad = $cookie =~ s/^(.)/$1 eq 'a' ? 'b' : 'a'/er;
    $b->set_session_cookie($bad);
    is_error $b->get('/api/me'), 401, 'unauthenticated', undef, 'a tampered session cookie: 401 on /api';
    my $r = $b->ua->get("$portal/", Accept => 'text/html,*/*');
    is $r->code, 302, '... and the portal sends the browser to sign in again';
    is(URI->new($r->header('Location') // '')->host_port, $idp->host_port, '... at the provider');
    $b->set_session_cookie('x' x 5000);
    is_error $b->get('/api/me'), 401, 'unauthenticated', undef, 'an oversized cookie: 401';
}

# ---- signing out ---------------------------------------------------------------

{
    my $b = PD::Sso->login('expert2');
    is $b->get('/api/me')->status, 200, 'expert2 is signed in';
    my $r = $b->sign_out;
    is $r->code, 200, 'sign-out ends on a page' or diag $r->status_line, ' ', join(' -> ', $b->trail), ' ', substr($r->decoded_content, 0, 600);
    is $r->request->uri, "$portal/signed-out.html", '... our signed-out page'
        or diag join ' -> ', $b->trail;
    ok scalar(grep { m{^\Q$ENV{PD_TEST_IDP_ISSUER}\E/session/end} || m{/session/end} } $b->trail),
        '... by way of the provider\'s end-session endpoint';
    is_error $b->get('/api/me'), 401, 'unauthenticated', undef, 'after sign-out the cookie no longer works';
    my $again = $b->follow($b->ua->get("$portal/", Accept => 'text/html,*/*'));
    like $again->decoded_content, qr/name="password"/, 'the provider asks for the password again';
}

# ---- sessions outlive a full restart (Redis) ----------------------------------

{
    my $b = $as{cust_a};
    is $b->get('/api/me')->status, 200, 'before the restart: signed in';
    httpd_stop();
    httpd_start();
    my $me = $b->get('/api/me');
    is $me->status, 200, 'after a full stop and start of Apache the session still works (Redis cache)';
    is $me->json && $me->json->{username}, 'cust_a', '... as the same user';
}

done_testing;
