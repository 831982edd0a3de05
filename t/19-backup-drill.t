#!/usr/bin/perl
# The backup and point-in-time recovery drill (scripts/backup-drill) runs end
# to end on a cluster of its own: a base backup taken while Apache serves,
# writes after it, a restore to an instant between two sets of writes, and
# every check of what the restore brought back and what it did not.
use strict;
use warnings;
use lib "$ENV{PD_ROOT}/t/lib";
use Test::More;

my $drill = "$ENV{PD_ROOT}/scripts/backup-drill";
ok -x $drill, 'scripts/backup-drill is there';

# its own ports, away from the suite's server and the other drills' ranges
my $port = ($ENV{PD_TEST_PORT} // 18080) + 150;
my $out = do {
    local $ENV{PD_DRILL_TICKETS} = 3;
    my $cmd = join ' ', map { "'$_'" } $drill, '--port', $port;
    `$cmd 2>&1`;
};
my $rc = $? >> 8;
is $rc, 0, 'the drill passes' or diag $out;

my @ok = $out =~ /^ok: (.*)$/mg;
like $ok[0] // '', qr/^phase A: 3 tickets/, 'tickets, comments and files written before the backup';
like $ok[1] // '', qr/^base backup taken while Apache served: \S+ in [\d.]+ s$/, 'a base backup, sized and timed';
like $ok[2] // '', qr/^phase B: 3 tickets/, 'more written after the backup';
like $ok[3] // '', qr/^phase C: 3 tickets/, 'and more after the recovery target';
like $ok[4] // '', qr/^WAL archived: \d+ segments/, 'the WAL archived';
like $ok[5] // '', qr/^restored to \S+ \S+ \S+ and promoted in [\d.]+ s$/, 'restored to the target and promoted';
like $ok[6] // '', qr/^every ticket of A and B is there .*\(6\); none of C$/,
    'every ticket before the target is back, with its timeline and its files byte for byte; none after it';
like $ok[7] // '', qr/^the dashboard's counts equal a recount/, "the dashboard's counts are exact after the restore";
like $ok[8] // '', qr/^a ticket written on the restored database: DR-\d{4}-\d+$/, 'the restored database takes writes';
like $out, qr/^backup drill passed$/m, 'the drill says it passed';

done_testing;
