#!/usr/bin/perl
# API clients with bearer tokens (AuthType oauth20 under auth-openidc):
# every kind of bad token is refused with 401 and a Bearer challenge, a
# service signs in with client credentials, and forged identity headers
# never change who the caller is, on any method.
use strict;
use warnings;
use lib 't/lib';
use Test::More;
use HTTP::Request;
use LWP::UserAgent;
use MIME::Base64 qw(encode_base64url decode_base64url);
use PD::Test;
use PD::Fixtures qw(is_error is_refused_token ticket_body);

# ---- bad tokens -----------------------------------------------------------------

# mod_auth_openidc refuses what it can verify itself (signature, alg, a past
# exp) and logs each; the module refuses the rest (iss, aud, a missing exp).
# Either way the client sees the same challenge and error code: AuthName
# gives mod_auth_openidc's challenge the module's realm, and an ErrorDocument
# for bearer requests its body.
expect_error_log(qr/oidc_(proto_jwt_verify|proto_validate_exp|oauth_validate_jwt_access_token|oauth_check_userid)/);

my %bad = (
    'wrong audience'     => mint_token(username => 'cust_a', aud => 'another-api'),
    'no audience'        => mint_token(username => 'cust_a', claims => { aud => undef }),
    'wrong issuer'       => mint_token(username => 'cust_a', iss => 'https://evil.example.org'),
    'no issuer'          => mint_token(username => 'cust_a', claims => { iss => undef }),
    'expired'            => mint_token(username => 'cust_a', exp_in => -120),
    'no exp'             => mint_token(username => 'cust_a', no_exp => 1),
    'alg=none'           => mint_token(username => 'cust_a', alg => 'none'),
    'a bad signature'    => mint_token(username => 'cust_a', bad_signature => 1),
    'a deactivated user' => mint_token(username => 'inactive'),
    'not a JWT'          => 'abc.def',
    # a service's (client-credentials) token, broken the same ways
    'a client token for another audience' => mint_token(sub => 'pharmadesk-service', aud => 'another-api',
        claims => { groups => ['pharmadesk-manager'] }),
    'a client token from another issuer' => mint_token(sub => 'pharmadesk-service', iss => 'https://evil.example.org',
        claims => { groups => ['pharmadesk-manager'] }),
    'an expired client token' => mint_token(sub => 'pharmadesk-service', exp_in => -60,
        claims => { groups => ['pharmadesk-manager'] }),
    'a client token without exp' => mint_token(sub => 'pharmadesk-service', no_exp => 1,
        claims => { groups => ['pharmadesk-manager'] }),
);
# the payload of a good token under another token's signature
{
    my ($h, undef, $sig) = split /\./, mint_token(username => 'cust_a');
    my (undef, $p) = split /\./, mint_token(username => 'admin');
    $bad{'a payload swapped under a signature'} = "$h.$p.$sig";
    my $payload = $JSON->decode(decode_base64url($p));
    $payload->{sub} = subject_of('cust_a');
    $bad{'an edited payload'} = join '.', $h, encode_base64url($JSON->encode($payload)), $sig;
}

for my $what (sort keys %bad) {
    for my $call ([GET => '/api/me'], [GET => '/api/tickets'], [POST => '/api/tickets'], [PATCH => '/api/tickets/1']) {
        my ($m, $path) = @$call;
        # one answer whether mod_auth_openidc or the module refused it
        is_refused_token api(undef, $m => $path, token => $bad{$what},
            ($m eq 'GET' ? () : (json => ticket_body('cust_a')))), "$what: $m $path refused";
    }
}
is db_value(q{SELECT count(*) FROM users WHERE subject = ? AND last_login_at IS NOT NULL}, subject_of('inactive')), 0,
    'a deactivated user\'s refused token records no login';

# exp right at the edge: a token that has just expired
{
    my $t = mint_token(username => 'cust_a', exp_in => 1);
    sleep 2;
    is api(undef, GET => '/api/me', token => $t)->status, 401, 'a token refused once its exp has passed';
}

# ---- good tokens -----------------------------------------------------------------

{
    my $r = api('cust_a', GET => '/api/me');
    is $r->status, 200, 'a valid user token: 200';
    is $r->json->{username}, 'cust_a', '... as that user';
    my $multi = mint_token(username => 'cust_a', aud => ['account', 'pharmadesk-api']);
    is api(undef, GET => '/api/me', token => $multi)->status, 200, 'our audience among several: 200';
}

# A service with client credentials, from the provider's real token endpoint.
{
    my $ua = LWP::UserAgent->new(ssl_opts => { verify_hostname => 0, SSL_verify_mode => 0 });
    my $issuer = $ENV{PD_TEST_IDP_ISSUER};
    my $req = HTTP::Request->new(POST => "$issuer/token",
        ['Content-Type' => 'application/x-www-form-urlencoded',
         Authorization => 'Basic ' . MIME::Base64::encode_base64('pharmadesk-service:pharmadesk-dev-secret', '')],
        'grant_type=client_credentials&scope=pharmadesk&resource=urn%3Apharmadesk-api');
    my $res = $ua->request($req);
    ok $res->is_success, 'the provider issues a client-credentials token' or diag $res->as_string;
    my $tok = $res->is_success ? $JSON->decode($res->decoded_content)->{access_token} : '';
    my $me = api(undef, GET => '/api/me', token => $tok);
    is $me->status, 200, 'a service token: 200';
    is $me->json && $me->json->{role}{code}, 'manager', '... the service is a manager by its groups claim';
    is $me->json && $me->json->{name}, 'Reporting service', '... named by its claims';
    is api(undef, GET => '/api/tickets', token => $tok)->status, 200, '... it reads tickets';
    is_error api(undef, POST => '/api/tickets', token => $tok, json => ticket_body('admin')), 403, 'forbidden', undef,
        '... and may not write';
    my $other = HTTP::Request->new(POST => "$issuer/token",
        ['Content-Type' => 'application/x-www-form-urlencoded',
         Authorization => 'Basic ' . MIME::Base64::encode_base64('pharmadesk-service:wrong', '')],
        'grant_type=client_credentials&scope=pharmadesk&resource=urn%3Apharmadesk-api');
    ok !$ua->request($other)->is_success, 'a wrong client secret gets no token';
}

# ---- forged identity headers --------------------------------------------------

my %forged = (
    'X-Remote-User' => 'admin', 'X-Forwarded-User' => 'admin', 'Remote-User' => 'admin',
    'OIDC_CLAIM_sub' => subject_of('admin'), 'OIDC-CLAIM-sub' => subject_of('admin'),
    'OIDC_CLAIM_groups' => 'pharmadesk-admin', 'OIDC_CLAIM_pharmacy' => 'APT-B',
    'OIDC_access_token' => token_for('admin'), 'OIDC-access-token' => token_for('admin'),
);
my $b_ticket = api('cust_b', POST => '/api/tickets', json => ticket_body('cust_b', title => "forged $$"))->json;
{
    my $me = api('cust_a', GET => '/api/me', headers => \%forged);
    is $me->json->{username}, 'cust_a', 'GET with forged identity headers: still cust_a';
    is $me->json->{role}{code}, 'customer', '... still a customer';
    my $h = api('cust_a', HEAD => '/api/me', headers => \%forged);
    is $h->status, 200, 'HEAD with forged headers: 200';
    is $h->body, '', '... no body';
    is_error api('cust_a', GET => "/api/tickets/$b_ticket->{id}", headers => \%forged), 404, 'not_found', undef,
        '... another pharmacy\'s ticket stays 404';
    my $post = api('cust_a', POST => '/api/tickets', headers => \%forged,
        json => ticket_body('cust_a', title => "forged post $$"));
    is $post->status, 201, 'POST with forged headers: 201';
    is $post->json->{pharmacy}{code}, 'APT-A', '... for the caller\'s own pharmacy';
    is db_value('SELECT u.username FROM tickets t JOIN users u ON u.id = t.created_by WHERE t.id = ?',
        $post->json->{id}), 'cust_a', '... created by the caller';
    is_error api('cust_a', PATCH => "/api/tickets/$b_ticket->{id}", headers => \%forged,
        json => { title => 'taken over' }), 404, 'not_found', undef, 'PATCH of another pharmacy\'s ticket: 404';
    is_error api('cust_a', DELETE => "/api/tickets/$b_ticket->{id}", headers => \%forged), 403, 'forbidden',
        undef, 'DELETE as a customer with admin headers: 403';
    my $o = api('cust_a', OPTIONS => '/api/tickets', headers => \%forged);
    is $o->status, 204, 'OPTIONS with a token: 204';
    is $o->body, '', '... and no data';
    ok defined $o->header('Allow'), '... only the methods';
    ok !defined $o->header('Access-Control-Allow-Origin'), '... and no CORS permission';
}
for my $m (qw(GET HEAD POST PATCH OPTIONS DELETE)) {
    my $r = api(undef, $m => '/api/tickets', headers => \%forged, ($m =~ /POST|PATCH/ ? (json => {}) : ()));
    is $r->status, 401, "$m with forged headers and no token: 401";
    unlike $r->body, qr/"items"|"username"/, '... and no data';
}

done_testing;
