#!/usr/bin/perl
# The API reference page (api.html) in headless Chromium
# (t/browser/api-docs.mjs, which prints TAP).
use strict;
use warnings;
use FindBin;
use lib "$FindBin::Bin/lib";
use PD::Browser;

PD::Browser::run('api-docs.mjs', 'axe-core');
