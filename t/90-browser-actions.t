#!/usr/bin/perl
# The portal cannot drift from the API: for each role and each state of a
# ticket, the controls a ticket's page shows are exactly what the API says
# the caller may do (GET /api/tickets/{id} "allowed"), and the menu is the
# pages GET /api/me names. The tickets are put in their states here;
# t/browser/actions.mjs signs in as each role, compares, and prints TAP.
use strict;
use warnings;
use lib "$ENV{PD_ROOT}/t/lib";
use Test::More;
use JSON ();

plan skip_all => 'PD_TEST_URL is not set: run through scripts/test' unless $ENV{PD_TEST_URL};

my $root = $ENV{PD_ROOT};
for my $need ("$root/t/browser/node_modules/playwright-core", $ENV{PD_CHROMIUM} // '/usr/bin/chromium') {
    next if -e $need;
    plan tests => 1;
    fail("$need is missing: scripts/test installs it");
    exit 1;
}

require PD::Test;
require PD::Fixtures;

# Every status, with the tech and expert a ticket there has, and the states
# where a move needs a tech the ticket lacks.
my @states = (
    [open => 0], [in_review => 0], [in_progress => 1], [waiting_customer => 1], [waiting_customer => 0],
    [solved => 1], [closed => 1], [closed => 0], [cancelled => 0],
);
my ($tech, $expert) = map { PD::Test::user_id($_) } qw(tech expert);
my @tickets;
for my $s (@states) {
    my ($status, $with_tech) = @$s;
    my $id = PD::Fixtures::create_ticket('cust_a', title => PD::Fixtures::tag("Tindakan $status"))->json->{id};
    PD::Test::db_do('UPDATE tickets SET status = ?, tech_id = ?, expert_id = ?, version = version + 1 WHERE id = ?',
        $status, $with_tech ? $tech : undef, $status eq 'open' ? undef : $expert, $id);
    push @tickets, { id => $id, state => $status . ($with_tech ? ', with a tech' : '') };
}
$ENV{PD_TEST_TICKETS} = JSON->new->canonical->encode(\@tickets);

exec { 'node' } 'node', "$root/t/browser/actions.mjs" or do {
    plan tests => 1;
    fail("cannot run node: $!");
};
