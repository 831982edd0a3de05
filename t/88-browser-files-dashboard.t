#!/usr/bin/perl
# The portal's attachments and dashboard in headless Chromium
# (t/browser/files-dashboard.mjs, which prints TAP).
use strict;
use warnings;
use FindBin;
use Test::More;

plan skip_all => 'PD_TEST_URL is not set: run through scripts/test' unless $ENV{PD_TEST_URL};

my $root = $ENV{PD_ROOT} // "$FindBin::Bin/..";
for my $need ("$root/t/browser/node_modules/playwright-core", $ENV{PD_CHROMIUM} // '/usr/bin/chromium') {
    next if -e $need;
    plan tests => 1;
    fail("$need is missing: scripts/test installs it");
    exit 1;
}
exec { 'node' } 'node', "$root/t/browser/files-dashboard.mjs" or do {
    plan tests => 1;
    fail("cannot run node: $!");
};
