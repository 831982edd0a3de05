#!/usr/bin/perl
# Headless Chromium signs in through the OpenID provider as every role, and
# as people who must not get in, then signs out: t/browser/login.mjs does it
# and prints the TAP that prove reads.
use strict;
use warnings;
use FindBin;
use lib "$FindBin::Bin/lib";
use PD::Browser;

PD::Browser::run('login.mjs');
