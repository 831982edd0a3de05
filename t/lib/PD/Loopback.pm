package PD::Loopback;

# What the tests' fake servers on loopback share (PD::SmtpSink, the SMTP
# server e-mail goes to; PD::WebhookSink, a webhook receiver;
# PD::FakeGraph, the WhatsApp API): listening on a port of 127.0.0.1,
# serving each connection in a child of its own, being stopped with every
# child, keeping what came in as files written whole before they are
# named, reading them back and waiting for them. Each server is a
# subclass that brings its protocol, as the function _session:
#
#   package PD::XSink;
#   use parent -norequire, 'PD::Loopback';
#   sub _session { my ($self, $socket) = @_; ... PD::Loopback::keep($self->{dir}, ...) }
#
#   my $s = PD::XSink->start(dir => $dir);              # any free port; or port => $p
#   $s->port; $s->dir; $s->stop; $s->start_again;       # again on the same port
#   my @k = $s->kept('json', 'body');                  # [{ file, json => bytes, body => bytes }]
#   $s->clear_kept('json', 'body');
#
# and the functions under it:
#
#   my $listen = PD::Loopback::listen_on($port);     # undef: any free port
#   my $pid = PD::Loopback::fork_server($listen, \&session, $state);
#   PD::Loopback::keep($dir, json => $bytes, eml => $bytes);   # one name, each extension
#   PD::Loopback::write_whole($file, $bytes);
#   my @got = PD::Loopback::wait_for(sub { ... list ... }, $n, $timeout);
#   my ($method, $path, $headers, $body) = PD::Loopback::read_http_request($socket);

use strict;
use warnings;
use Carp qw(croak);
use IO::Socket::INET;
use POSIX ();
use Time::HiRes qw(sleep time);

# ---- a server as an object -------------------------------------------------

sub start {
    my ($class, %o) = @_;
    croak 'dir is required' unless $o{dir};
    mkdir $o{dir} unless -d $o{dir};
    my $self = bless { $class->defaults, %o }, $class;
    return $self->start_again;
}

# Options a subclass gives when start is not told them.
sub defaults { () }

# The most seconds one connection is served.
sub session_timeout { 60 }

# Starts serving (again, on the same port after stop).
sub start_again {
    my ($self) = @_;
    croak 'the server is running' if $self->{pid};
    my $listen = listen_on($self->{port});
    $self->{port} = $listen->sockport;
    $self->{pid} = fork_server($listen, $self->can('_session'), $self, $self->session_timeout);
    return $self;
}

# Stops serving: the listener and every session in progress.
sub stop {
    my ($self) = @_;
    my $pid = delete $self->{pid} or return;
    kill 'TERM', -$pid;
    kill 'TERM', $pid;
    waitpid $pid, 0;
}

sub DESTROY { $_[0]->stop }

sub port { $_[0]{port} }
sub dir { $_[0]{dir} }

# What was kept so far, oldest first: for each file NAME.$first, a hash
# of file (its path) and, for $first and each of @more, the bytes of
# NAME.<that extension> ('' when empty); a name without all of them is
# passed over.
sub kept {
    my ($self, $first, @more) = @_;
    my @out;
    FILE: for my $file (sort glob "$self->{dir}/*.$first") {
        my %got = (file => $file);
        for my $ext ($first, @more) {
            (my $path = $file) =~ s/\.\Q$first\E\z/.$ext/;
            open my $fh, '<:raw', $path or next FILE;
            local $/;
            $got{$ext} = scalar <$fh> // '';
        }
        push @out, \%got;
    }
    return @out;
}

# Forgets what was kept under these extensions.
sub clear_kept {
    my ($self, @ext) = @_;
    unlink map { glob "$self->{dir}/*.$_" } @ext;
}

# ---- the functions under it -----------------------------------------------

sub listen_on {
    my ($port) = @_;
    my $sock;
    # a port just let go may take a moment to be free again
    for (1 .. 50) {
        $sock = IO::Socket::INET->new(LocalAddr => '127.0.0.1', LocalPort => $port // 0,
            Listen => 64, ReuseAddr => 1, Proto => 'tcp') and last;
        sleep 0.1;
    }
    croak "cannot listen on 127.0.0.1:" . ($port // 0) . ": $!" unless $sock;
    return $sock;
}

# Accepts connections for ever, each served by $session->($state, $socket)
# in a child of its own (given $timeout seconds at most); TERM ends it.
sub serve {
    my ($listen, $session, $state, $timeout) = @_;
    $SIG{CHLD} = 'IGNORE';
    $SIG{TERM} = sub { POSIX::_exit(0) };
    while (1) {
        my $c = $listen->accept or next;
        my $pid = fork;
        if (defined $pid && !$pid) {
            close $listen;
            alarm($timeout // 60);
            eval { $session->($state, $c) };
            POSIX::_exit(0);
        }
        close $c;
    }
}

# serve() in a child process group of its own, whose output is not the
# test's to hold open; its pid.
sub fork_server {
    my ($listen, $session, $state, $timeout) = @_;
    my $pid = fork // croak "fork: $!";
    if (!$pid) {
        POSIX::setpgid(0, 0);
        open STDOUT, '>', '/dev/null';
        eval { serve($listen, $session, $state, $timeout) };
        POSIX::_exit(0);
    }
    close $listen;
    return $pid;
}

# $bytes as $file, written whole before it is named (a reader never sees
# half of it).
sub write_whole {
    my ($file, $bytes) = @_;
    open my $fh, '>:raw', "$file.tmp" or die "$file: $!";
    print $fh $bytes;
    close $fh or die "$file: $!";
    rename "$file.tmp", $file or die "$file: $!";
}

my $seq = 0;

# Files of one name in $dir, an extension each, each written whole.
sub keep {
    my ($dir, @files) = @_;
    my ($s, $us) = Time::HiRes::gettimeofday();
    my $name = sprintf '%s/%010d.%06d.%d.%d', $dir, $s, $us, $$, $seq++;
    while (my ($ext, $bytes) = splice @files, 0, 2) {
        write_whole("$name.$ext", $bytes);
    }
}

# Calls $list until it returns at least $n items, or $timeout seconds
# (20 by default) pass; its last answer.
sub wait_for {
    my ($list, $n, $timeout) = @_;
    my $until = time + ($timeout // 20);
    my @got;
    while (time < $until) {
        @got = $list->();
        last if @got >= $n;
        sleep 0.1;
    }
    return @got;
}

# An HTTP/1.x request from $c: its method, path, headers (lower-case
# names, values without the spaces around them) and body (Content-Length
# bytes, after a 100 Continue when the client waits for one); an empty
# list for what is no HTTP request.
sub read_http_request {
    my ($c) = @_;
    binmode $c;
    $c->autoflush(1);
    my $line = <$c> // return;
    my ($method, $path) = $line =~ m{^(\S+) (\S+) HTTP/1\.[01]\r?\n\z} or return;
    my %h;
    while (defined(my $l = <$c>)) {
        last if $l =~ /^\r?\n\z/;
        $h{ lc $1 } = $2 if $l =~ /^([^:]+):\s*(.*?)\s*\r?\n\z/;
    }
    print {$c} "HTTP/1.1 100 Continue\r\n\r\n" if lc($h{expect} // '') eq '100-continue';
    my $body = '';
    my $len = $h{'content-length'} // 0;
    while (length $body < $len) {
        my $n = read $c, $body, $len - length $body, length $body;
        last unless $n;
    }
    return ($method, $path, \%h, $body);
}

1;
