#!/usr/bin/perl
# Lists for triage in the portal, in headless Chromium: the compact rows'
# columns, a staff queue by what needs action first with its count, picking
# rows and changing them at once, a saved view in the menu with its count,
# the keyboard shortcuts (and their staying out of the way of typing), and a
# customer's tickets waiting for them first and marked; axe-core, both
# languages, screenshots at 390 and 1280 px. The tickets are put in their
# states here; t/browser/triage.mjs does the rest and prints TAP.
use strict;
use warnings;
use FindBin;
use lib "$FindBin::Bin/lib";
use JSON ();
use PD::Browser;

PD::Browser::need('axe-core');
require PD::Test;
require PD::Fixtures;

my $stamp = PD::Fixtures::tag('Triase');
my $expert = PD::Test::user_id('expert');
my @made;
# [priority, status, days old]: the review queue's rows of this test
for my $t ([low => 'open', 9], [urgent => 'in_review', 2], [high => 'open', 5], [urgent => 'open', 7],
           [medium => 'waiting_customer', 3]) {
    my ($prio, $status, $days) = @$t;
    my $id = PD::Fixtures::create_ticket('cust_a', title => "$stamp $prio $status")->json->{id};
    PD::Test::db_do(q{UPDATE tickets SET priority = ?, status = ?, expert_id = ?,
                          created_at = now() - make_interval(days => ?), version = version + 1 WHERE id = ?},
        $prio, $status, $status eq 'open' ? undef : $expert, $days, $id);
    push @made, { id => $id, priority => $prio, status => $status, days => $days };
}
$ENV{PD_TEST_TRIAGE} = JSON->new->canonical->encode({ stamp => $stamp, tickets => \@made });
PD::Browser::run('triage.mjs', 'axe-core');
