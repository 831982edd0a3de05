#!/usr/bin/perl
# An ID token is not an access token. Some providers put the API's audience
# into ID tokens too (LemonLDAP::NG with an extra audience; Microsoft Entra
# ID when the API is the sign-in app's own client ID), and ID tokens travel
# where access tokens do not (the id_token_hint of every logout URL). Sent
# as a bearer token, one passes mod_auth_openidc's signature check and the
# module's issuer, audience and expiry checks; what tells it apart is the
# access token's typ (at+jwt, RFC 9068), the claims only access tokens carry
# (client_id, scope) and those only ID tokens carry (nonce, at_hash).
use strict;
use warnings;
use lib 't/lib';
use Test::More;
use MIME::Base64 qw(decode_base64url);
use PD::Test;
use PD::Fixtures qw(is_refused_token ticket_body);
use PD::Sso;

my $portal = $ENV{PD_TEST_URL};
my $API = 'pharmadesk-api';

sub part {
    my ($jwt, $n) = @_;
    return $JSON->decode(decode_base64url((split /\./, $jwt)[$n]));
}

sub refused {
    my ($token, $what) = @_;
    for my $call ([GET => '/api/me'], [GET => '/api/tickets'], [POST => '/api/tickets']) {
        my ($m, $path) = @$call;
        is_refused_token api(undef, $m => $path, token => $token,
            ($m eq 'POST' ? (json => ticket_body('cust_a', title => "id token $$")) : ())), "$what: $m $path refused";
    }
}

# ---- a real ID token, from the provider's authorization-code flow ------------

my $flow = PD::Sso->provider_tokens('cust_a', client => $API, secret => 'pharmadesk-dev-secret',
    redirect_uri => "$portal/test/id-token-client", scope => 'openid profile pharmadesk',
    resource => "urn:$API");
my $id_token = $flow->{id_token};
{
    my $claims = part($id_token, 1);
    is $claims->{aud}, $API, 'the ID token is for the API\'s audience';
    is $claims->{iss}, $ENV{PD_TEST_IDP_ISSUER}, '... from our issuer';
    ok $claims->{nonce} && $claims->{at_hash}, '... with a nonce and an at_hash';
    ok !exists $claims->{client_id} && !exists $claims->{scope}, '... and neither client_id nor scope';
    isnt part($id_token, 0)->{typ} // '', 'at+jwt', '... and its typ is not at+jwt';
}
refused($id_token, 'a real ID token as a bearer token');
is db_value(q{SELECT count(*) FROM tickets WHERE title = ?}, "id token $$"), 0, '... which created nothing';

# The access token of the same flow is one, and works.
{
    my $at = $flow->{access_token};
    is part($at, 0)->{typ}, 'at+jwt', 'the same flow\'s access token is an at+jwt';
    my $r = api(undef, GET => '/api/me', token => $at);
    is $r->status, 200, '... and works as a bearer token';
    is $r->json && $r->json->{username}, 'cust_a', '... as that user';
}

# ---- each rule on its own, with otherwise valid access tokens ----------------

refused(mint_token(username => 'cust_a', typ => 'JWT'), 'typ JWT where at+jwt is required');
refused(mint_token(username => 'cust_a', typ => undef), 'no typ where at+jwt is required');
refused(mint_token(username => 'cust_a', claims => { client_id => undef }), 'no client_id');
refused(mint_token(username => 'cust_a', claims => { scope => undef }), 'no scope');
refused(mint_token(username => 'cust_a', claims => { nonce => 'n-1' }), 'a nonce');
refused(mint_token(username => 'cust_a', claims => { at_hash => 'abc' }), 'an at_hash');

{
    # typ compares as a media type: case-insensitively, "application/" optional
    for my $typ ('at+jwt', 'AT+JWT', 'application/at+jwt') {
        my $r = api(undef, GET => '/api/me', token => mint_token(username => 'cust_a', typ => $typ));
        is $r->status, 200, "typ $typ is an access token's";
    }
    my $r = api(undef, GET => '/api/me', token => mint_token(username => 'cust_a',
        claims => { scope => 'openid pharmadesk', auth_time => time }));
    is $r->status, 200, 'claims both kinds may carry (auth_time) refuse nothing';
}

# ---- the rules are the configuration's -----------------------------------

my $conf = "$ENV{PD_TEST_RUN_DIR}/auth.conf";
my $text = read_file($conf);
END { restart_with($conf, $text) if $text && read_file($conf) ne $text }
{
    my $loose = $text;
    $loose =~ s/^PharmadeskOIDCAccessToken(Type|Claims)\b.*\n//mg;
    $loose .= "PharmadeskOIDCIDTokenClaims none\n";
    restart_with($conf, $loose);
    is api(undef, GET => '/api/me', token => $id_token)->status, 200,
        'without any rule the ID token would pass: the rules are what refuse it';
    is api(undef, GET => '/api/me', token => mint_token(username => 'cust_a', typ => 'JWT'))->status, 200,
        '... and a typ JWT token';
    restart_with($conf, $loose =~ s/^PharmadeskOIDCIDTokenClaims none\n//mr);
    refused($id_token, 'with the default rule alone (nonce, at_hash), the ID token');
    restart_with($conf, $text);
    is api(undef, GET => '/api/me', token => $id_token)->status, 401, 'the configuration restored: refused';
}

done_testing;
