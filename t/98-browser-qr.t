#!/usr/bin/perl
# The QR self check-in in headless Chromium (t/browser/qr.mjs, which prints
# TAP): an admin makes a desk code and opens its print page (the QR code
# drawn), a visitor without an account opens the check-in address on a
# phone, fills the form and sees their case number, and a revoked code's
# page says it is no longer valid. The office, its unit and its front
# desk settings are made here first.
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
my $fd = PD::Fixtures::front_desk_office("Dinas QR $stamp", [aptika => "Bidang Aplikasi $stamp", 'bidang']);
my ($office, $aptika) = @$fd{qw(office aptika)};
# the page's requests all come from one address, as the other tests' do
PD::Test::db_do('DELETE FROM checkin_hits');
$ENV{PD_TEST_QR} = JSON::PP->new->utf8->encode({ stamp => $stamp, office => $office, aptika => $aptika });

PD::Browser::run('qr.mjs', 'axe-core');
