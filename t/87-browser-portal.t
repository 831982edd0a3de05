#!/usr/bin/perl
# The portal in headless Chromium, every role signed in through the OpenID
# provider: the whole ticket story across roles (each step seen on the other
# side without a reload), script payloads in every stored field, both
# languages, axe-core and screenshots of every page at two widths.
# t/browser/portal.mjs does it and prints the TAP that prove reads.
use strict;
use warnings;
use FindBin;
use lib "$FindBin::Bin/lib";
use PD::Browser;

PD::Browser::run('portal.mjs', 'axe-core');
