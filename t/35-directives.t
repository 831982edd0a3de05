#!/usr/bin/perl
# The Pharmadesk* directives refuse what they cannot mean, with the message
# that says what they take: each line below is checked by "apache2 -t" on
# the test configuration with one directive added at its end.
use strict;
use warnings;
use lib 't/lib';
use Test::More;
use PD::Test;

sub configtest {
    my ($line) = @_;
    local $ENV{LD_PRELOAD} = $ENV{PD_TEST_HTTPD_PRELOAD} if $ENV{PD_TEST_HTTPD_PRELOAD};
    my $pid = open(my $fh, '-|') // die "fork: $!";
    if (!$pid) {
        open STDERR, '>&', \*STDOUT;
        exec 'apache2', '-t', '-f', $ENV{PD_TEST_HTTPD_CONF}, '-C', 'ServerName localhost', '-c', $line
            or print "exec: $!\n";
        POSIX::_exit(127);
    }
    my $out = do { local $/; <$fh> } // '';
    close $fh;
    return ($? >> 8, $out);
}

for my $good ('PharmadeskAttachmentMaxSize 1', 'PharmadeskAttachmentMaxSize 1073741824',
              'PharmadeskAttachmentMaxFiles 100', 'PharmadeskAttachmentTicketMax 1099511627776',
              'PharmadeskAttachmentTypes png JPEG text', 'PharmadeskMaxJsonBody 1024',
              'PharmadeskOIDCAccessTokenType application/at+jwt',
              'PharmadeskOIDCAccessTokenClaims client_id scope=pharmadesk typ=Bearer',
              'PharmadeskOIDCIDTokenClaims nonce at_hash', 'PharmadeskOIDCIDTokenClaims none') {
    my ($rc, $out) = configtest($good);
    is $rc, 0, "'$good' is accepted" or diag $out;
}
for my $case (
    ['PharmadeskAttachmentMaxSize 0', qr/PharmadeskAttachmentMaxSize must be a byte count/],
    ['PharmadeskAttachmentMaxSize 1073741825', qr/PharmadeskAttachmentMaxSize must be a byte count/],
    ['PharmadeskAttachmentMaxSize 10M', qr/PharmadeskAttachmentMaxSize must be a byte count/],
    ['PharmadeskAttachmentMaxSize -5', qr/PharmadeskAttachmentMaxSize must be a byte count/],
    ['PharmadeskAttachmentMaxFiles 0', qr/PharmadeskAttachmentMaxFiles must be a number of files/],
    ['PharmadeskAttachmentMaxFiles 101', qr/PharmadeskAttachmentMaxFiles must be a number of files/],
    ['PharmadeskAttachmentTicketMax 1099511627777', qr/PharmadeskAttachmentTicketMax must be a byte count/],
    ['PharmadeskAttachmentTypes png svg', qr/PharmadeskAttachmentTypes takes png, jpeg/],
    ['PharmadeskAttachmentTypes html', qr/PharmadeskAttachmentTypes takes png, jpeg/],
    ['PharmadeskMaxJsonBody 65536x', qr/PharmadeskMaxJsonBody must be a byte count/],
    ['PharmadeskMaxJsonBody 100', qr/PharmadeskMaxJsonBody must be a byte count/],
    ['PharmadeskOIDCAccessTokenType at jwt', qr/takes one argument/],
    ['PharmadeskOIDCAccessTokenType "at+jwt;x"', qr/PharmadeskOIDCAccessTokenType must be a media type/],
    ['PharmadeskOIDCAccessTokenClaims', qr/PharmadeskOIDCAccessTokenClaims takes at least one claim/],
    ['PharmadeskOIDCAccessTokenClaims client_id "scope=a b"', qr/PharmadeskOIDCAccessTokenClaims takes claim names/],
    ['PharmadeskOIDCAccessTokenClaims =x', qr/PharmadeskOIDCAccessTokenClaims takes claim names/],
    ['PharmadeskOIDCAccessTokenClaims scope=', qr/PharmadeskOIDCAccessTokenClaims takes claim names/],
    ['PharmadeskOIDCAccessTokenClaims \'scope="x"\'', qr/PharmadeskOIDCAccessTokenClaims takes claim names/],
    ['PharmadeskOIDCIDTokenClaims', qr/PharmadeskOIDCIDTokenClaims takes claim names/],
    ['PharmadeskOIDCIDTokenClaims none nonce', qr/PharmadeskOIDCIDTokenClaims takes claim names/],
    ['PharmadeskOIDCIDTokenClaims nonce/x', qr/PharmadeskOIDCIDTokenClaims takes claim names/],
) {
    my ($line, $message) = @$case;
    my ($rc, $out) = configtest($line);
    ok $rc != 0 && $out =~ $message, "'$line' is refused with its message" or diag $out;
}

done_testing;
