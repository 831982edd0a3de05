#!/usr/bin/perl
# Every page of every role in the dark theme (the system's choice,
# prefers-color-scheme: dark, emulated): axe-core finds no serious problem,
# contrast included, and each page is shot at 1280 and 390 px in both
# themes. t/browser/dark.mjs prints TAP.
use strict;
use warnings;
use lib "$ENV{PD_ROOT}/t/lib";
use Test::More;
use JSON ();
use PD::Browser;

PD::Browser::need('axe-core');
require PD::Test;
require PD::Fixtures;

# a ticket with a conversation, waiting for the customer, so that its page
# shows the staff's and the customer's entries, an internal note and the
# pills of several states
my $id = PD::Fixtures::create_ticket('cust_a', title => PD::Fixtures::tag('Tema gelap'))->json->{id};
PD::Test::db_do("UPDATE tickets SET status = 'in_progress', tech_id = ?, expert_id = ?, priority = 'urgent', version = version + 1 WHERE id = ?",
    PD::Test::user_id('tech'), PD::Test::user_id('expert'), $id);
PD::Test::api('tech', POST => "/api/tickets/$id/comments", json => { body => 'Log kasir sudah diperiksa.', visibility => 'internal' });
my $r = PD::Test::api('tech', PATCH => "/api/tickets/$id", json => { status => 'waiting_customer', message => 'Mohon kirim foto layar.' });
diag $r->body unless $r->status == 200;
$ENV{PD_TEST_TICKET} = $id;
PD::Browser::run('dark.mjs', 'axe-core');
