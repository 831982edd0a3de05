#!/usr/bin/perl
# The ticket page's one composer, in headless Chromium: a message, its
# files and the move that goes with it in one send, what was and was not
# sent said when a step fails (nothing typed lost), the defaults by role;
# and every ticket page in the dark theme too, checked by axe-core. The
# tickets are put in their states here; t/browser/composer.mjs prints TAP.
use strict;
use warnings;
use lib "$ENV{PD_ROOT}/t/lib";
use Test::More;
use JSON ();
use MIME::Base64 ();
use PD::Browser;

PD::Browser::need('axe-core');
require PD::Test;
require PD::Fixtures;

my ($tech, $expert) = map { PD::Test::user_id($_) } qw(tech expert);
my %ids;
for my $name (qw(waiting solve edit race stale stuck)) {
    my $id = PD::Fixtures::create_ticket('cust_a', title => PD::Fixtures::tag("Penyusun $name"))->json->{id};
    # the ones to edit are in review with the expert: their forward asks for a tech
    PD::Test::db_do("UPDATE tickets SET status = ?, tech_id = ?, expert_id = ?, version = version + 1 WHERE id = ?",
        $name =~ /^(edit|race|stale|stuck)$/ ? ('in_review', undef) : ('in_progress', $tech), $expert, $id);
    $ids{$name} = $id;
}
# an image on the ticket to be solved, for the viewer
my $png = MIME::Base64::decode_base64('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==');
my $up = PD::Fixtures::upload('cust_a', $ids{solve}, [[file => { filename => 'layar-kasir.png', content => $png, type => 'image/png' }]]);
diag $up->body unless $up->status == 201;
$ENV{PD_TEST_TICKETS} = JSON->new->canonical->encode(\%ids);
PD::Browser::run('composer.mjs', 'axe-core');
