package PD::Unit;
# Runs the cmocka binary named after the calling t/unit-NAME.t, so that prove
# reads the binary's own TAP. A binary that was not built fails rather than
# skips: otherwise CI would pass without running it.
use strict;
use warnings;
use File::Basename qw(basename dirname);

# run('name') runs t/unit/test_name from a wrapper named otherwise.
sub run {
    my ($name) = @_ ? @_ : basename($0) =~ /^unit-(\w+)\.t$/ or die "not a t/unit-NAME.t: $0\n";
    my $root = $ENV{PD_BUILD_DIR} // dirname($0) . '/..';
    my $bin = "$root/t/unit/test_$name";
    $ENV{CMOCKA_MESSAGE_OUTPUT} = 'TAP';
    exec { $bin } $bin if -x $bin;
    print "1..1\nnot ok 1 - test_$name not built ($bin)\n";
    print STDERR "# test_$name was not built: see the build output above\n";
    exit 1;
}

1;
