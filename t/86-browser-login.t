#!/usr/bin/perl
# Headless Chromium signs in through the OpenID provider as every role, and
# as people who must not get in, then signs out: t/browser/login.mjs does it
# and prints the TAP that prove reads.
use strict;
use warnings;
use FindBin;
use Test::More;

plan skip_all => 'PD_TEST_URL is not set: run through scripts/test' unless $ENV{PD_TEST_URL};

my $root = $ENV{PD_ROOT} // "$FindBin::Bin/..";
my $script = "$root/t/browser/login.mjs";
# Missing tools fail rather than skip: otherwise CI would pass without a browser.
for my $need ("$root/t/browser/node_modules/playwright-core", $ENV{PD_CHROMIUM} // '/usr/bin/chromium') {
    next if -e $need;
    plan tests => 1;
    fail("$need is missing: scripts/test installs it");
    exit 1;
}
exec { 'node' } 'node', $script or do {
    plan tests => 1;
    fail("cannot run node: $!");
};
