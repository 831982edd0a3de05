#!/usr/bin/perl
# The background jobs (auto-close and key expiry, the dashboard's counts;
# t/28 and t/31 check what they do; the notifications, t/39 and t/61) run in
# one child process at a time, through singleton mod_watchdog instances (the
# notifications have one of their own), and another child takes a job over
# when that one is gone; without a database for the main server they do not
# run, and the module says so once. Apache runs here with the module's
# debug log, which names the process of every run.
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

# The error log's lines since an offset.
sub since {
    my ($offset) = @_;
    open my $fh, '<', $log or die "$log: $!";
    seek $fh, $offset, 0;
    return <$fh>;
}
# "pharmadesk: <job>: run in process <pid>" lines since the restart, in
# order: their pids, of one job or of all
sub runs {
    my ($job) = @_;
    return map { /pharmadesk: (.*): run in process (\d+)/ && (!defined $job || $1 eq $job) ? $2 : () }
        since($from);
}
# the jobs that ran
sub jobs {
    my %j = map { /pharmadesk: (.*): run in process \d+/ ? ($1 => 1) : () } since($from);
    return sort keys %j;
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

# every job of mod_pd_maintenance.c's table: the maintenance, the
# dashboard's, the service levels' sweep and compliance counts, the
# notifications, WhatsApp's forgetting
ok wait_until(sub { runs() >= 6 && (() = jobs()) >= 6 }, 20), 'the jobs run' or diag "runs: @{[runs()]}";
cmp_ok scalar(children()), '>=', 2, 'in a server of several children';
for my $job (jobs()) {
    my @t = turns(runs($job));
    is scalar @t, 1, "$job: in one of them" or diag "processes in turn: @t";
}

# The child that runs a job goes away. A child leaves by the MPM's decision
# alone (the parent tells it through a pipe; it ignores SIGTERM), so here
# it is killed: the hardest way to go, with the lock given back by the
# kernel rather than by the child. mod_watchdog lets the next child wait
# 10 s after it took the lock (the server might be stopping) before it
# starts the jobs.
my $job = "moving the dashboard's pending changes into its counts";
my ($owner) = turns(runs($job));
kill KILL => $owner;
my $handed = wait_until(sub { turns(runs($job)) >= 2 }, 40);
ok $handed, 'when that child is gone, another takes the job over';
# a few runs of the new one, to see that the old one stays quiet
wait_until(sub { my @r = runs($job); my @t = turns(@r); (grep { $_ == $t[-1] } @r) >= 3 }, 10);
for my $j (jobs()) {
    my @turns = turns(runs($j));
    my %seen;
    my @back = grep { $seen{$_}++ } @turns;
    ok !@back, "$j: never two children at once: a process never runs it again after another did"
        or diag "processes in turn: @turns";
}

# ---- the main server's database -------------------------------------------

# The jobs take their connection from the main server's mod_dbd pool. With
# DBDriver and DBDParams only inside a <VirtualHost>, the module says so
# once at start, as a warning in plain words, and schedules nothing, where
# mod_dbd would log "AH02654: not configured" as an error at every run.
my ($dbd) = $debug =~ /^(DBDriver .*?^DBDExptime [^\n]*\n)/ms
    or BAIL_OUT('no DBDriver ... DBDExptime lines in the test configuration');
my $vhost = "<VirtualHost 127.0.0.1:$ENV{PD_TEST_PORT}>\n    ServerName localhost\n$dbd</VirtualHost>\n";
(my $in_vhost = $debug) =~ s/\Q$dbd\E//;
$from = -s $log;
restart_with($conf, $in_vhost . $vhost);
is api('cust_a', GET => '/api/me')->status, 200, 'the database only in a <VirtualHost>: requests are served';
# two runs of the dashboard's job (PharmadeskDashboardInterval 2) had it
# been scheduled
sleep 5;
my @said = since($from);
is scalar(grep { /\[pharmadesk:warn\].*no database for the main server/ } @said), 1,
    '... the module says once that the background work does not run' or diag @said;
ok !(grep { /AH02654|not configured/ } @said), '... and mod_dbd is never asked for the missing pool'
    or diag @said;
is scalar(runs()), 0, '... no job runs';

# Lines that <IfModule> holds count as the server's own when it holds.
(my $in_ifmodule = $debug) =~ s/\Q$dbd\E/<IfModule dbd_module>\n$dbd<\/IfModule>\n/;
$from = -s $log;
restart_with($conf, $in_ifmodule);
ok wait_until(sub { runs() >= 1 }, 20), 'the database in an <IfModule> at server level: the jobs run';
ok !(grep { /no database for the main server/ } since($from)), '... and nothing is said';

# Apache stops at once, with the jobs' thread; nothing is left to kill
my $before_stop = -s $log;
restart_with($conf, $original);
my @stop = grep { /still did not exit|AH00045|AH00046|\[pharmadesk:(?:warn|error)\]/ } since($before_stop);
ok !@stop, 'Apache stops without waiting for a child or a job' or diag @stop;

done_testing;
