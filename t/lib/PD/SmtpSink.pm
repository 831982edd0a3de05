package PD::SmtpSink;

# An SMTP server on loopback for the tests: it takes messages and keeps
# each as a file (NAME.eml, the message as it came, CRLF and all, and
# NAME.json, its envelope: mail_from, rcpt_to, tls, auth, helo). It can
# offer STARTTLS or speak TLS from the start, ask for AUTH PLAIN or LOGIN,
# answer 4xx or 5xx at any stage, say nothing at all, and be stopped and
# started again on its port (an SMTP server that is down).
#
#   my $sink = PD::SmtpSink->start(dir => $dir);            # any free port
#   my $sink = PD::SmtpSink->start(dir => $dir, port => $p,
#       tls => { cert => $crt, key => $key },               # offers STARTTLS
#       implicit_tls => 1,                                  # smtps: TLS at once
#       auth => [ 'user', 'secret' ], mechs => ['PLAIN'],   # AUTH, required
#       reply => { rcpt => '451 4.3.0 Try again later' },   # at a stage
#       stall => 'greeting');                               # or 'message', 'quit'
#       stall => 'message', stall_for => 2);                # a late answer
#   $sink->port; $sink->stop; $sink->start_again;
#   my @m = $sink->wait_messages(1);                        # [{eml, envelope}]
#   $sink->fail(rcpt => '550 5.1.1 No such user'); $sink->fail(rcpt => undef);
#
# Stages: greeting, ehlo, mail, rcpt, data (the DATA command) and message
# (after the message's end). A reply set with fail() is read from the
# directory's .reply file at each stage, so it also reaches a sink that
# another process started: the one scripts/test runs for the whole suite
# (PD_TEST_SMTP_PORT, PD_TEST_SMTP_DIR), which PD::SmtpSink->suite controls.
#
# As a program (scripts/test): perl -It/lib -MPD::SmtpSink -e PD::SmtpSink::main
#   -- --port P --dir D; it serves in the foreground and writes D/.pid.

use strict;
use warnings;
use Carp qw(croak);
use IO::Socket::INET;
use JSON::PP ();
use MIME::Base64 qw(decode_base64);
use POSIX ();
use Time::HiRes qw(sleep time);
use PD::Loopback ();
use parent -norequire, 'PD::Loopback';

my $JSON = JSON::PP->new->canonical->utf8;

sub url { 'smtp://127.0.0.1:' . $_[0]{port} }

# The sink scripts/test started for the whole suite: stop and start_again
# act on its process through its pid file.
sub suite {
    my ($class) = @_;
    my ($port, $dir) = @ENV{qw(PD_TEST_SMTP_PORT PD_TEST_SMTP_DIR)};
    croak 'PD_TEST_SMTP_PORT is not set: run the tests through scripts/test' unless $port && $dir;
    return bless { port => $port, dir => $dir, suite => 1 }, ref($class) || $class;
}

sub suite_stop {
    my ($self) = @_;
    open my $fh, '<', "$self->{dir}/.pid" or return;
    chomp(my $pid = <$fh> // '');
    return unless $pid =~ /^\d+$/;
    kill 'TERM', -$pid;
    kill 'TERM', $pid;
    for (1 .. 100) { last unless kill 0, $pid; sleep 0.05 }
    unlink "$self->{dir}/.pid";
}

sub suite_start {
    my ($self) = @_;
    my $pid = fork // croak "fork: $!";
    if (!$pid) {
        # a daemon: nothing of the test's (prove reads its output to the
        # end, and Test::Builder holds duplicates of it beyond STDERR)
        POSIX::setsid();
        POSIX::close($_) for 3 .. 1023;
        open STDIN, '<', '/dev/null';
        open STDOUT, '>>', "$self->{dir}.log";
        open STDERR, '>&', \*STDOUT;
        my $listen = PD::Loopback::listen_on($self->{port});
        _write_pid($self->{dir});
        eval { PD::Loopback::serve($listen, \&_session, { dir => $self->{dir} }) };
        POSIX::_exit(0);
    }
    for (1 .. 100) {
        last if IO::Socket::INET->new(PeerAddr => '127.0.0.1', PeerPort => $self->{port}, Timeout => 1);
        sleep 0.05;
    }
}

sub _write_pid {
    my ($dir) = @_;
    PD::Loopback::write_whole("$dir/.pid", "$$\n");
}

# Answers with $reply at $stage from now on (undef: normally again).
sub fail {
    my ($self, $stage, $reply) = @_;
    my %r = %{ _replies($self->{dir}) };
    if (defined $reply) { $r{$stage} = $reply } else { delete $r{$stage} }
    PD::Loopback::write_whole("$self->{dir}/.reply", join '', map { "$_ $r{$_}\n" } sort keys %r);
}

sub _replies {
    my ($dir) = @_;
    my %r;
    if (open my $fh, '<', "$dir/.reply") {
        while (<$fh>) { $r{$1} = $2 if /^(\w+) (.+?)\s*$/ }
    }
    return \%r;
}

# Every message kept so far, oldest first: { eml, envelope, file }.
sub messages {
    my ($self) = @_;
    return map { +{ file => $_->{file} =~ s/\.json\z/.eml/r, eml => $_->{eml},
                   envelope => $JSON->decode($_->{json}) } } $self->kept('json', 'eml');
}

# Waits (up to $timeout seconds, 20 by default) until at least $n messages are kept.
sub wait_messages {
    my ($self, $n, $timeout) = @_;
    return PD::Loopback::wait_for(sub { $self->messages }, $n, $timeout);
}

sub clear {
    my ($self) = @_;
    $self->clear_kept('eml', 'json');
}

# ---- the server ----------------------------------------------------------

sub _session {
    my ($o, $c) = @_;
    my $dir = $o->{dir};
    my %state = (tls => 0, auth => undef, helo => undef);
    my ($from, @rcpt);
    binmode $c;
    $c->autoflush(1);
    my $reply = sub {
        my ($stage, $normal) = @_;
        my $r = _replies($dir)->{$stage} // ($o->{reply} || {})->{$stage};
        return $r // $normal;
    };
    my $say = sub { print {$c} map { "$_\r\n" } @_ };
    # stall_for: the stall ends after that many seconds and the exchange goes on
    my $stall = sub {
        if ($o->{stall_for}) { sleep $o->{stall_for}; return }
        sleep 60;
        POSIX::_exit(0);
    };

    if ($o->{implicit_tls}) {
        $c = _tls($o, $c) or return;
        $state{tls} = 1;
    }
    $stall->() if ($o->{stall} // '') eq 'greeting';
    my $greeting = $reply->('greeting', '220 sink.pharmadesk.test ESMTP');
    $say->($greeting);
    # a server that refuses service answers nothing but QUIT (RFC 5321 3.1)
    if ($greeting =~ /^5/) {
        while (defined(my $l = <$c>)) {
            if ($l =~ /^QUIT/i) { $say->('221 2.0.0 Bye'); last }
            $say->('503 5.5.1 No service');
        }
        return;
    }

    while (defined(my $line = <$c>)) {
        $line =~ s/\r?\n\z//;
        my ($verb, $arg) = $line =~ /^(\S+)\s*(.*)$/ or do { $say->('500 5.5.2 Syntax error'); next };
        $verb = uc $verb;
        if ($verb eq 'EHLO' || $verb eq 'HELO') {
            $state{helo} = $arg;
            my $r = $reply->('ehlo', undef);
            if ($r) { $say->($r); next }
            if ($verb eq 'HELO') { $say->('250 sink.pharmadesk.test'); next }
            my @ext = ('SIZE 52428800', '8BITMIME');
            push @ext, 'STARTTLS' if $o->{tls} && !$state{tls};
            push @ext, 'AUTH ' . join(' ', @{ $o->{mechs} || ['PLAIN', 'LOGIN'] })
                if $o->{auth} && ($state{tls} || !$o->{auth_needs_tls});
            $say->('250-sink.pharmadesk.test greets ' . $arg, (map { "250-$_" } @ext), '250 HELP');
        }
        elsif ($verb eq 'STARTTLS' && $o->{tls} && !$state{tls}) {
            $say->('220 2.0.0 Ready to start TLS');
            $c = _tls($o, $c) or return;
            %state = (tls => 1, auth => undef, helo => undef);
            ($from, @rcpt) = ();
        }
        elsif ($verb eq 'AUTH' && $o->{auth}) {
            my ($mech, $initial) = split ' ', $arg, 2;
            my ($user, $pass);
            $mech = uc($mech // '');
            if (!grep { $_ eq $mech } @{ $o->{mechs} || ['PLAIN', 'LOGIN'] }) {
                $say->('504 5.5.4 Unrecognized authentication type');
                next;
            }
            if ($mech eq 'PLAIN') {
                if (!defined $initial) { $say->('334 '); ($initial = <$c> // '') =~ s/\r?\n\z// }
                (undef, $user, $pass) = split /\0/, decode_base64($initial), 3;
            }
            else {
                $say->('334 VXNlcm5hbWU6');
                ($user = <$c> // '') =~ s/\r?\n\z//;
                $say->('334 UGFzc3dvcmQ6');
                ($pass = <$c> // '') =~ s/\r?\n\z//;
                ($user, $pass) = (decode_base64($user), decode_base64($pass));
            }
            if (defined $user && defined $pass && $user eq $o->{auth}[0] && $pass eq $o->{auth}[1]) {
                $state{auth} = $user;
                $say->('235 2.7.0 Authentication successful');
            }
            else {
                $say->('535 5.7.8 Authentication credentials invalid');
            }
        }
        elsif ($verb eq 'MAIL' && $arg =~ /^FROM:\s*<([^>]*)>/i) {
            if ($o->{auth} && !$state{auth}) { $say->('530 5.7.0 Authentication required'); next }
            my $addr = $1;
            my $r = $reply->('mail', '250 2.1.0 Ok');
            $from = $addr if $r =~ /^2/;
            @rcpt = ();
            $say->($r);
        }
        elsif ($verb eq 'RCPT' && $arg =~ /^TO:\s*<([^>]+)>/i) {
            my $addr = $1;
            if (!defined $from) { $say->('503 5.5.1 MAIL first'); next }
            my $r = $reply->('rcpt', '250 2.1.5 Ok');
            push @rcpt, $addr if $r =~ /^2/;
            $say->($r);
        }
        elsif ($verb eq 'DATA') {
            if (!@rcpt) { $say->('503 5.5.1 RCPT first'); next }
            my $r = $reply->('data', '354 End data with <CR><LF>.<CR><LF>');
            $say->($r);
            next unless $r =~ /^3/;
            my $data = '';
            while (defined(my $l = <$c>)) {
                last if $l =~ /^\.\r?\n\z/;
                $l =~ s/^\.//;
                $data .= $l;
            }
            $stall->() if ($o->{stall} // '') eq 'message';
            $r = $reply->('message', '250 2.0.0 Ok: queued');
            _keep($dir, $data, { mail_from => $from, rcpt_to => [@rcpt], %state }) if $r =~ /^2/;
            ($from, @rcpt) = ();
            $say->($r);
        }
        elsif ($verb eq 'RSET') { ($from, @rcpt) = (); $say->('250 2.0.0 Ok') }
        elsif ($verb eq 'NOOP') { $say->('250 2.0.0 Ok') }
        elsif ($verb eq 'QUIT') {
            $stall->() if ($o->{stall} // '') eq 'quit';
            $say->('221 2.0.0 Bye');
            last;
        }
        else { $say->('502 5.5.2 Command not recognized') }
    }
}

sub _tls {
    my ($o, $c) = @_;
    require IO::Socket::SSL;
    return IO::Socket::SSL->start_SSL($c, SSL_server => 1,
        SSL_cert_file => $o->{tls}{cert}, SSL_key_file => $o->{tls}{key});
}

# The message and its envelope, each written whole before it is named.
sub _keep {
    my ($dir, $data, $envelope) = @_;
    PD::Loopback::keep($dir, json => $JSON->encode($envelope), eml => $data);
}

sub main {
    my %a = @ARGV;
    my ($port, $dir) = @a{qw(--port --dir)};
    die "usage: PD::SmtpSink::main --port P --dir D\n" unless $port && $dir;
    mkdir $dir unless -d $dir;
    POSIX::setpgid(0, 0);
    my $listen = PD::Loopback::listen_on($port);
    _write_pid($dir);
    PD::Loopback::serve($listen, \&_session, { dir => $dir });
}

1;
