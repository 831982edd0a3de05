package PD::Sink;

# What the tests' fake servers share (PD::SmtpSink, PD::WebhookSink): a
# listener on loopback, a server process that forks a child per connection
# and never holds the test's output, stopping it with every session in
# progress, and files written whole before they are named, so that a test
# reading the directory never sees half of one.
#
#   my $listen = PD::Sink::listen_on($port);          # undef: any free port
#   my $pid = PD::Sink::serve_in_child($listen, sub { my ($conn) = @_; ... });
#   PD::Sink::stop_server($pid);
#   PD::Sink::write_whole("$dir/x.json", $bytes);

use strict;
use warnings;
use Carp qw(croak);
use IO::Socket::INET;
use POSIX ();
use Time::HiRes qw(sleep);

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

# Accepts connections for ever, each in a child of its own that runs
# $session on it for at most a minute.
sub serve {
    my ($listen, $session) = @_;
    $SIG{CHLD} = 'IGNORE';
    $SIG{TERM} = sub { POSIX::_exit(0) };
    while (1) {
        my $c = $listen->accept or next;
        my $pid = fork;
        if (defined $pid && !$pid) {
            close $listen;
            alarm 60;
            eval { $session->($c) };
            POSIX::_exit(0);
        }
        close $c;
    }
}

# serve() in a process group of its own; returns its pid.
sub serve_in_child {
    my ($listen, $session) = @_;
    my $pid = fork // croak "fork: $!";
    if (!$pid) {
        POSIX::setpgid(0, 0);
        open STDOUT, '>', '/dev/null';     # the test's TAP is not the server's to hold open
        eval { serve($listen, $session) };
        POSIX::_exit(0);
    }
    close $listen;
    return $pid;
}

# The server and every session in progress.
sub stop_server {
    my ($pid) = @_;
    return unless $pid;
    kill 'TERM', -$pid;
    kill 'TERM', $pid;
    waitpid $pid, 0;
}

sub write_whole {
    my ($file, $bytes) = @_;
    open my $fh, '>:raw', "$file.tmp" or die "$file: $!";
    print $fh $bytes;
    close $fh or die "$file: $!";
    rename "$file.tmp", $file or die "$file: $!";
}

1;
