package PD::WebhookSink;

# A webhook receiver on loopback for the tests: an HTTP server that keeps
# each request it gets (NAME.json: method, path, headers, the status it
# answered, when; NAME.body: the body's exact bytes) and answers as the
# test says, per path prefix: any status (with a Location for a
# redirection), a body, or nothing at all for a while (a receiver that
# stalls). A reply set with reply() is read from the directory at each
# request, so it can change while Apache is retrying.
#
#   my $sink = PD::WebhookSink->start(dir => $dir);
#   my $url = $sink->url('/a');                       # http://127.0.0.1:PORT/a
#   $sink->reply('/a' => { status => 503 });          # from now on
#   $sink->reply('/r' => { status => 302, location => '/elsewhere' });
#   $sink->reply('/s' => { stall => 5 });             # answers nothing for 5 s
#   $sink->reply('/f' => { status => 503, times => 2 });  # twice, then 200
#   $sink->reply('/a' => undef);                      # 200 again
#   my @r = $sink->wait_requests(sub { $_->{path} eq '/a' }, 2);
#   PD::WebhookSink::verify($header, $secret, $body, $now)  # as a receiver does
#
# Each request: { path, method, headers => { lower-case name => value },
# body, status, at }.

use strict;
use warnings;
use Carp qw(croak);
use Digest::SHA qw(hmac_sha256_hex);
use JSON::PP ();
use Time::HiRes qw(sleep time);
use PD::Loopback ();
use parent -norequire, 'PD::Loopback';

my $JSON = JSON::PP->new->canonical->utf8;

sub url { my ($self, $path) = @_; "http://127.0.0.1:$self->{port}" . ($path // '/') }

# How to answer requests whose path starts with $prefix (undef: 200 again).
sub reply {
    my ($self, $prefix, $how) = @_;
    my $all = _replies($self->{dir});
    if (defined $how) { $all->{$prefix} = $how } else { delete $all->{$prefix} }
    PD::Loopback::write_whole("$self->{dir}/.reply", $JSON->encode($all));
}

sub _replies {
    my ($dir) = @_;
    open my $fh, '<', "$dir/.reply" or return {};
    local $/;
    return eval { $JSON->decode(scalar <$fh>) } // {};
}

# Every request kept so far, oldest first; those $filter takes.
sub requests {
    my ($self, $filter) = @_;
    my @out;
    for my $k ($self->kept('json', 'body')) {
        my $r = $JSON->decode($k->{json});
        $r->{body} = $k->{body};
        local $_ = $r;
        push @out, $r if !$filter || $filter->($r);
    }
    return @out;
}

# Waits (up to $timeout seconds, 30 by default) for at least $n of them.
sub wait_requests {
    my ($self, $filter, $n, $timeout) = @_;
    return PD::Loopback::wait_for(sub { $self->requests($filter) }, $n, $timeout // 30);
}

# A receiver's check of Pharmadesk-Signature, as the README describes it:
# t and every v1 from the header; t within $tolerance seconds (300 by
# default) of the receiver's clock; HMAC-SHA256 of "t.body" with the
# secret, compared in constant time with each v1. Returns '' when the
# request is genuine, else why not: "malformed", "expired", "mismatch".
sub verify {
    my ($header, $secret, $body, $now, $tolerance) = @_;
    $tolerance //= 300;
    my ($t, @v1);
    for my $item (split /,/, $header // '') {
        my ($k, $v) = split /=/, $item, 2;
        next unless defined $v;
        if ($k eq 't' && !defined $t && $v =~ /^\d+$/) { $t = $v }
        elsif ($k eq 'v1') { push @v1, $v }
    }
    return 'malformed' unless defined $t && @v1;
    return 'expired' if abs(($now // time) - $t) > $tolerance;
    my $want = hmac_sha256_hex("$t.$body", $secret);
    my $match = 0;
    $match |= _same($want, $_) for @v1;
    return $match ? '' : 'mismatch';
}

# Equal strings, in a time that depends on the length alone.
sub _same {
    my ($a, $b) = @_;
    return 0 unless length $a == length $b;
    my $diff = 0;
    $diff |= ord(substr $a, $_, 1) ^ ord(substr $b, $_, 1) for 0 .. length($a) - 1;
    return $diff == 0;
}

# ---- the server ----------------------------------------------------------

my %REASON = (200 => 'OK', 201 => 'Created', 202 => 'Accepted', 204 => 'No Content',
    301 => 'Moved Permanently', 302 => 'Found', 307 => 'Temporary Redirect', 308 => 'Permanent Redirect',
    400 => 'Bad Request', 404 => 'Not Found', 410 => 'Gone', 429 => 'Too Many Requests',
    500 => 'Internal Server Error', 502 => 'Bad Gateway', 503 => 'Service Unavailable');

sub _session {
    my ($self, $c) = @_;
    my $dir = $self->{dir};
    my ($method, $path, $h, $body) = PD::Loopback::read_http_request($c) or return;
    my $replies = _replies($dir);
    my ($prefix) = sort { length $b <=> length $a } grep { index($path, $_) == 0 } keys %$replies;
    my $how = defined $prefix ? $replies->{$prefix} : {};
    # failing a number of times, then answering 200
    $how = {} if defined $how->{times} && _seen($self, $prefix) >= $how->{times};
    my $status = $how->{stall} ? 0 : $how->{status} // 200;
    PD::Loopback::keep($dir, body => $body, json => $JSON->encode({ method => $method, path => $path,
        headers => $h, status => $status, at => Time::HiRes::time() }));
    if ($how->{stall}) {
        sleep $how->{stall};
        return;
    }
    my $answer = $how->{body} // ($status < 300 ? "ok\n" : "no\n");
    print {$c} "HTTP/1.1 $status " . ($REASON{$status} // 'Status') . "\r\n",
        "Content-Type: text/plain; charset=utf-8\r\nContent-Length: " . length($answer) . "\r\n",
        ($how->{location} ? "Location: $how->{location}\r\n" : ''),
        "Connection: close\r\n\r\n", $answer;
}

# How many requests below $prefix were kept already.
sub _seen {
    my ($self, $prefix) = @_;
    return scalar grep {
        my $r = eval { $JSON->decode($_->{json}) };
        $r && index($r->{path}, $prefix) == 0
    } $self->kept('json');
}

1;
