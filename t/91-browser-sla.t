#!/usr/bin/perl
# The service levels in the portal, in headless Chromium: countdown badges
# in both languages, a ticket breaching while its list is open, escalation
# on the ticket page, what a customer sees, the escalated queue, the
# dashboard's tiles and the admin pages of calendars and policies.
# t/browser/sla.mjs does it and prints the TAP that prove reads.
use strict;
use warnings;
use FindBin;
use lib "$FindBin::Bin/lib";
use PD::Browser;

PD::Browser::run('sla.mjs', 'axe-core');
