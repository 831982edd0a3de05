#!/usr/bin/perl
# The background jobs (auto-close and key expiry, the dashboard's counts;
# t/28 and t/31 check what they do) run in one child process at a time,
# through a singleton mod_watchdog instance, and another child takes them
# over when that one is gone. Apache runs here with the module's debug log,
# which names the process of every run.
use strict;
use warnings;
use lib "$ENV{PD_ROOT}/t/lib";
use Test::More;
use PD::Test;

my $conf = $ENV{PD_TEST_HTTPD_CONF};
my $log = "$ENV{PD_TEST_RUN_DIR}/error.log";
my $original = read_file($conf);
(my $debug = $original) =~ s/^LogLevel (\w+)$/LogLevel $1 pharmadesk:debug/m
    or BAIL_OUT('no LogLevel line in the test configuration');

my $from = -s $log;
restart_with($conf, $debug);

# "pharmadesk: <job>: run in process <pid>" lines since the restart, in order
sub runs {
    open my $fh, '<', $log or die "$log: $!";
    seek $fh, $from, 0;
    my @pids;
    while (<$fh>) { push @pids, $1 if /pharmadesk: .*: run in process (\d+)/ }
    return @pids;
}
# the children of Apache's parent
sub children {
    my (undef, @kids) = httpd_pids();
    return @kids;
}
# the pids in order of their runs, each once: A A B B -> A B; A B A -> A B A
sub turns {
    my @t;
    for (@_) { push @t, $_ unless @t && $t[-1] == $_ }
    return @t;
}

ok wait_until(sub { runs() >= 4 }, 20), 'the jobs run' or diag "runs: @{[runs()]}";
cmp_ok scalar(children()), '>=', 2, 'in a server of several children';
my @first = turns(runs());
is scalar @first, 1, '... all in one of them' or diag "processes in turn: @first";

# The child that runs the jobs goes away. A child leaves by the MPM's
# decision alone (the parent tells it through a pipe; it ignores SIGTERM),
# so here it is killed: the hardest way to go, with the lock given back
# by the kernel rather than by the child. mod_watchdog lets the next child
# wait 10 s after it took the lock (the server might be stopping) before
# it starts the jobs.
my $owner = $first[0];
kill KILL => $owner;
my $handed = wait_until(sub { turns(runs()) >= 2 }, 40);
ok $handed, 'when that child is gone, another takes the jobs over';
# a few runs of the new one, to see that the old one stays quiet
wait_until(sub { my @r = runs(); my @t = turns(@r); (grep { $_ == $t[-1] } @r) >= 3 }, 10);
my @turns = turns(runs());
my %seen;
my @back = grep { $seen{$_}++ } @turns;
ok !@back, 'never two children at once: a process never runs jobs again after another did'
    or diag "processes in turn: @turns";

# Apache stops at once, with the jobs' thread; nothing is left to kill
my $before_stop = -s $log;
restart_with($conf, $original);
open my $fh, '<', $log or die "$log: $!";
seek $fh, $before_stop, 0;
my @stop = grep { /still did not exit|AH00045|AH00046|\[pharmadesk:(?:warn|error)\]/ } <$fh>;
ok !@stop, 'Apache stops without waiting for a child or a job' or diag @stop;

done_testing;
