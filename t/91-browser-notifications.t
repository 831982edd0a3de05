#!/usr/bin/perl
# Notifications in headless Chromium (t/browser/notifications.mjs, which
# prints TAP): the bell lighting up for the team when a customer reports a
# ticket, with the team's e-mails in the SMTP sink; the panel and the inbox
# in the reader's language; marking read; preferences saved and honoured;
# the admins' role defaults and dead letters; deliveries on the staff's
# timeline; axe-core and screenshots of every page in both languages.
use strict;
use warnings;
use FindBin;
use lib "$FindBin::Bin/lib";
use PD::Browser;

PD::Browser::run('notifications.mjs', 'axe-core');
