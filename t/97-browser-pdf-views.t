#!/usr/bin/perl
# A PDF in a new tab, saved views managed in their dialog, the notification
# defaults' event names and typed names in selects, in headless Chromium
# (t/browser/pdf-views.mjs, which prints TAP).
use strict;
use warnings;
use FindBin;
use lib "$FindBin::Bin/lib";
use PD::Browser;

PD::Browser::run('pdf-views.mjs', 'axe-core');
