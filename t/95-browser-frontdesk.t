#!/usr/bin/perl
# The organisation in headless Chromium (t/browser/frontdesk.mjs, which
# prints TAP): an admin edits the tree and a unit's contacts, a
# receptionist (a team expert) searches the directory, and an operator (a
# tech with an org unit) sees their unit's cases and no other's. The units,
# the operator's account and two cases are made here first.
use strict;
use warnings;
use FindBin;
use lib "$FindBin::Bin/lib";
use JSON::PP ();
use Test::More;
use PD::Browser;

PD::Browser::need('axe-core');

require PD::Test;
require PD::Fixtures;

my $stamp = "$$";
my $unit = sub {
    my (%b) = @_;
    my $r = PD::Test::api('admin', POST => '/api/org-units', json => \%b);
    die "org unit: $r->{status} $r->{body}" unless $r->{status} == 201;
    return $r->{json}{id};
};
my $office = $unit->(code => "KANTOR-$stamp", name => "Dinas Uji $stamp", type => 'root');
my $aptika = $unit->(code => "APTIKA-$stamp", name => "Bidang Aplikasi $stamp", type => 'bidang', parent_id => $office);
my $warroom = $unit->(code => "WARROOM-$stamp", name => "UPT War Room $stamp", type => 'upt', parent_id => $aptika);
my $sandi = $unit->(code => "SANDI-$stamp", name => "Bidang Persandian $stamp", type => 'bidang', parent_id => $office);
# what the office's cases are filed under
my $client = PD::Test::api('admin', POST => '/api/pharmacies', json => { code => "KANTOR-$stamp", name => "Dinas Uji $stamp" })
    ->{json}{id};
PD::Test::api('admin', PUT => "/api/org-units/$office/front-desk", json => {
    pharmacy_id => $client, module_id => PD::Test::module_id('Penjualan'),
    visitor_category_id => PD::Test::category_id('Bug Sistem'), surat_category_id => PD::Test::category_id('Bug Sistem') });
PD::Test::api('admin', POST => '/api/org-unit-contacts',
    json => { org_unit_id => $aptika, kind => 'lead', name => "Rudi Hartono $stamp", whatsapp_number => '+6281311110002' });

# the operator signs in through the provider (a tech by its claims); their
# unit is an admin's to set, here before the first sign-in
PD::Test::db_do(q{INSERT INTO users (username, name, role_id, org_unit_id, subject, access_source)
                  VALUES ('operator', 'Operator Satu', 3, ?, ?, 'claims')
                  ON CONFLICT (username) DO UPDATE SET org_unit_id = EXCLUDED.org_unit_id},
                $warroom, PD::Test::subject_of('operator'));
my %case;
for my $k (qw(mine other)) {
    my $r = PD::Test::api('expert', POST => '/api/visitors', json => { name => "Tamu $k $stamp",
        purpose => 'Konsultasi', org_unit_id => $k eq 'mine' ? $warroom : $sandi });
    die "visitor: $r->{status} $r->{body}" unless $r->{status} == 201;
    $case{$k} = $r->{json}{ticket_id};
}
# the case of the operator's unit is theirs to work
PD::Test::api('expert', PATCH => "/api/tickets/$case{mine}", json => { tech_id => PD::Test::user_id('operator'),
    note => 'Mohon ditemui di lobi.' });
$ENV{PD_TEST_FRONTDESK} = JSON::PP->new->utf8->encode({ stamp => $stamp, office => $office, aptika => $aptika,
    warroom => $warroom, sandi => $sandi, mine => $case{mine}, other => $case{other} });

PD::Browser::run('frontdesk.mjs', 'axe-core');
