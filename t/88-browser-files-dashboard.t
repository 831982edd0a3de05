#!/usr/bin/perl
# The portal's attachments and dashboard in headless Chromium
# (t/browser/files-dashboard.mjs, which prints TAP).
use strict;
use warnings;
use FindBin;
use lib "$FindBin::Bin/lib";
use PD::Browser;

PD::Browser::run('files-dashboard.mjs');
