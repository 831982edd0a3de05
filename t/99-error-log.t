#!/usr/bin/perl
# Runs last (scripts/test sees to that): a request can fail in a way every
# other test missed, yet leave its trace in Apache's error log.
use strict;
use warnings;
use Test::More;

my $dir = $ENV{PD_TEST_RUN_DIR};
plan skip_all => 'PD_TEST_RUN_DIR is not set: run through scripts/test' unless $dir;

my $bad = qr{
    \[ (?:[\w.-]+:)? (?:error|crit|alert|emerg) \]
  | Segmentation\ fault
  | exit\ signal
  | AddressSanitizer
  | LeakSanitizer
  | runtime\ error:
}x;

# Each test announces what it provokes on purpose (expect_error_log).
my @expected;

if (open my $fh, '<', "$dir/expected-errors") {
    while (my $line = <$fh>) {
        chomp $line;
        next unless length $line;
        my $re = eval { qr/$line/ };
        if ($re) {
            push @expected, $re;
        } else {
            fail("expected-errors has a bad pattern: $line");
        }
    }
}

open my $log, '<', "$dir/error.log" or BAIL_OUT("cannot read $dir/error.log: $!");
my (@unexpected, @before, @context);
while (my $line = <$log>) {
    chomp $line;
    # the lines just before an unexpected one say what the server was
    # doing: kept for the first three, since the run's log goes with it
    push @before, $line;
    shift @before if @before > 16;
    next unless $line =~ $bad;
    next if grep { $line =~ $_ } @expected;
    push @unexpected, $line;
    push @context, join("\n", "before line " . scalar(@unexpected) . ':', @before) if @context < 3;
}

my @show = @unexpected > 50
    ? (@unexpected[0 .. 49], sprintf('... and %d more', @unexpected - 50))
    : @unexpected;
ok(!@unexpected, 'no unexpected errors in the Apache error log')
    or diag(join "\n", 'unexpected:', @show, @context);

done_testing;
