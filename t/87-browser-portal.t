#!/usr/bin/perl
# The portal in headless Chromium, every role signed in through the OpenID
# provider: the whole ticket story across roles (each step seen on the other
# side without a reload), script payloads in every stored field, both
# languages, axe-core and screenshots of every page at two widths.
# t/browser/portal.mjs does it and prints the TAP that prove reads.
use strict;
use warnings;
use FindBin;
use Test::More;

plan skip_all => 'PD_TEST_URL is not set: run through scripts/test' unless $ENV{PD_TEST_URL};

my $root = $ENV{PD_ROOT} // "$FindBin::Bin/..";
# Missing tools fail rather than skip: otherwise CI would pass without a browser.
for my $need ("$root/t/browser/node_modules/playwright-core", "$root/t/browser/node_modules/axe-core",
    $ENV{PD_CHROMIUM} // '/usr/bin/chromium') {
    next if -e $need;
    plan tests => 1;
    fail("$need is missing: scripts/test installs it");
    exit 1;
}
exec { 'node' } 'node', "$root/t/browser/portal.mjs" or do {
    plan tests => 1;
    fail("cannot run node: $!");
};
