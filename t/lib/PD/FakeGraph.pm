package PD::FakeGraph;

# The WhatsApp Business Cloud API's messages endpoint, faked on loopback
# for the tests: it takes POST /{version}/{phone-number-id}/messages as
# Meta documents it, checks every request against that format (path,
# version, phone number id, the bearer token, JSON content, and a template
# message's fields: messaging_product, to as digits without "+", type
# template, the template's name and language, one body component of text
# parameters as the API takes them, the optional callback data), answers
# as the API does (a wamid, or a Graph error), and keeps each request as a
# file (NAME.json: method, path, headers, the body decoded, the problems
# found, the status answered and the wamid given).
#
#   my $g = PD::FakeGraph->start(dir => $dir, version => 'v21.0',
#       phone => '106540352242922', token => 'EAAG...', template => 'name', params => 4);
#   $g->url;                       # http://127.0.0.1:PORT, for PharmadeskWhatsAppApiUrl
#   $g->reply('500', '429 130429', '401 190');   # the next answers, in order
#   my @r = $g->wait_requests(2);  # [{ method, path, body, problems, status, wamid }]
#   $g->clear; $g->stop;
#
# A reply is "STATUS" (a plain body, as a proxy's error page) or "STATUS
# CODE" (a Graph error of that code). A request that breaks the format is
# answered 400, error 100, whatever is queued; a wrong token 401, error 190.

use strict;
use warnings;
use Carp qw(croak);
use Fcntl qw(:flock);
use JSON::PP ();
use PD::Loopback ();
use parent -norequire, 'PD::Loopback';

my $JSON = JSON::PP->new->canonical->utf8;

sub defaults { (version => 'v21.0', params => 4) }
sub session_timeout { 30 }

sub url { 'http://127.0.0.1:' . $_[0]{port} }

# Queues answers for the next requests, one each.
sub reply {
    my ($self, @specs) = @_;
    open my $fh, '>>', "$self->{dir}/.replies" or croak "$self->{dir}/.replies: $!";
    flock $fh, LOCK_EX;
    print $fh map { "$_\n" } @specs;
    close $fh;
}

# The next queued answer, taken off the queue; undef: answer normally.
sub _next_reply {
    my ($dir) = @_;
    open my $fh, '+<', "$dir/.replies" or return;
    flock $fh, LOCK_EX;
    my @lines = <$fh>;
    my $first = shift @lines;
    seek $fh, 0, 0;
    truncate $fh, 0;
    print $fh @lines;
    close $fh;
    chomp $first if defined $first;
    return $first;
}

# Every request kept so far, oldest first.
sub requests {
    my ($self) = @_;
    return map { $JSON->decode($_->{json}) } $self->kept('json');
}

sub wait_requests {
    my ($self, $n, $timeout) = @_;
    return PD::Loopback::wait_for(sub { $self->requests }, $n, $timeout);
}

sub clear {
    my ($self) = @_;
    $self->clear_kept('json');
    unlink "$self->{dir}/.replies";
}

# ---- the server ----------------------------------------------------------

sub _session {
    my ($o, $c) = @_;
    my ($method, $path, $h, $body) = PD::Loopback::read_http_request($c) or return;
    my %kept = (method => $method, path => $path, headers => {
        authorization => $h->{authorization}, content_type => $h->{'content-type'} });
    my @problems = _check($o, $method, $path, $h, $body, \%kept);
    my ($status, $answer);
    if (grep { /^token/ } @problems) {
        ($status, $answer) = (401, _graph_error(190, 'Invalid OAuth access token.'));
    } elsif (@problems) {
        ($status, $answer) = (400, _graph_error(100, 'Invalid parameter', join '; ', @problems));
    } elsif (defined(my $r = _next_reply($o->{dir}))) {
        my ($s, $code) = split ' ', $r;
        ($status, $answer) = ($s, defined $code ? _graph_error($code, "a failure the test asked for")
                                                : "<html><body>$s</body></html>");
    } else {
        my $wamid = 'wamid.' . join '', map { sprintf '%02X', int rand 256 } 1 .. 18;
        $kept{wamid} = $wamid;
        $status = 200;
        $answer = $JSON->encode({ messaging_product => 'whatsapp',
            contacts => [{ input => $kept{body}{to}, wa_id => $kept{body}{to} }],
            messages => [{ id => $wamid }] });
    }
    $kept{problems} = \@problems;
    $kept{status} = 0 + $status;
    PD::Loopback::keep($o->{dir}, json => $JSON->encode(\%kept));
    my $type = $answer =~ /^\{/ ? 'application/json' : 'text/html';
    print {$c} "HTTP/1.1 $status X\r\nContent-Type: $type\r\nContent-Length: " . length($answer)
        . "\r\nConnection: close\r\n\r\n$answer";
}

sub _graph_error {
    my ($code, $message, $details) = @_;
    return $JSON->encode({ error => { message => "(#$code) $message", type => 'OAuthException',
        code => 0 + $code, (defined $details ? (error_data => { messaging_product => 'whatsapp',
        details => $details }) : ()), fbtrace_id => 'AfakeTrace' } });
}

# What is wrong with a request, by Meta's documented format.
sub _check {
    my ($o, $method, $path, $h, $body, $kept) = @_;
    my @p;
    push @p, "method $method" unless $method eq 'POST';
    my $want = "/$o->{version}/$o->{phone}/messages";
    push @p, "path $path, expected $want" unless $path eq $want;
    my ($token) = ($h->{authorization} // '') =~ /^Bearer (\S+)$/;
    push @p, 'token: no bearer token' unless defined $token;
    push @p, 'token: not the token' if defined $token && $token ne $o->{token};
    push @p, 'content type ' . ($h->{'content-type'} // 'none')
        unless ($h->{'content-type'} // '') =~ m{^application/json\b};
    my $m = eval { $JSON->decode($body) };
    if (ref $m ne 'HASH') {
        push @p, 'the body is no JSON object';
        return @p;
    }
    $kept->{body} = $m;
    my %known = map { $_ => 1 } qw(messaging_product recipient_type to type template biz_opaque_callback_data);
    push @p, "unknown member $_" for grep { !$known{$_} } sort keys %$m;
    push @p, 'messaging_product must be whatsapp' unless ($m->{messaging_product} // '') eq 'whatsapp';
    push @p, 'recipient_type must be individual'
        if exists $m->{recipient_type} && ($m->{recipient_type} // '') ne 'individual';
    push @p, 'to must be the number\'s digits with its country code, no +'
        unless ($m->{to} // '') =~ /^[1-9][0-9]{6,14}$/;
    push @p, 'type must be template' unless ($m->{type} // '') eq 'template';
    push @p, 'biz_opaque_callback_data must be a string of at most 512 characters'
        if exists $m->{biz_opaque_callback_data}
            && (ref $m->{biz_opaque_callback_data} || length($m->{biz_opaque_callback_data} // '') > 512);
    my $t = $m->{template};
    if (ref $t ne 'HASH') {
        push @p, 'template must be an object';
        return @p;
    }
    push @p, 'template.name is no template name' unless ($t->{name} // '') =~ /^[a-z0-9_]{1,512}$/;
    push @p, "template.name must be $o->{template}" if $o->{template} && ($t->{name} // '') ne $o->{template};
    push @p, 'template.language.code must be id or en'
        unless ref $t->{language} eq 'HASH' && ($t->{language}{code} // '') =~ /^(?:id|en)$/;
    my $c = $t->{components};
    if (ref $c ne 'ARRAY' || @$c != 1 || ref $c->[0] ne 'HASH' || ($c->[0]{type} // '') ne 'body'
        || ref $c->[0]{parameters} ne 'ARRAY') {
        push @p, 'template.components must be one body component with parameters';
        return @p;
    }
    my @params = @{ $c->[0]{parameters} };
    push @p, 'the body takes ' . $o->{params} . ' parameters, not ' . scalar(@params)
        if defined $o->{params} && @params != $o->{params};
    for my $i (0 .. $#params) {
        my $x = $params[$i];
        if (ref $x ne 'HASH' || ($x->{type} // '') ne 'text' || ref $x->{text} || !defined $x->{text}) {
            push @p, "parameter $i must be {type: text, text}";
            next;
        }
        # what the API refuses in a text parameter (error 132018)
        push @p, "parameter $i is empty" unless length $x->{text};
        push @p, "parameter $i has a new line or a tab" if $x->{text} =~ /[\n\t]/;
        push @p, "parameter $i has more than 4 spaces in a row" if $x->{text} =~ / {5}/;
        push @p, "parameter $i is longer than 1024 characters" if length $x->{text} > 1024;
    }
    return @p;
}

1;
