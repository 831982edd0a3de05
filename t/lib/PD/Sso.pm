package PD::Sso;

# A browser's sign-in, for server tests: cookies, redirects followed by
# hand (LWP follows none after a POST), and the development provider's
# login form. t/86-browser-login.t does the same in a real Chromium.
#
#   my $b = PD::Sso->login('cust_a');          # dies unless signed in
#   my $r = $b->get('/api/me');                 # PD::Test::Response
#   my $w = $b->request(POST => '/api/tickets', json => {...}, origin => 1);

use strict;
use warnings;

use Carp qw(croak);
use HTTP::Cookies;
use HTTP::Request;
use LWP::UserAgent;
use MIME::Base64 ();
use URI;
use URI::Escape qw(uri_escape);
use PD::Test ();

sub _env { PD::Test::_env(@_) }

sub new {
    my ($class) = @_;
    my $ua = LWP::UserAgent->new(
        cookie_jar   => HTTP::Cookies->new,
        max_redirect => 0,
        timeout      => 30,
        # the provider's issuer certificate is self-signed
        ssl_opts     => { verify_hostname => 0, SSL_verify_mode => 0 },
    );
    return bless { ua => $ua, portal => _env('PD_TEST_URL') }, $class;
}

sub ua { $_[0]{ua} }
sub portal { $_[0]{portal} }

# Follows redirects from $res, as a browser does (GET after any 30x here:
# every redirect in these flows is 302 or 303). Returns the last response;
# ->{trail} lists the URLs visited.
sub follow {
    my ($self, $res, @trail) = @_;
    for (1 .. 20) {
        push @trail, $res->request->uri->as_string;
        last unless $res->is_redirect;
        my $next = URI->new_abs($res->header('Location'), $res->request->uri);
        $res = $self->{ua}->get($next, Accept => 'text/html,*/*');
    }
    $self->{trail} = \@trail;
    return $res;
}

sub trail { @{ $_[0]{trail} // [] } }

# Opens the portal and signs in on the provider's form. Returns the final
# response (the portal page) or dies with what went wrong.
sub sign_in {
    my ($self, $user, $password) = @_;
    my $res = $self->follow($self->{ua}->get("$self->{portal}/", Accept => 'text/html,*/*'));
    return $res unless $res->decoded_content =~ m{<form method="post" action="(/interaction/[^"]+)"};
    my $action = URI->new_abs($1, $res->request->uri);
    $res = $self->{ua}->post($action, [username => $user, password => $password // 'pharmadesk'],
        Accept => 'text/html,*/*');
    return $self->follow($res);
}

# The provider's own authorization-code flow for another client than the
# portal, as an API client would run it: signs $user in on the provider's
# form, stops at the client's redirect URI and trades the code at the token
# endpoint. Returns the token response (id_token, access_token, ...) or
# dies. %opt: client, secret, redirect_uri, scope, and resource (RFC 8707:
# an access token for that API).
sub provider_tokens {
    my ($class, $user, %opt) = @_;
    my $self = $class->new;
    my $issuer = _env('PD_TEST_IDP_ISSUER');
    my $auth = URI->new("$issuer/auth");
    $auth->query_form(client_id => $opt{client}, response_type => 'code', redirect_uri => $opt{redirect_uri},
        scope => $opt{scope} // 'openid', state => 'st' . int(rand 1e9), nonce => 'n' . int(rand 1e9),
        ($opt{resource} ? (resource => $opt{resource}) : ()));
    my $res = $self->{ua}->get($auth, Accept => 'text/html,*/*');
    my $code;
    for (1 .. 20) {
        if ($res->is_redirect) {
            my $next = URI->new_abs($res->header('Location'), $res->request->uri);
            if (index($next, $opt{redirect_uri}) == 0) {
                $code = { $next->query_form }->{code};
                last;
            }
            $res = $self->{ua}->get($next, Accept => 'text/html,*/*');
        } elsif ($res->decoded_content =~ m{<form method="post" action="(/interaction/[^"]+)"}) {
            $res = $self->{ua}->post(URI->new_abs($1, $res->request->uri),
                [username => $user, password => 'pharmadesk'], Accept => 'text/html,*/*');
        } else {
            last;
        }
    }
    croak "no authorization code for $user: " . $res->status_line . ' at ' . $res->request->uri unless $code;
    my $token = $self->{ua}->post("$issuer/token", [grant_type => 'authorization_code', code => $code,
        redirect_uri => $opt{redirect_uri}, ($opt{resource} ? (resource => $opt{resource}) : ())],
        Authorization => 'Basic ' . MIME::Base64::encode_base64("$opt{client}:$opt{secret}", ''));
    croak 'token endpoint: ' . $token->as_string unless $token->is_success;
    return $PD::Test::JSON->decode($token->decoded_content);
}

sub login {
    my ($class, $user, $password) = @_;
    my $self = $class->new;
    my $res = $self->sign_in($user, $password);
    croak "sign-in of $user did not reach the portal: " . $res->status_line . ' at '
        . $res->request->uri unless $res->code == 200 && index($res->request->uri, $self->{portal}) == 0;
    return $self;
}

# request($method, $path, %opt): an XHR-like API call with this browser's
# cookies. Options: json, body, content_type, headers, origin => 1 (this
# portal) or a string.
sub request {
    my ($self, $method, $path, %opt) = @_;
    my @h = (Accept => 'application/json');
    my $content;
    if (exists $opt{json}) {
        $content = $PD::Test::JSON->encode($opt{json});
        push @h, 'Content-Type' => $opt{content_type} // 'application/json';
    } elsif (exists $opt{body}) {
        $content = $opt{body};
        push @h, 'Content-Type' => $opt{content_type} if defined $opt{content_type};
    }
    if (my $o = $opt{origin}) {
        push @h, Origin => $o eq '1' ? $self->{portal} : $o;
    }
    push @h, %{ $opt{headers} } if $opt{headers};
    my $req = HTTP::Request->new(uc $method, "$self->{portal}$path", \@h, $content);
    $req->content_length(length $content) if defined $content;
    my $res = $self->{ua}->request($req);
    PD::Test::check_api_answer($req, $res);
    return PD::Test::Response->new($res);
}

sub get { my ($self, $path, %opt) = @_; $self->request(GET => $path, %opt) }

# The session cookie (mod_auth_openidc's, mod_auth_openidc_session).
sub session_cookie {
    my ($self) = @_;
    my $value;
    $self->{ua}->cookie_jar->scan(sub { $value = $_[2] if $_[1] eq 'mod_auth_openidc_session' });
    return $value;
}

sub set_session_cookie {
    my ($self, $value) = @_;
    my $u = URI->new($self->{portal});
    $self->{ua}->cookie_jar->set_cookie(0, 'mod_auth_openidc_session', $value, '/', $u->host, $u->port,
        0, 0, 3600, 0);
}

# Signs out through mod_auth_openidc and the provider; returns the last
# response. The provider's end-session page submits its form by script, so
# this submits it as the script would.
sub sign_out {
    my ($self) = @_;
    my $back = uri_escape("$self->{portal}/signed-out.html");
    my $res = $self->follow($self->{ua}->get("$self->{portal}/oidc/callback?logout=$back",
        Accept => 'text/html,*/*'));
    my @trail = $self->trail;
    my $html = $res->decoded_content // '';
    if ($html =~ m{<form[^>]*id="op\.logoutForm"[^>]*>(.*?)</form>}s) {
        my $form = $&;
        my ($action) = $form =~ m{action="([^"]+)"};
        my @fields;
        for my $input ($form =~ m{(<input[^>]*>)}g) {
            my ($name) = $input =~ m{name="([^"]+)"} or next;
            my ($value) = $input =~ m{value="([^"]*)"};
            push @fields, $name => $value // '';
        }
        $res = $self->follow($self->{ua}->post(URI->new_abs($action, $res->request->uri), \@fields,
            Accept => 'text/html,*/*'), @trail);
    }
    return $res;
}

1;
