package PD::Loopback;

# What the tests' fake servers on loopback share (PD::SmtpSink, the SMTP
# server e-mail goes to; PD::FakeGraph, the WhatsApp API): listening on a
# port of 127.0.0.1, serving each connection in a child of its own, being
# stopped with every child, keeping what came in as files written whole
# before they are named, and waiting for them.
#
#   my $listen = PD::Loopback::listen_on($port);     # undef: any free port
#   my $pid = PD::Loopback::fork_server($listen, \&session, $state);
#   PD::Loopback::stop($pid);
#   PD::Loopback::keep($dir, json => $bytes, eml => $bytes);   # one name, each extension
#   my @got = PD::Loopback::wait_for(sub { ... list ... }, $n, $timeout);

use strict;
use warnings;
use Carp qw(croak);
use IO::Socket::INET;
use POSIX ();
use Time::HiRes qw(sleep time);

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

# Ends a server and every session in progress (its process group).
sub stop {
    my ($pid) = @_;
    kill 'TERM', -$pid;
    kill 'TERM', $pid;
    waitpid $pid, 0;
}

my $seq = 0;

# Files of one name in $dir, an extension each, each written whole before
# it is named (a reader never sees half of one).
sub keep {
    my ($dir, @files) = @_;
    my ($s, $us) = Time::HiRes::gettimeofday();
    my $name = sprintf '%s/%010d.%06d.%d.%d', $dir, $s, $us, $$, $seq++;
    while (my ($ext, $bytes) = splice @files, 0, 2) {
        open my $fh, '>:raw', "$name.$ext.tmp" or die "$name.$ext: $!";
        print $fh $bytes;
        close $fh or die "$name.$ext: $!";
        rename "$name.$ext.tmp", "$name.$ext" or die "$name.$ext: $!";
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

1;
