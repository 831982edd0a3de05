#!/usr/bin/perl
# A new case for a unit reaches its lead and backup contacts who are no
# users (a name with a WhatsApp number) on WhatsApp, against the fake of
# the Cloud API t/63-whatsapp.t uses: once per case and contact, in
# Indonesian, the case's number and purpose and never the visitor's
# identity number; through the deliveries (retried after a 5xx); not a
# contact of another kind or unit, nor one without a number; not a
# helpdesk ticket; one removed before the send is told nothing.
use strict;
use warnings;
use utf8;
use lib "$ENV{PD_ROOT}/t/lib";
use Test::More;
use File::Temp qw(tempdir);
use PD::Test;
use PD::Fixtures;
use PD::FakeGraph;

my $conf = $ENV{PD_TEST_HTTPD_CONF};
my $original = read_file($conf);
my $PHONE_ID = '106540352242922';
my $TOKEN = 'EAAGfakeToken' . $$;
my $tmp = tempdir(CLEANUP => 1);
open my $fh, '>', "$tmp/token" or die "$tmp/token: $!";
print $fh "$TOKEN\n";
close $fh;
chmod 0600, "$tmp/token";
my $graph = PD::FakeGraph->start(dir => "$tmp/graph", version => 'v21.0', phone => $PHONE_ID,
    token => $TOKEN, template => 'pharmadesk_ticket_update', params => 4);
restart_with($conf, $original . join "\n", '', '# t/59-contact-whatsapp.t',
    'PharmadeskWhatsAppApiUrl ' . $graph->url, 'PharmadeskWhatsAppApiVersion v21.0',
    "PharmadeskWhatsAppPhoneNumberId $PHONE_ID", "PharmadeskWhatsAppTokenFile $tmp/token",
    'PharmadeskWhatsAppTimeout 5', '');
END { restart_with($conf, $original) if $original && $conf && read_file($conf) ne $original }

my $fd = front_desk_office('Dinas Uji WA', [aptika => 'Bidang Aplikasi WA', 'bidang'],
                           [sandi => 'Bidang Persandian WA', 'bidang']);
my $n = 0;
sub number { sprintf '+62813%03d%04d', $$ % 1000, ++$n }
sub contact {
    my (%b) = @_;
    my $r = api('admin', POST => '/api/org-unit-contacts', json => \%b);
    is $r->status, 201, "a $b{kind} contact" or diag $r->body;
    return $r->json;
}
my $lead = contact(org_unit_id => $fd->{aptika}, kind => 'lead', name => 'Rudi Hartono', whatsapp_number => number());
my $backup = contact(org_unit_id => $fd->{aptika}, kind => 'backup', name => 'Nur Aini', whatsapp_number => number());
# not told: a backup without a number, the unit's receptionist, another unit's lead
contact(org_unit_id => $fd->{aptika}, kind => 'backup', name => 'Tanpa Nomor');
contact(org_unit_id => $fd->{aptika}, kind => 'receptionist', name => 'Resepsionis', whatsapp_number => number());
contact(org_unit_id => $fd->{sandi}, kind => 'lead', name => 'Lead Sandi', whatsapp_number => number());

# The contacts' WhatsApp deliveries of a ticket: [contact, status, attempts, last_error]
sub contact_deliveries {
    my ($tid) = @_;
    return [map { [@$_] } db_query(q{SELECT d.contact_id, d.status, d.attempts, d.last_error FROM notify_deliveries d
        WHERE d.ticket_id = ? AND d.channel = 'whatsapp' AND d.contact_id IS NOT NULL ORDER BY d.contact_id}, $tid)];
}

# ---- a visitor's case --------------------------------------------------------------------

$graph->clear;
$graph->reply('503');
my $r = api('expert', POST => '/api/visitors', json => { name => 'Siti Aminah', id_number => '3273014501900002',
    institution => 'SMKN 4 Bandung', purpose => 'Konsultasi aplikasi perizinan', org_unit_id => $fd->{aptika} });
is $r->status, 201, 'a visitor for the unit checks in' or diag $r->body;
my $v = $r->json;
ok whatsapp_settled($v->{ticket_id}), 'the case\'s messages are sent';
my $d = contact_deliveries($v->{ticket_id});
is_deeply [map { [@$_[0, 1]] } @$d], [[$lead->{id}, 'sent'], [$backup->{id}, 'sent']],
    'the unit\'s lead and backup who are no users: one message each';
is_deeply [sort map { $_->[2] } @$d], [1, 2], '... one at the second attempt, after a 503';
my @req = grep { $_->{status} == 200 } $graph->requests;
is scalar(@req), 2, 'the API took two messages';
my %to = map { $_->{body}{to} => $_ } @req;
(my $lead_to = $lead->{whatsapp_number}) =~ s/^\+//;
(my $backup_to = $backup->{whatsapp_number}) =~ s/^\+//;
is_deeply [sort keys %to], [sort $lead_to, $backup_to], '... to the lead\'s and the backup\'s numbers';
my $q = $to{$lead_to};
is_deeply $q->{problems}, [], '... in Meta\'s documented format' or diag explain $q;
is $q->{body}{template}{language}{code}, 'id', '... in Bahasa Indonesia';
my @p = map { $_->{text} } @{ $q->{body}{template}{components}[0]{parameters} };
is $p[0], $v->{ticket_number}, '{{1}} the case\'s number';
is $p[1], 'Konsultasi aplikasi perizinan', '{{2}} the visitor\'s purpose';
is $p[2], 'Kasus baru dari meja depan untuk Bidang Aplikasi WA. Mohon segera ditindaklanjuti.', '{{3}} a line naming the unit';
like $p[3], qr{/#/t/$v->{ticket_id}$}, '{{4}} the link';
ok !grep({ $PD::Test::JSON->encode($_->{body}) =~ /3273014501900002|45019/ } $graph->requests),
    'no message holds the identity number, whole or in part';

# the fan-out again (an event repeated): nobody is told twice
db_do(q{INSERT INTO notify_outbox (event, ticket_id, activity_id)
        SELECT 'ticket_created', ?, min(id) FROM ticket_activities WHERE ticket_id = ?}, $v->{ticket_id}, $v->{ticket_id});
ok whatsapp_settled($v->{ticket_id}), 'the same event fanned out again';
is scalar(@{ contact_deliveries($v->{ticket_id}) }), 2, '... once per case and contact still';

# ---- a letter; a helpdesk ticket; a contact removed meanwhile --------------------------------

$graph->clear;
$r = api('expert', POST => '/api/surat', json => { number => "045/WA/$$", letter_date => '2026-11-30',
    sender => 'Camat', subject => 'Undangan rapat koordinasi', org_unit_id => $fd->{aptika} });
my $s = $r->json;
ok whatsapp_settled($s->{ticket_id}), 'a letter for the unit';
is scalar(@{ contact_deliveries($s->{ticket_id}) }), 2, '... its lead and backup are told';
my ($letter_q) = grep { $_->{body}{to} eq $lead_to } $graph->requests;
is $letter_q->{body}{template}{components}[0]{parameters}[1]{text}, 'Undangan rapat koordinasi',
    '... {{2}} the letter\'s subject';

my $plain = create_ticket('expert', title => tag('Biasa'))->json;
db_do('UPDATE tickets SET org_unit_id = ? WHERE id = ?', $fd->{aptika}, $plain->{id});
notify_settled($plain->{id});
is_deeply contact_deliveries($plain->{id}), [], 'a helpdesk ticket is no case: no contact is told';

# the sender asks again: a contact removed while their message waited is
# told nothing (the delivery written as the fan-out would have, then the
# contact removed before the sender takes it)
$graph->clear;
$r = api('expert', POST => '/api/visitors', json => { name => 'Budi', purpose => 'Rapat', org_unit_id => $fd->{sandi} });
my $v2 = $r->json;
ok whatsapp_settled($v2->{ticket_id}), 'a case of the other unit: its lead is told';
my $gone = contact(org_unit_id => $fd->{sandi}, kind => 'backup', name => 'Pindah Tugas', whatsapp_number => number());
is api('admin', DELETE => "/api/org-unit-contacts/$gone->{id}")->status, 204, 'a backup added, then removed';
db_do(q{INSERT INTO notify_deliveries (event, ticket_id, contact_id, channel) VALUES ('ticket_created', ?, ?, 'whatsapp')},
      $v2->{ticket_id}, $gone->{id});
ok whatsapp_settled($v2->{ticket_id}), 'their delivery settles';
my %by = map { $_->[0] => $_ } @{ contact_deliveries($v2->{ticket_id}) };
is $by{ $gone->{id} }[1], 'cancelled', '... cancelled: the removed contact is told nothing' or diag explain \%by;
like $by{ $gone->{id} }[3] // '', qr/no longer the unit's/, '... saying why';
is scalar(grep { $_->{body}{to} eq substr($gone->{whatsapp_number}, 1) } $graph->requests), 0, '... no message to them';

done_testing;
