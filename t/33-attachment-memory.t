#!/usr/bin/perl
# Uploads stream: twenty parallel 10 MiB uploads must not make Apache hold
# their bodies. Holding them would cost at least 200 MiB; the module keeps
# one store chunk (256 KiB) and one read buffer per upload, so Apache's
# private memory grows by a few MiB per upload at most.
#
# Measured as the growth of the private memory (Private_Dirty and
# Private_Clean of /proc/PID/smaps_rollup) of all of Apache's processes,
# sampled every 20 ms while the uploads run, against a baseline taken after
# the same number of small uploads warmed every thread up.
use strict;
use warnings;
use lib 't/lib';
use Test::More;
use Digest::SHA qw(sha256_hex);
use PD::Test;
use PD::Fixtures;

plan skip_all => 'the module runs under a sanitizer, whose own memory use would be measured'
    if $ENV{PD_TEST_HTTPD_PRELOAD};

my $PARALLEL = 20;
my $SIZE = 10 * 1024 * 1024;
my $MiB = 1024 * 1024;

my @tickets = map { create_ticket('cust_a', title => tag("Memori $_"))->json->{id} } 1 .. $PARALLEL;

# warm-up: every thread and the connection pool at work once, in parallel
my @warm = parallel($PARALLEL, sub {
    upload('cust_a', $tickets[$_[0]], [[file => { filename => 'kecil.txt', content => "x\n" x 1000 }]])->status;
});
is_deeply \@warm, [(201) x $PARALLEL], "$PARALLEL small parallel uploads to warm up";
sleep 1;
my $baseline = private_kib();

my $content = join '', map { chr(65 + $_ % 26) x 1024 } 0 .. $SIZE / 1024 - 1;
my $digest = sha256_hex($content);
my ($peak, @got) = private_peak(sub {
    parallel($PARALLEL, sub {
        my $r = upload('cust_a', $tickets[$_[0]], [[file => { filename => 'besar.log', content => $content }]],
            chunked => $_[0] % 2);
        return [$r->status, $r->status == 201 ? $r->json->{items}[0]{sha256} : $r->body];
    });
});

is_deeply [map { $_->[0] } @got], [(201) x $PARALLEL], "$PARALLEL parallel 10 MiB uploads (half of them chunked): all 201";
is_deeply [grep { $_->[1] ne $digest } @got], [], '... each stored whole (SHA-256)';
my $growth = ($peak - $baseline) / 1024;
cmp_ok $peak, '>', 0, 'memory was sampled during the uploads';
cmp_ok $growth, '<', 48, sprintf('Apache\'s private memory grew by %.1f MiB at the peak (holding the bodies: %d MiB)',
    $growth, $PARALLEL * $SIZE / $MiB);
diag sprintf 'baseline %.1f MiB, peak %.1f MiB', $baseline / 1024, $peak / 1024;

done_testing;
