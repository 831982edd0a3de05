package PD::Browser;

# Runs a browser test (t/browser/NAME.mjs, headless Chromium through
# playwright-core), which prints the TAP that prove reads, once what it needs
# is there. Missing tools fail rather than skip: otherwise CI would pass
# without a browser.
#
#   use PD::Browser; PD::Browser::run('portal.mjs', 'axe-core');

use strict;
use warnings;

use File::Basename qw(dirname);
use Test::More ();

sub _root { $ENV{PD_ROOT} // dirname(__FILE__) . '/../../..' }

# need(@node_modules): skips without the suite's servers, fails (and
# exits) without Chromium, playwright-core or one of the modules.
sub need {
    my (@modules) = @_;
    Test::More::plan(skip_all => 'PD_TEST_URL is not set: run through scripts/test') unless $ENV{PD_TEST_URL};
    my $root = _root();
    for my $need ((map { "$root/t/browser/node_modules/$_" } 'playwright-core', @modules),
                  $ENV{PD_CHROMIUM} // '/usr/bin/chromium') {
        next if -e $need;
        Test::More::plan(tests => 1);
        Test::More::fail("$need is missing: scripts/test installs it");
        exit 1;
    }
}

# run($script, @node_modules): the node modules it needs besides
# playwright-core.
sub run {
    my ($script, @modules) = @_;
    need(@modules);
    my $root = _root();
    exec { 'node' } 'node', "$root/t/browser/$script" or do {
        Test::More::plan(tests => 1);
        Test::More::fail("cannot run node: $!");
        exit 1;
    };
}

1;
