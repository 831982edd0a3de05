#!/usr/bin/perl
# The Pharmadesk* directives refuse what they cannot mean, with the message
# that says what they take: each line below is checked by "apache2 -t" on
# the test configuration with one directive added at its end. And each
# default is stated the same in the module (apache2 -L), in
# conf/pharmadesk.conf and in the documentation's directive table.
use strict;
use warnings;
use lib 't/lib';
use Test::More;
use PD::Test;

# apache2 on the test configuration with these arguments: exit code, output.
sub apache2 {
    my @args = @_;
    return apache2_capture('-f', $ENV{PD_TEST_HTTPD_CONF}, '-C', 'ServerName localhost', @args);
}

sub configtest { my @lines = @_; return apache2('-t', map { ('-c', $_) } @lines) }

# Password files for PharmadeskSmtpPasswordFile: root's alone, or not.
use File::Temp qw(tempdir);
my $tmp = tempdir(CLEANUP => 1);
sub secret_file {
    my ($name, $mode, $content) = @_;
    open my $fh, '>', "$tmp/$name" or die "$tmp/$name: $!";
    print $fh $content;
    close $fh;
    chmod $mode, "$tmp/$name";
    return "$tmp/$name";
}
my $good_secret = secret_file('good', 0600, "s3cret pass\nignored second line\n");
my $shared_secret = secret_file('group', 0640, "s3cret\n");
my $world_secret = secret_file('world', 0604, "s3cret\n");
my $empty_secret = secret_file('empty', 0600, "\n");

for my $good ('PharmadeskAttachmentMaxSize 1', 'PharmadeskAttachmentMaxSize 1073741824',
              'PharmadeskAttachmentMaxFiles 100', 'PharmadeskAttachmentTicketMax 1099511627776',
              'PharmadeskAttachmentTypes png JPEG text', 'PharmadeskMaxJsonBody 1024',
              'PharmadeskOIDCAccessTokenType application/at+jwt',
              'PharmadeskOIDCAccessTokenClaims client_id scope=pharmadesk typ=Bearer',
              'PharmadeskOIDCIDTokenClaims nonce at_hash', 'PharmadeskOIDCIDTokenClaims none',
              'PharmadeskMailFrom helpdesk+notify@mail.example-pharmacy.co.id',
              qq{PharmadeskMailFromName "Layanan Pharmadesk \xC2\xB7 Apotek"},
              'PharmadeskSmtpUrl smtps://mail.example.org:465', 'PharmadeskSmtpUrl smtp://[::1]:2525/desk.example.org',
              'PharmadeskSmtpStartTLS required', 'PharmadeskSmtpTimeout 600',
              'PharmadeskPortalUrl https://helpdesk.example.org/desk',
              'PharmadeskNotifyFanoutBatch 1', 'PharmadeskNotifyFanoutBatch 5000',
              'PharmadeskWhatsAppApiUrl https://graph.example.org:8443/proxy',
              'PharmadeskWhatsAppApiUrl http://127.0.0.1:9999', 'PharmadeskWhatsAppApiVersion v22.0',
              'PharmadeskWhatsAppTemplate ticket_update_2', 'PharmadeskWhatsAppTimeout 600',
              'PharmadeskWhatsAppMaxBody 1024', 'PharmadeskWhatsAppRateLimit 1',
              qq{PharmadeskWhatsAppCategory "Operasional Apotek"}, 'PharmadeskWhatsAppModule Penjualan',
              'PharmadeskWebhookTimeout 1', 'PharmadeskWebhookTimeout 60',
              'PharmadeskWebhookAllowNetworks none', 'PharmadeskWebhookAllowNetworks 10.1.2.0/24',
              'PharmadeskWebhookAllowNetworks 127.0.0.0/8 ::1 fd00::/8 192.168.1.7',
              'PharmadeskSlaInterval 1', 'PharmadeskSlaInterval 3600', 'PharmadeskSlaBatch 10000',
              'PharmadeskSlaAtRiskPercent 1', 'PharmadeskSlaAtRiskPercent 99',
              'PharmadeskCheckinWindow 60', 'PharmadeskCheckinWindow 86400',
              'PharmadeskCheckinClientLimit 1', 'PharmadeskCheckinTokenLimit 1000000') {
    my ($rc, $out) = configtest($good);
    is $rc, 0, "'$good' is accepted" or diag $out;
}
{
    my ($rc, $out) = configtest('PharmadeskSmtpUser pharmadesk@example.org', "PharmadeskSmtpPasswordFile $good_secret");
    is $rc, 0, 'an SMTP user with a password file of root\'s alone is accepted' or diag $out;
    unlike $out, qr/s3cret/, 'the password is never shown';
}
{
    my ($rc, $out) = configtest('PharmadeskWhatsAppPhoneNumberId 106540352242922',
        "PharmadeskWhatsAppTokenFile $good_secret", "PharmadeskWhatsAppAppSecretFile $good_secret",
        "PharmadeskWhatsAppVerifyTokenFile $good_secret");
    is $rc, 0, 'WhatsApp with its secrets in files of root\'s alone is accepted' or diag $out;
    unlike $out, qr/s3cret/, 'the secrets are never shown';
}
# the QR self check-in's signing secret: root's alone, and long enough
my $desk_secret = secret_file('desk', 0600, ('k' x 43) . "\n");
{
    my ($rc, $out) = configtest("PharmadeskDeskTokenSecretFile $desk_secret");
    is $rc, 0, 'a desk token secret in a file of root\'s alone is accepted' or diag $out;
    unlike $out, qr/kkkkkkkk/, 'the secret is never shown';
}
for my $case (
    ["PharmadeskDeskTokenSecretFile $good_secret", qr/PharmadeskDeskTokenSecretFile: the secret must be at least 32 characters/],
    ["PharmadeskDeskTokenSecretFile $shared_secret", qr/PharmadeskDeskTokenSecretFile \S+ must belong to root and be readable by it alone/],
    ['PharmadeskCheckinWindow 59', qr/PharmadeskCheckinWindow must be a number of seconds from 60 to 86400/],
    ['PharmadeskCheckinClientLimit 0', qr/PharmadeskCheckinClientLimit must be a number of requests/],
    ['PharmadeskCheckinTokenLimit 0', qr/PharmadeskCheckinTokenLimit must be a number of check-ins/],
) {
    my ($line, $message) = @$case;
    my ($rc, $out) = configtest($line);
    ok $rc != 0 && $out =~ $message, "'$line' is refused with its message" or diag $out;
}
for my $case (
    ['PharmadeskWhatsAppApiUrl http://graph.facebook.com', qr/PharmadeskWhatsAppApiUrl must be an https:/],
    ['PharmadeskWhatsAppApiUrl https://graph.facebook.com/', qr/PharmadeskWhatsAppApiUrl must be an https:/],
    ['PharmadeskWhatsAppApiUrl https://token@graph.facebook.com', qr/PharmadeskWhatsAppApiUrl must be an https:/],
    ['PharmadeskWhatsAppApiVersion 21.0', qr/PharmadeskWhatsAppApiVersion must be a Graph API version/],
    ['PharmadeskWhatsAppPhoneNumberId +6281234567890', qr/PharmadeskWhatsAppPhoneNumberId must be the phone number's id/],
    ['PharmadeskWhatsAppTemplate Ticket-Update', qr/PharmadeskWhatsAppTemplate must be a template's name/],
    ['PharmadeskWhatsAppTimeout 0', qr/PharmadeskWhatsAppTimeout must be a number of seconds from 1 to 600/],
    ['PharmadeskWhatsAppMaxBody 100', qr/PharmadeskWhatsAppMaxBody must be a byte count/],
    ['PharmadeskWhatsAppRateLimit 0', qr/PharmadeskWhatsAppRateLimit must be a number of requests/],
    ['PharmadeskWhatsAppPhoneNumberId 106540352242922', qr/PharmadeskWhatsAppPhoneNumberId needs PharmadeskWhatsAppTokenFile/],
    ["PharmadeskWhatsAppTokenFile $good_secret", qr/PharmadeskWhatsAppTokenFile needs PharmadeskWhatsAppPhoneNumberId/],
    ["PharmadeskWhatsAppTokenFile $shared_secret", qr/PharmadeskWhatsAppTokenFile \S+ must belong to root and be readable by it alone/],
    ["PharmadeskWhatsAppAppSecretFile $world_secret", qr/PharmadeskWhatsAppAppSecretFile \S+ must belong to root and be readable by it alone/],
    ["PharmadeskWhatsAppVerifyTokenFile $empty_secret", qr/PharmadeskWhatsAppVerifyTokenFile \S+ must hold the verify token on its first line/],
    ["PharmadeskWhatsAppAppSecretFile $good_secret", qr/PharmadeskWhatsAppAppSecretFile needs PharmadeskWhatsAppVerifyTokenFile/],
) {
    my ($line, $message) = @$case;
    my ($rc, $out) = configtest($line);
    ok $rc != 0 && $out =~ $message, "'$line' is refused with its message" or diag $out;
}
{
    # the webhook needs the number it serves
    my ($rc, $out) = configtest("PharmadeskWhatsAppAppSecretFile $good_secret",
        "PharmadeskWhatsAppVerifyTokenFile $good_secret");
    ok $rc != 0 && $out =~ /PharmadeskWhatsAppAppSecretFile needs PharmadeskWhatsAppPhoneNumberId/,
        'a webhook without the phone number id is refused' or diag $out;
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
    ['PharmadeskMailFrom helpdesk', qr/PharmadeskMailFrom must be an e-mail address/],
    ['PharmadeskMailFrom "Desk <desk@example.org>"', qr/PharmadeskMailFrom must be an e-mail address/],
    ['PharmadeskMailFrom desk@example.org,evil@example.org', qr/PharmadeskMailFrom must be an e-mail address/],
    ['PharmadeskMailFromName ""', qr/PharmadeskMailFromName takes one argument/],
    ['PharmadeskMailFromName ' . ('x' x 101), qr/PharmadeskMailFromName must be 1 to 100 characters/],
    ['PharmadeskSmtpUrl http://mail.example.org', qr/PharmadeskSmtpUrl must be smtp:/],
    ['PharmadeskSmtpUrl smtp://user:secret@mail.example.org', qr/PharmadeskSmtpUrl must be smtp:.*without credentials/],
    ['PharmadeskSmtpUrl smtp://mail.example.org:0', qr/PharmadeskSmtpUrl must be smtp:/],
    ['PharmadeskSmtpUrl smtp://mail.example.org:65536', qr/PharmadeskSmtpUrl must be smtp:/],
    ['PharmadeskSmtpUrl smtp://', qr/PharmadeskSmtpUrl must be smtp:/],
    ['PharmadeskSmtpUrl smtp://mail.example.org/?x=1', qr/PharmadeskSmtpUrl must be smtp:/],
    ['PharmadeskSmtpStartTLS yes', qr/PharmadeskSmtpStartTLS must be off, try or required/],
    ['PharmadeskNotifyFanoutBatch 0', qr/PharmadeskNotifyFanoutBatch must be a number from 1 to 5000/],
    ['PharmadeskNotifyFanoutBatch 5001', qr/PharmadeskNotifyFanoutBatch must be a number from 1 to 5000/],
    ['PharmadeskSmtpTimeout 0', qr/PharmadeskSmtpTimeout must be a number of seconds from 1 to 600/],
    ['PharmadeskSmtpTimeout 601', qr/PharmadeskSmtpTimeout must be a number of seconds from 1 to 600/],
    ['PharmadeskSmtpUser "a b"', qr/PharmadeskSmtpUser must be 1 to 255 characters without spaces/],
    ['PharmadeskSmtpUser pharmadesk', qr/PharmadeskSmtpUser needs PharmadeskSmtpPasswordFile/],
    ["PharmadeskSmtpPasswordFile $good_secret", qr/PharmadeskSmtpPasswordFile needs PharmadeskSmtpUser/],
    ["PharmadeskSmtpPasswordFile $shared_secret", qr/PharmadeskSmtpPasswordFile \S+ must belong to root and be readable by it alone/],
    ["PharmadeskSmtpPasswordFile $world_secret", qr/PharmadeskSmtpPasswordFile \S+ must belong to root and be readable by it alone/],
    ["PharmadeskSmtpPasswordFile $empty_secret", qr/PharmadeskSmtpPasswordFile \S+ must hold the password on its first line/],
    ["PharmadeskSmtpPasswordFile $tmp", qr/PharmadeskSmtpPasswordFile \S+ is not a file/],
    ["PharmadeskSmtpPasswordFile $tmp/missing", qr/PharmadeskSmtpPasswordFile \S+: No such file/],
    ['PharmadeskPortalUrl helpdesk.example.org', qr/PharmadeskPortalUrl must be the portal's absolute/],
    ['PharmadeskPortalUrl https://', qr/PharmadeskPortalUrl must be the portal's absolute/],
    ['PharmadeskPortalUrl https://helpdesk.example.org/#/t', qr/PharmadeskPortalUrl must be the portal's absolute/],
    ['PharmadeskPortalUrl javascript:alert(1)', qr/PharmadeskPortalUrl must be the portal's absolute/],
    ['PharmadeskSlaInterval 0', qr/PharmadeskSlaInterval must be a number of seconds from 1 to 3600/],
    ['PharmadeskSlaInterval 1m', qr/PharmadeskSlaInterval must be a number of seconds from 1 to 3600/],
    ['PharmadeskSlaBatch 10001', qr/PharmadeskSlaBatch must be a number from 1 to 10000/],
    ['PharmadeskSlaAtRiskPercent 100', qr/PharmadeskSlaAtRiskPercent must be a percentage from 1 to 99/],
    ['PharmadeskSlaAtRiskPercent 0', qr/PharmadeskSlaAtRiskPercent must be a percentage from 1 to 99/],
    ['PharmadeskWebhookTimeout 0', qr/PharmadeskWebhookTimeout must be a number of seconds from 1 to 60/],
    ['PharmadeskWebhookTimeout 61', qr/PharmadeskWebhookTimeout must be a number of seconds from 1 to 60/],
    ['PharmadeskWebhookTimeout 5s', qr/PharmadeskWebhookTimeout must be a number of seconds from 1 to 60/],
    ['PharmadeskWebhookAllowNetworks', qr/PharmadeskWebhookAllowNetworks takes networks such as/],
    ['PharmadeskWebhookAllowNetworks none 10.0.0.0/8', qr/PharmadeskWebhookAllowNetworks: none is not a network/],
    ['PharmadeskWebhookAllowNetworks 10.1.0.0/8', qr{PharmadeskWebhookAllowNetworks: 10\.1\.0\.0/8 is not a network}],
    ['PharmadeskWebhookAllowNetworks 10.0.0.0/33', qr{PharmadeskWebhookAllowNetworks: 10\.0\.0\.0/33 is not a network}],
    ['PharmadeskWebhookAllowNetworks intranet.example.org', qr/PharmadeskWebhookAllowNetworks: intranet\.example\.org is not a network/],
) {
    my ($line, $message) = @$case;
    my ($rc, $out) = configtest($line);
    ok $rc != 0 && $out =~ $message, "'$line' is refused with its message" or diag $out;
}

# Each directive's default is written once, in src/mod_pd.h (DEF_*): the
# configuration's defaults are made of it, and the directive table
# (mod_pharmadesk.c) ends the directive's help with it; conf/pharmadesk.conf
# and the directive table of the documentation say the same.
my ($rc, $list) = apache2('-L');
is $rc, 0, 'apache2 -L lists the directives' or diag $list;
my %default;
while ($list =~ /^(Pharmadesk\w+) \(mod_pharmadesk\.c\)\n\t(.*)$/mg) {
    my ($name, $help) = ($1, $2);
    ok $help =~ /\(default (.+)\)$/, "${name}'s help states its default" or diag $help;
    $default{$name} = $1;
}
cmp_ok scalar(keys %default), '>=', 18, 'every directive is listed';
my @types = split ' ', $default{PharmadeskAttachmentTypes} // '';
my ($takes) = (configtest('PharmadeskAttachmentTypes svg'))[1] =~ /AttachmentTypes takes (.*)$/m;
is_deeply [sort split /,? (?:and )?/, $takes // ''], [sort @types],
    'the default types are every type the directive takes';

# the same value, whatever order a list is written in
sub same { my ($name, $value) = @_;
    return $name eq 'PharmadeskAttachmentTypes'
        ? join(' ', sort split ' ', $value) eq join(' ', sort @types)
        : $value eq $default{$name} }

open my $conf, '<', "$ENV{PD_ROOT}/conf/pharmadesk.conf" or die "conf/pharmadesk.conf: $!";
my $stated = 0;
while (<$conf>) {
    next unless /^\s*(Pharmadesk\w+)\s+(.*?)\s*$/;
    ok exists $default{$1} && same($1, $2), "conf/pharmadesk.conf: $1 $2 is the default"
        or diag "the default is " . ($default{$1} // 'unknown');
    $stated++;
}
ok $stated, 'conf/pharmadesk.conf states defaults';

# the table headed "| directive | default |" in the README or docs/
my $rows = 0;
for my $doc (glob("$ENV{PD_ROOT}/README.md $ENV{PD_ROOT}/docs/*.md")) {
    open my $fh, '<', $doc or die "$doc: $!";
    my $in = 0;
    while (<$fh>) {
        $in = 1, next if /^\| directive \| default \|/;
        $in = 0 unless /^\|/;
        next unless $in && /^\| `(Pharmadesk\w+)`[^|]*\| (.*?) \|/;
        my ($name, $cell) = ($1, $2);
        (my $value = $cell) =~ s/`//g;
        $value = $default{$name} if $value eq 'all' && $name eq 'PharmadeskAttachmentTypes';
        ok exists $default{$name} && same($name, $value), "the documented default of $name"
            or diag "documented $cell, the default is " . ($default{$name} // 'unknown');
        $rows++;
    }
}
is $rows, scalar(keys %default), 'the documentation\'s table has every directive';

done_testing;
