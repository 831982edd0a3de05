#!/usr/bin/perl
# The admin's import page in headless Chromium: check a file, see its
# problems, import a good one, check it again; both languages, axe-core, a
# phone. t/browser/import.mjs does it and prints the TAP that prove reads.
use strict;
use warnings;
use FindBin;
use lib "$FindBin::Bin/lib";
use PD::Browser;

PD::Browser::run('import.mjs', 'axe-core');
