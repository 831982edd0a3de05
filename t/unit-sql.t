#!/usr/bin/perl
# prove reads the cmocka binary's own TAP; a binary that was not built must
# fail, not skip, or CI would pass without running it.
use strict; use warnings; use FindBin;
$ENV{CMOCKA_MESSAGE_OUTPUT} = 'TAP';
my $bin = ($ENV{PD_BUILD_DIR} // "$FindBin::Bin/..") . '/t/unit/test_sql';
exec { $bin } $bin if -x $bin;
print "1..1\nnot ok 1 - test_sql not built ($bin)\n";
print STDERR "# test_sql was not built: see the build output above\n";
exit 1;
