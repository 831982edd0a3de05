#!/usr/bin/perl
# The admin's webhook page in headless Chromium (t/browser/webhooks.mjs,
# which prints TAP), against a receiver on loopback that fails three times
# before it takes deliveries.
use strict;
use warnings;
use FindBin;
use lib "$FindBin::Bin/lib";
use JSON::PP ();
use Test::More;
use PD::Browser;

PD::Browser::need('axe-core');
my $root = $ENV{PD_ROOT};

require PD::Test;
require PD::Fixtures;
require PD::WebhookSink;

my $sink = PD::WebhookSink->start(dir => "$ENV{PD_TEST_RUN_DIR}/webhook-sink-browser-$$");
$sink->reply('/browser' => { status => 500, times => 3 });
$ENV{PD_TEST_WEBHOOK_URL} = $sink->url('');
$ENV{PD_TEST_TICKET_BODY} = JSON::PP->new->utf8->encode(PD::Fixtures::ticket_body('admin'));

# system, not exec: the receiver stops when this script ends
my $rc = system { 'node' } 'node', "$root/t/browser/webhooks.mjs";
$sink->stop;
if ($rc == -1) {
    plan tests => 1;
    fail("cannot run node: $!");
    exit 1;
}
exit($rc >> 8);
