#!/usr/bin/perl
# Notifications by e-mail, delivered to the suite's SMTP sink: each message
# carries its delivery's stable id; temporary refusals are retried until
# PharmadeskNotifyMaxAttempts and then dead, a permanent one is dead at
# once, and an admin's retry sends it; an SMTP server that is down, a
# PostgreSQL restart, a graceful Apache restart while messages are being
# sent, and two Apaches on one database each with its own background work:
# nothing is lost and nothing is sent twice.
use strict;
use warnings;
use lib "$ENV{PD_ROOT}/t/lib";
use Test::More;
use PD::Test;
use PD::Fixtures;
use PD::SmtpSink;

my $sink = PD::SmtpSink->suite;
my $conf = $ENV{PD_TEST_HTTPD_CONF};
my $original = read_file($conf);

# What PostgreSQL's restart leaves in the error log, as in t/60.
expect_error_log(qr/\[dbd:error\].*\b(?:AH00629|AH00632|AH00633|AH00636|AH00639|AH02655)\b/);
expect_error_log(qr/DBD \[pgsql\] Error/);

# The delivery ids of the messages in the sink, each as often as it came:
# read once per file.
my %seen_file;
my %sent_ids;
sub sink_ids {
    for my $file (glob $sink->dir . '/*.eml') {
        next if $seen_file{$file}++;
        open my $fh, '<:raw', $file or next;
        while (my $line = <$fh>) {
            last if $line =~ /^\r?\n$/;
            if ($line =~ /^Message-ID:\s*<pd-delivery-(\d+)@/i) { $sent_ids{$1}++; last }
        }
    }
    return \%sent_ids;
}

# The e-mail deliveries of some tickets: [id, status, attempts, last_error].
sub email_deliveries {
    my @tickets = @_;
    return [] unless @tickets;
    my $in = join ',', map { int } @tickets;
    return [map { [@$_] } db_query(qq{SELECT id, status, attempts, last_error FROM notify_deliveries
        WHERE channel = 'email' AND ticket_id IN ($in) ORDER BY id})];
}

# Every e-mail of the tickets sent, and each in the sink exactly once.
sub all_sent_once {
    my ($name, @tickets) = @_;
    my $done = wait_until(sub {
        db_value(q{SELECT count(*) FROM notify_outbox WHERE ticket_id = ANY (?)}, \@tickets) == 0
            && !grep { $_->[1] ne 'sent' } @{ email_deliveries(@tickets) };
    }, 90);
    my $d = email_deliveries(@tickets);
    ok $done && @$d, "$name: every e-mail is sent (" . scalar(@$d) . ')'
        or diag join ', ', map { "$_->[0] $_->[1]" } grep { $_->[1] ne 'sent' } @$d;
    my $ids = sink_ids();
    my @wrong = grep { ($ids->{ $_->[0] } // 0) != 1 } @$d;
    ok !@wrong, "$name: each reached the SMTP server exactly once"
        or diag join ', ', map { "delivery $_->[0]: " . ($ids->{ $_->[0] } // 0) . ' times' } @wrong;
}

sub reply_ticket {
    my ($title) = @_;
    my $t = create_ticket('cust_a', title => tag($title))->json;
    api('expert', POST => "/api/tickets/$t->{id}/comments", json => { body => 'Sudah kami periksa.' });
    return $t->{id};
}

# ---- an e-mail, and what its failures do (the suite's settings: three
# attempts, the first retry after a second) -----------------------------------

{
    my $id = reply_ticket('Surel');
    all_sent_once('a reply', $id);
    my ($reply) = db_query(q{SELECT d.id FROM notify_deliveries d JOIN users u ON u.id = d.user_id
        WHERE d.ticket_id = ? AND d.channel = 'email' AND d.event = 'public_reply' AND u.username = 'cust_a'}, $id);
    ok $reply, 'the customer gets the reply by e-mail';
    my ($msg) = grep { $_->{eml} =~ /^Message-ID:\s*<pd-delivery-$reply->[0]\@/mi } $sink->messages;
    ok $msg, "... as a message whose Message-ID is its delivery's";
    is_deeply $msg && $msg->{envelope}{rcpt_to}, ['cust_a@test.example.org'], '... to their address';
    like $msg && $msg->{eml}, qr/^References:\s*<ticket-$id\@/mi, "... in the ticket's thread";

    # temporary refusals: retried, then dead after three attempts
    $sink->fail(rcpt => '451 4.3.0 Try again later');
    my $t2 = reply_ticket('Ditolak');
    my $dead = wait_until(sub {
        my $d = email_deliveries($t2);
        @$d && !grep { $_->[1] ne 'dead' } @$d;
    }, 40);
    my $d = email_deliveries($t2);
    ok $dead, 'refused again and again: dead';
    is_deeply [map { $_->[2] } @$d], [map { 3 } @$d], '... after three attempts';
    like $d->[0][3] // '', qr/451/, '... with the last error';
    is db_value(q{SELECT count(*) FROM notify_deliveries WHERE ticket_id = ? AND channel = 'portal'
                  AND status <> 'sent'}, $t2), 0, '... while the portal delivered';

    # permanent refusal: dead at once
    $sink->fail(rcpt => '550 5.1.1 No such user');
    my $t3 = reply_ticket('Permanen');
    ok wait_until(sub { my $x = email_deliveries($t3); @$x && !grep { $_->[1] ne 'dead' } @$x }, 20),
        'a 5xx refusal: dead';
    is_deeply [map { $_->[2] } @{ email_deliveries($t3) }], [map { 1 } @{ email_deliveries($t3) }],
        '... at the first attempt';
    $sink->fail(rcpt => undef);

    # an admin retries the dead ones: sent
    for my $row (@{ email_deliveries($t2, $t3) }) {
        is api('admin', POST => "/api/notification-deliveries/$row->[0]/retry")->status, 200,
            "the admin retries delivery $row->[0]";
    }
    all_sent_once('retried dead letters', $t2, $t3);
}

# ---- from here, more attempts, so that outages do not kill messages -------

(my $patient = $original) =~ s/^PharmadeskNotifyMaxAttempts \d+$/PharmadeskNotifyMaxAttempts 50/m
    or BAIL_OUT('no PharmadeskNotifyMaxAttempts line in the test configuration');
$patient =~ s/^LogLevel (\w+)$/LogLevel $1 pharmadesk:debug/m or BAIL_OUT('no LogLevel line');
restart_with($conf, $patient);

# the SMTP server is down: messages wait, are retried, and arrive
{
    $sink->suite_stop;
    my @ids = map { reply_ticket('SmtpMati') } 1 .. 2;
    ok wait_until(sub {
        my $d = email_deliveries(@ids);
        @$d && !grep { $_->[2] < 2 || $_->[1] eq 'sent' } @$d;
    }, 30), 'SMTP down: every e-mail failed and was tried again';
    like email_deliveries(@ids)->[0][3] // '', qr/\S/, '... with the reason';
    $sink->suite_start;
    all_sent_once('SMTP back', @ids);
}

# PostgreSQL restarts while messages are queued
{
    $sink->suite_stop;
    my @ids = map { reply_ticket('PgRestart') } 1 .. 2;
    ok wait_until(sub { my $d = email_deliveries(@ids); @$d && !grep { $_->[1] ne 'failed' } @$d }, 30),
        'e-mails queued (the SMTP server is down)';
    pg_stop();
    sleep 2;
    pg_start();
    $sink->suite_start;
    all_sent_once('PostgreSQL restarted', @ids);
}

# Many messages at once: a team of the test's own hears of every new ticket.
my @team;
for my $n (1 .. 25) {
    my $u = tag('tim');
    $u =~ s/[^a-z0-9]//gi;
    my $r = api('admin', POST => '/api/users', json => { username => $u, name => "Tim $u",
        email => "$u\@test.example.org", role => 'team_expert', subject => $u });
    push @team, $r->json->{id} if $r->status == 201;
}
is scalar(@team), 25, 'a team of 25 experts';

# Apache restarts gracefully while messages are being sent
{
    my $before = scalar keys %{ sink_ids() };
    my @ids = map { create_ticket('cust_a', title => tag('Graceful'))->json->{id} } 1 .. 6;
    ok wait_until(sub { scalar(keys %{ sink_ids() }) > $before }, 30), 'sending has begun';
    my ($rc, $out) = apache2_capture('-f', $conf, '-k', 'graceful');
    is $rc, 0, 'a graceful restart meanwhile' or diag $out;
    all_sent_once('a graceful restart', @ids);
}

# Two Apaches on one database, each with its own background work
{
    my $second = second_apache_start($patient);
    my $dir2 = $second->{dir};
    is $second->{rc}, 0, 'a second Apache on the same database' or diag $second->{out};
    ok $second->{running}, '... running';

    my $log1 = "$ENV{PD_TEST_RUN_DIR}/error.log";
    my $from1 = -s $log1;
    my @ids = map { create_ticket('cust_a', title => tag('DuaApache'))->json->{id} } 1 .. 8;
    all_sent_once('two Apaches', @ids);

    # who sent what, from each one's debug log
    my %by;
    for my $which ([first => $log1, $from1], [second => "$dir2/error.log", 0]) {
        open my $l, '<', $which->[1] or next;
        seek $l, $which->[2], 0;
        while (<$l>) { $by{$which->[0]}{$1}++ if /email delivery (\d+) sent/ }
    }
    my $d = email_deliveries(@ids);
    my @both = grep { $by{first}{ $_->[0] } && $by{second}{ $_->[0] } } @$d;
    ok !@both, 'no delivery was sent by both';
    diag sprintf 'deliveries sent by the first Apache: %d, by the second: %d',
        scalar(keys %{ $by{first} // {} }), scalar(keys %{ $by{second} // {} });

    my ($rc, $out, @errors) = second_apache_stop($second);
    is $rc, 0, 'the second Apache stops' or diag $out;
    ok !@errors, 'the second Apache logged no error' or diag @errors;
}

# the team goes quiet again, and the configuration as it was
api('admin', DELETE => "/api/users/$_") for @team;
restart_with($conf, $original);

done_testing;
