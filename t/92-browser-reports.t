#!/usr/bin/perl
# The Reports page and a pharmacy's service statement, in headless
# Chromium: the manager changes the period, follows a number to its
# tickets and downloads a CSV; both languages, axe-core, a phone, print;
# the customer's statement. t/browser/reports.mjs does it and prints the
# TAP that prove reads.
use strict;
use warnings;
use FindBin;
use lib "$FindBin::Bin/lib";
use PD::Browser;

PD::Browser::run('reports.mjs', 'axe-core');
