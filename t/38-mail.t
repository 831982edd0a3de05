#!/usr/bin/perl
# E-mail over SMTP as the module sends it: t/mail/send renders a
# notification, builds its message and sends it through pd_smtp_deliver
# (libcurl) to SMTP sinks on loopback (PD::SmtpSink), which keep what they
# take. Plain SMTP, STARTTLS off, try and required, TLS from the start,
# AUTH PLAIN and LOGIN, a certificate nobody vouches for, 4xx and 5xx at
# each stage told apart as temporary and permanent, a server that is down
# and comes back, and one that never answers. The message itself is read
# back with Email::MIME, independently of the code that wrote it.
use strict;
use warnings;
use utf8;
use lib 't/lib';
use Test::More;
use File::Temp qw(tempdir);
use Email::MIME;
use Encode qw(decode);
use IO::Socket::INET;
use PD::SmtpSink;

my $send = ($ENV{PD_BUILD_DIR} // '.') . '/t/mail/send';
plan skip_all => "$send is not built (make check TESTS=)" unless -x $send;

my $tmp = tempdir(CLEANUP => 1);
my ($crt, $key) = ("$tmp/sink.crt", "$tmp/sink.key");
my $openssl = qx{openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj /CN=127.0.0.1 \\
    -addext subjectAltName=IP:127.0.0.1 -keyout '$key' -out '$crt' 2>&1};
BAIL_OUT("openssl could not make a certificate: $openssl") if $?;
my $tls = { cert => $crt, key => $key };

my $n = 0;
sub sink { PD::SmtpSink->start(dir => "$tmp/sink" . ++$n, @_) }

# send(url => ..., more options): (exit status, its one line of output)
sub send_mail {
    my (%o) = @_;
    my @args = ('--from', 'pharmadesk@pharmadesk.test', '--to', 'rina.marlina@apotek.test');
    push @args, map { ("--$_", $o{$_}) } sort keys %o;
    open my $fh, '-|', $send, @args or die "$send: $!";
    my $out = do { local $/; <$fh> } // '';
    close $fh;
    chomp $out;
    return ($? >> 8, $out);
}

sub sends_ok {
    my ($sink, $name, %o) = @_;
    my ($rc, $out) = send_mail(url => $sink->url, %o);
    is "$rc $out", '0 sent', "$name: sent";
    my @m = $sink->wait_messages(1);
    is scalar(@m), 1, "$name: the server has it";
    $sink->clear;
    return $m[0];
}

sub fails_ok {
    my ($url, $name, $want, $reason, %o) = @_;
    my ($rc, $out) = send_mail(url => $url, %o);
    is $rc, $want eq 'temporary' ? 2 : 3, "$name: a $want failure";
    like $out, qr/^\Q$want\E: $reason$/, "$name: says why" or diag $out;
}

# ---- The message, as a mail reader sees it ------------------------------

{
    my $sink = sink();
    my $m = sends_ok($sink, 'plain SMTP', event => 'public_reply', lang => 'id');
    is_deeply $m->{envelope}{rcpt_to}, ['rina.marlina@apotek.test'], 'the envelope recipient';
    is $m->{envelope}{mail_from}, 'pharmadesk@pharmadesk.test', 'the envelope sender';
    is $m->{envelope}{tls}, 0, 'in clear, as asked';

    my $raw = $m->{eml};
    unlike $raw, qr/(?<!\r)\n|\r(?!\n)/, 'every line ends in CRLF';
    ok !(grep { length > 78 } split /\r\n/, $raw), 'no line is longer than 78 characters';
    unlike $raw, qr/[^\x09\x0A\x0D\x20-\x7E]/, 'the message is 7-bit ASCII';

    my $e = Email::MIME->new($raw);
    is $e->header_str('Subject'), '[PD-2026-000042] Balasan baru: Struk tidak tercetak di kasir — Apotek Sehat',
        'the subject decodes to UTF-8';
    (my $from = $e->header_str('From')) =~ tr/"//d;     # Email::MIME may quote the name
    is $from, 'Pharmadesk · Layanan <pharmadesk@pharmadesk.test>', 'From, its name encoded';
    is $e->header_str('To'), 'Rina Marlina <rina.marlina@apotek.test>', 'To';
    is $e->header('Message-ID'), '<pd-d1@pharmadesk.test>', 'the Message-ID';
    is $e->header('In-Reply-To'), '<ticket-42@pharmadesk.test>', 'In-Reply-To: the ticket\'s thread';
    is $e->header('References'), '<ticket-42@pharmadesk.test>', 'References: the ticket\'s thread';
    is $e->header('Auto-Submitted'), 'auto-generated', 'Auto-Submitted';
    is $e->header('X-Auto-Response-Suppress'), 'All', 'X-Auto-Response-Suppress';
    like $e->header('Date'), qr/^\w{3}, \d\d \w{3} \d{4} \d\d:\d\d:\d\d \+0000$/, 'an RFC 5322 Date';
    like $e->content_type, qr{^multipart/alternative; boundary="=_pd_[0-9a-f]{32}"$}, 'multipart/alternative';

    my @parts = $e->subparts;
    is_deeply [map { ($_->content_type =~ m{^([^;]+)})[0] } @parts], ['text/plain', 'text/html'],
        'a text part, then an HTML part';
    my ($text, $html) = map { $_->body_str } @parts;
    like $text, qr/^Halo Rina Marlina,\r?\n/, 'the text greets the reader';
    like $text, qr/Dewi Lestari membalas tiket PD-2026-000042:/, 'the text says what happened';
    like $text, qr/> Sudah kami periksa: driver printer diperbarui\.\r?\n> Mohon dicoba lagi\./, 'the reply quoted';
    like $text, qr{Buka tiket: http://127\.0\.0\.1:8080/#/t/42}, 'the text links to the ticket';
    like $text, qr{http://127\.0\.0\.1:8080/#/preferences}, 'and to the preferences page';
    like $html, qr{<a href="http://127\.0\.0\.1:8080/#/t/42"}, 'the HTML links to the ticket';
    like $html, qr{Struk tidak tercetak di kasir — Apotek Sehat}, 'the HTML has the title';

    # hostile values stay values
    $m = sends_ok($sink, 'hostile values', lang => 'en', title => "<b>x</b>\r\nBcc: victim\@evil.test",
        recipient => "Eve\r\nCc: boss\@evil.test", actor => '<script>alert(1)</script>');
    $e = Email::MIME->new($m->{eml});
    is $e->header('Bcc'), undef, 'no Bcc header from a title';
    is $e->header('Cc'), undef, 'no Cc header from a name';
    is $e->header_str('Subject'), '[PD-2026-000042] New reply: <b>x</b> Bcc: victim@evil.test',
        'the title is one line of the subject';
    ($html) = map { $_->body_str } grep { $_->content_type =~ m{^text/html} } $e->subparts;
    unlike $html, qr/<script>|<b>x/, 'no markup of theirs in the HTML';
    like $html, qr/&lt;script&gt;alert\(1\)&lt;\/script&gt;/, 'escaped instead';

    # an internal note says so in both parts
    $m = sends_ok($sink, 'an internal note', event => 'internal_note', lang => 'en');
    $e = Email::MIME->new($m->{eml});
    is $e->header_str('Subject'), '[PD-2026-000042] Internal note: Struk tidak tercetak di kasir — Apotek Sehat',
        'the subject says internal';
    like $_->body_str, qr/INTERNAL NOTE: for staff only/, 'the part says internal' for $e->subparts;
}

# ---- TLS ------------------------------------------------------------------

{
    my $sink = sink(tls => $tls);
    my $m = sends_ok($sink, 'STARTTLS required', starttls => 'required', ca => $crt);
    is $m->{envelope}{tls}, 1, 'STARTTLS required: over TLS';
    $m = sends_ok($sink, 'STARTTLS try, offered', starttls => 'try', ca => $crt);
    is $m->{envelope}{tls}, 1, 'STARTTLS try: over TLS when offered';
    $m = sends_ok($sink, 'STARTTLS off', starttls => 'off');
    is $m->{envelope}{tls}, 0, 'STARTTLS off: in clear even when offered';
    fails_ok($sink->url, 'a certificate nobody vouches for', 'temporary',
        qr/the server's certificate is not trusted/, starttls => 'required');
    is scalar($sink->messages), 0, 'nothing went through';
}
{
    my $sink = sink();
    my $m = sends_ok($sink, 'STARTTLS try, not offered', starttls => 'try');
    is $m->{envelope}{tls}, 0, 'STARTTLS try: in clear when not offered';
    fails_ok($sink->url, 'STARTTLS required, not offered', 'temporary',
        qr/the server does not offer STARTTLS/, starttls => 'required');
    is scalar($sink->messages), 0, 'nothing went through in clear';
}
{
    my $sink = sink(tls => $tls, implicit_tls => 1);
    my $url = 'smtps://127.0.0.1:' . $sink->port;
    my ($rc, $out) = send_mail(url => $url, ca => $crt);
    is "$rc $out", '0 sent', 'smtps://: sent';
    my @m = $sink->wait_messages(1);
    is $m[0]{envelope}{tls}, 1, 'smtps://: over TLS from the start';
}

# ---- Authentication ---------------------------------------------------------

for my $mech ('PLAIN', 'LOGIN') {
    my $sink = sink(tls => $tls, auth => ['pharmadesk', 'rahasia s3kret'], mechs => [$mech]);
    my $m = sends_ok($sink, "AUTH $mech", starttls => 'required', ca => $crt, user => 'pharmadesk',
        password => 'rahasia s3kret');
    is $m->{envelope}{auth}, 'pharmadesk', "AUTH $mech: authenticated as the user";
    fails_ok($sink->url, "AUTH $mech, a wrong password", 'temporary',
        qr/authentication failed: 535 5\.7\.8 Authentication credentials invalid/,
        starttls => 'required', ca => $crt, user => 'pharmadesk', password => 'wrong');
    fails_ok($sink->url, "AUTH $mech, no credentials", 'temporary', qr/530 5\.7\.0 Authentication required/,
        starttls => 'required', ca => $crt);
    is scalar($sink->messages), 0, "AUTH $mech: nothing went through unauthenticated";
}

# ---- Refusals: temporary and permanent ----------------------------------------

{
    my $sink = sink();
    for my $case (
        [greeting => '421 4.3.2 Service not available', 'temporary'],
        [greeting => '554 5.3.2 No SMTP service here', 'temporary'],
        [ehlo => '421 4.7.0 Too busy', 'temporary'],
        [mail => '451 4.3.0 Try again later', 'temporary'],
        [mail => '553 5.1.8 Sender address rejected', 'permanent'],
        [rcpt => '450 4.2.1 Mailbox busy', 'temporary'],
        [rcpt => '550 5.1.1 No such user', 'permanent'],
        [data => '451 4.3.0 Try again later', 'temporary'],
        [data => '554 5.5.1 No valid recipients', 'permanent'],
        [message => '452 4.3.1 Insufficient system storage', 'temporary'],
        [message => '554 5.7.1 Message rejected as spam', 'permanent'],
    ) {
        my ($stage, $reply, $kind) = @$case;
        $sink->fail($stage => $reply);
        fails_ok($sink->url, "$reply at $stage", $kind, qr/\Q$reply\E/);
        $sink->fail($stage => undef);
    }
    is scalar($sink->messages), 0, 'no refused message was kept';
    sends_ok($sink, 'after the refusals');
}

# ---- A server that is down, one that never answers ---------------------------

{
    my $sink = sink();
    my $url = $sink->url;
    $sink->stop;
    fails_ok($url, 'the server is down', 'temporary', qr/connection refused/);
    $sink->start_again;
    is $sink->url, $url, 'the server is back on its port';
    sends_ok($sink, 'the server is back');
}
{
    my $sink = sink(stall => 'greeting');
    fails_ok($sink->url, 'a server that never greets', 'temporary', qr/timed out/, timeout => 2);
    $sink = sink(stall => 'message');
    fails_ok($sink->url, 'a server that never answers the message', 'temporary', qr/timed out/, timeout => 2);
    # Apache's child stopping with a delivery under way: the delivery ends
    # at once, to be tried again, instead of holding the child until its
    # timeout
    $sink = sink(stall => 'greeting');
    fails_ok($sink->url, 'a delivery under way when the process stops', 'temporary',
             qr/not finished: the server was stopping/, timeout => 60, 'stop-after' => 1);
    # The server took the message (250 after its end) and never answers
    # QUIT: the message is delivered, whether the wait for QUIT's answer
    # ends by its timeout or by the process stopping. A failure reported
    # then would have the message sent again.
    # The message's end sent, the server answers late: a process stopping
    # meanwhile waits a moment for the answer, since the server may already
    # be queueing the message.
    $sink = sink(stall => 'message', stall_for => 2);
    sends_ok($sink, 'the process stopping while the message\'s answer is awaited', timeout => 30,
             'stop-after' => 1);
    # ... but not for long: a server that never answers the message does
    # not hold a stopping process until the timeout
    $sink = sink(stall => 'message');
    fails_ok($sink->url, 'the process stopping while the message\'s answer never comes', 'temporary',
             qr/not finished: the server was stopping/, timeout => 30, 'stop-after' => 1);
    $sink = sink(stall => 'quit');
    sends_ok($sink, 'a server that takes the message and never answers QUIT', timeout => 2);
    $sink = sink(stall => 'quit');
    sends_ok($sink, 'the process stopping while QUIT waits for its answer', timeout => 60,
             'stop-after' => 1);
}

# ---- The suite's sink, which Apache's e-mail goes to ------------------------

{
    my $suite = PD::SmtpSink->suite;
    my $before = () = $suite->messages;
    my ($rc, $out) = send_mail(url => $suite->url, event => 'ticket_created');
    is "$rc $out", '0 sent', 'the suite\'s sink takes mail';
    my @m = $suite->wait_messages($before + 1);
    is scalar(@m), $before + 1, 'and keeps it in PD_TEST_SMTP_DIR';

    $suite->suite_stop;
    ($rc, $out) = send_mail(url => $suite->url);
    is "$rc $out", '2 temporary: connection refused', 'the suite\'s sink stopped: SMTP is down';
    $suite->suite_start;
    ($rc, $out) = send_mail(url => $suite->url);
    is "$rc $out", '0 sent', 'and started again: it takes mail';
    $suite->fail(rcpt => '451 4.3.0 Later');
    ($rc, $out) = send_mail(url => $suite->url);
    is "$rc $out", '2 temporary: 451 4.3.0 Later', 'a refusal set by another process reaches it';
    $suite->fail(rcpt => undef);
}

done_testing;
