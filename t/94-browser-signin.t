#!/usr/bin/perl
# The development provider's sign-in page, the first page every new user
# sees: in both languages (the browser's, or chosen on the page), light and
# dark, at 390 and 1280 px, axe-core clean and no wider than a phone; a
# wrong password said in the page's language. t/browser/signin.mjs prints TAP.
use strict;
use warnings;
use lib "$ENV{PD_ROOT}/t/lib";
use Test::More;
use PD::Browser;

PD::Browser::run('signin.mjs', 'axe-core');
