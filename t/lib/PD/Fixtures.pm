package PD::Fixtures;

# Helpers shared by the server tests on top of PD::Test: error assertions,
# unique names, ticket bodies, page walking, direct state changes and raw
# HTTP for what LWP cannot send (chunked bodies).
#
#   use PD::Test;
#   use PD::Fixtures;
#   is_error(api('cust_a', GET => '/api/tickets/999999999'), 404, 'not_found');

use strict;
use warnings;

use Exporter 'import';
use Carp qw(croak);
use IO::Socket::INET;
use Test::More ();
use URI::Escape ();
use POSIX ();
use Time::HiRes ();
use File::Temp ();
use PD::OpenAPI ();
use PD::Test;

our @EXPORT = qw(
    is_error is_refused_token tag ticket_body create_ticket all_pages set_ticket
    activities last_activity_id raw_http chunked_post chunked_request allow_set
    form_data upload store_counts api_headers_ok sla_elapse notify_settled notified
    private_kib private_peak STATUSES ROLE_USERS front_desk_office whatsapp_settled run_import
    db_error db_state
);

use constant STATUSES => qw(open in_review in_progress waiting_customer solved closed cancelled);

# The error of a statement the database refuses, or undef when it is done;
# db_state is the last refusal's SQLSTATE.
my $db_state;
sub db_error {
    my ($sql, @bind) = @_;
    return undef if eval { db_do($sql, @bind); 1 };
    $db_state = $DBI::state;
    return $@ || 'refused';
}
sub db_state { $db_state }

# The private memory (Private_Dirty and Private_Clean of
# /proc/PID/smaps_rollup) of all of Apache's processes, in KiB.
sub private_kib {
    my $total = 0;
    for my $pid (httpd_pids()) {
        open my $fh, '<', "/proc/$pid/smaps_rollup" or next;
        while (<$fh>) { $total += $1 if /^Private_(?:Dirty|Clean):\s+(\d+) kB/ }
    }
    return $total;
}

# Runs $work while a child samples private_kib() every 20 ms; returns the
# peak seen and what $work returned.
sub private_peak {
    my ($work) = @_;
    pipe(my $peak_r, my $peak_w) or die "pipe: $!";
    my $sampler = fork // die "fork: $!";
    if (!$sampler) {
        close $peak_r;
        my ($peak, $stop) = (0, 0);
        local $SIG{TERM} = sub { $stop = 1 };
        while (!$stop) {
            my $now = private_kib();
            $peak = $now if $now > $peak;
            Time::HiRes::usleep(20_000);
        }
        print {$peak_w} $peak;
        close $peak_w;
        POSIX::_exit(0);
    }
    close $peak_w;
    my @result = $work->();
    kill TERM => $sampler;
    my $peak = do { local $/; <$peak_r> } || 0;
    waitpid $sampler, 0;
    return ($peak, @result);
}

# One login per role code.
use constant ROLE_USERS => {
    admin => 'admin', team_expert => 'expert', tech => 'tech',
    customer => 'cust_a', manager => 'manager',
};

# One assertion: status, JSON content type, error.code, a non-empty
# error.message and, when $field is defined, error.field ('' = must be
# absent). Keeps plan counts honest: one call, one test.
sub is_error {
    my ($r, $status, $code, $field, $name) = @_;
    local $Test::Builder::Level = $Test::Builder::Level + 1;
    return _verdict($r, $name // "$status $code", _error_problems($r, $status, $code, $field));
}

sub _error_problems {
    my ($r, $status, $code, $field) = @_;
    my @why;
    push @why, "status $r->{status}, expected $status" if $r->{status} != $status;
    my $ct = $r->header('Content-Type') // '';
    push @why, "Content-Type '$ct'" unless $ct =~ m{^application/json\b};
    my $e = ref $r->{json} eq 'HASH' ? $r->{json}{error} : undef;
    if (ref $e ne 'HASH') {
        push @why, 'no error object';
    } else {
        push @why, 'error.code ' . ($e->{code} // 'missing') . ", expected $code"
            if defined $code && ($e->{code} // '') ne $code;
        push @why, 'error.message missing'
            unless defined $e->{message} && !ref $e->{message} && length $e->{message};
        if (defined $field) {
            my $got = $e->{field} // '';
            push @why, "error.field '$got', expected '$field'" if $got ne $field;
        }
    }
    return @why;
}

sub _verdict {
    my ($r, $name, @why) = @_;
    local $Test::Builder::Level = $Test::Builder::Level + 1;
    my $ok = Test::More::ok(!@why, $name);
    Test::More::diag(join('; ', @why) . "\n  body: " . substr($r->{body} // '', 0, 500)) unless $ok;
    return $ok;
}

# One assertion for a refused bearer token, whether mod_auth_openidc or the
# module refused it: 401 invalid_token as is_error checks it, the one
# challenge shape (RFC 6750: realm, error, error_description) and no data.
sub is_refused_token {
    my ($r, $name) = @_;
    local $Test::Builder::Level = $Test::Builder::Level + 1;
    my @why = _error_problems($r, 401, 'invalid_token');
    my $challenge = $r->header('WWW-Authenticate') // '';
    push @why, "challenge '$challenge'"
        unless $challenge =~ /^Bearer realm="pharmadesk", error="invalid_token", error_description="[^"]+"$/;
    push @why, 'data in the body' if ($r->{body} // '') =~ /"items"|"username"|"number"/;
    return _verdict($r, $name, @why);
}

# A name no other test run or file will pick: pid plus a counter.
my $seq = 0;
sub tag {
    my ($prefix) = @_;
    $seq++;
    return sprintf '%s-%d-%d-%d', $prefix // 't', $$, time % 100000, $seq;
}

# A valid create body; customers get no pharmacy_id (their own is implied),
# staff get APT-A unless told otherwise.
sub ticket_body {
    my ($user, %fields) = @_;
    my $role = db_value(
        'SELECT r.code FROM users u LEFT JOIN roles r ON r.id = u.role_id WHERE u.username = ?', $user);
    my %body = (
        pic_name    => 'Budi Santoso',
        contact     => '0812-0000-0000',
        app_version => '5.2.1',
        module_id   => module_id('Penjualan'),
        category_id => category_id('Bug Sistem'),
        title       => tag('Tiket'),
        description => "Struk tidak keluar.\nSudah dicoba ulang.",
        (defined $role && $role eq 'customer' ? () : (pharmacy_id => pharmacy_id('APT-A'))),
        %fields,
    );
    # undef drops a member: the way to test a missing one
    delete $body{$_} for grep { !defined $body{$_} } keys %body;
    return \%body;
}

# POST /api/tickets; returns the response (201 expected, not asserted).
sub create_ticket {
    my ($user, %fields) = @_;
    my $r = api($user, POST => '/api/tickets', json => ticket_body($user, %fields));
    Test::More::diag("create_ticket($user): HTTP $r->{status}: $r->{body}") unless $r->{status} == 201;
    return $r;
}

# Walks a list through its cursors. Returns (items, responses); stops after
# $max pages so that a cursor that never ends fails instead of hanging.
sub all_pages {
    my ($user, $path, $query, $max) = @_;
    $max //= 500;
    my (@items, @responses);
    my %q = %{ $query // {} };
    for (1 .. $max) {
        my $r = api($user, GET => $path, query => \%q);
        push @responses, $r;
        last unless $r->{status} == 200 && ref $r->{json} eq 'HASH';
        push @items, @{ $r->{json}{items} // [] };
        my $next = $r->{json}{next};
        last unless defined $next;
        $q{cursor} = $next;
    }
    return (\@items, \@responses);
}

# Puts a ticket into a state directly (the workflow is what the API tests;
# this builds the starting points). Columns: status, tech_id, expert_id,
# solved_at, closed_at, created_at, updated_at, priority, ...
sub set_ticket {
    my ($id, %cols) = @_;
    croak 'set_ticket: nothing to set' unless %cols;
    my @names = sort keys %cols;
    for (@names) { croak "set_ticket: bad column $_" unless /^[a-z_]+$/ }
    my $sql = 'UPDATE tickets SET ' . join(', ', map { "$_ = ?" } @names)
        . ', version = version + 1 WHERE id = ?';
    db_do($sql, (map { $cols{$_} } @names), $id);
}

# As if $minutes had passed on the service level clock of a ticket (an id)
# or of several (a list of ids), the default calendar running around the
# clock: every instant it keeps moves back by them, its due, at-risk and
# escalation times, the sweep's next look, the start of a pause.
sub sla_elapse {
    my ($ids, $minutes) = @_;
    my @cols = qw(first_response_due_at first_response_risk_at first_response_escalate_at
                  resolution_due_at resolution_risk_at resolution_escalate_at
                  sla_due_at sla_risk_at sla_check_at sla_stopped_at);
    db_do('UPDATE tickets SET ' . join(', ', map { "$_ = $_ - make_interval(mins => ?)" } @cols)
          . ' WHERE id = ANY (?::bigint[])', ($minutes) x @cols,
          '{' . join(',', ref $ids ? @$ids : $ids) . '}');
}

# The ticket's events fanned out and its portal deliveries made.
sub notify_settled {
    my ($tid) = @_;
    return PD::Test::wait_until(sub {
        !db_value('SELECT count(*) FROM notify_outbox WHERE ticket_id = ?', $tid)
            && !db_value(q{SELECT count(*) FROM notify_deliveries WHERE ticket_id = ? AND channel = 'portal'
                           AND status IN ('pending', 'sending')}, $tid);
    }, 20);
}

# The ticket's events fanned out and its WhatsApp messages sent or given
# up on (30 s at most: retries wait).
sub whatsapp_settled {
    my ($tid) = @_;
    return PD::Test::wait_until(sub {
        !db_value('SELECT count(*) FROM notify_outbox WHERE ticket_id = ?', $tid)
            && !db_value(q{SELECT count(*) FROM notify_deliveries WHERE ticket_id = ? AND channel = 'whatsapp'
                           AND status IN ('pending', 'sending', 'failed')}, $tid);
    }, 30);
}

# Who was told of an event on a ticket, once it settled: usernames, sorted,
# on one channel or any.
sub notified {
    my ($tid, $event, $channel) = @_;
    notify_settled($tid);
    return [map { $_->[0] } db_query(q{SELECT DISTINCT u.username FROM notify_deliveries d
        JOIN users u ON u.id = d.user_id WHERE d.ticket_id = ? AND d.event = ?
        AND (?::text IS NULL OR d.channel = ?) ORDER BY 1}, $tid, $event, $channel, $channel)];
}

sub activities {
    my ($ticket_id, $after) = @_;
    return db_query(
        'SELECT id, user_id, kind, field, old_value, new_value, body, visibility'
        . ' FROM ticket_activities WHERE ticket_id = ? AND id > ? ORDER BY id',
        $ticket_id, $after // 0);
}

sub last_activity_id {
    my ($ticket_id) = @_;
    return db_value('SELECT coalesce(max(id), 0) FROM ticket_activities WHERE ticket_id = ?',
        $ticket_id);
}

# Sends raw bytes and reads the whole answer (the request must say
# Connection: close). Returns { status, headers => {lc name => value}, body }.
sub raw_http {
    my ($bytes) = @_;
    my $s = IO::Socket::INET->new(
        PeerAddr => '127.0.0.1',
        PeerPort => $ENV{PD_TEST_PORT},
        Timeout  => 30,
    ) or croak "connect: $!";
    binmode $s;
    # the server may answer (413) before it has read everything
    local $SIG{PIPE} = 'IGNORE';
    print {$s} $bytes;
    shutdown $s, 1;
    my $resp = '';
    local $/;
    while (defined(my $chunk = <$s>)) { $resp .= $chunk }
    close $s;
    my ($head, $body) = split /\r\n\r\n/, $resp, 2;
    my ($status_line, @lines) = split /\r\n/, $head // '';
    my %h;
    for (@lines) { my ($k, $v) = split /:\s*/, $_, 2; $h{ lc $k } = $v }
    my ($status) = ($status_line // '') =~ m{^HTTP/1\.\d (\d{3})};
    if (($h{'transfer-encoding'} // '') =~ /chunked/i) {
        my $plain = '';
        while ($body =~ s/^([0-9a-fA-F]+)\r\n//) {
            my $n = hex $1;
            last if $n == 0;
            $plain .= substr($body, 0, $n, '');
            $body =~ s/^\r\n//;
        }
        $body = $plain;
    }
    my $json = eval { $PD::Test::JSON->decode($body) };
    my ($method, $target) = $bytes =~ m{^([A-Z]+) (\S+) HTTP/};
    PD::OpenAPI::check({
        method => $method, path => URI::Escape::uri_unescape($target), status => $status,
        content_type => $h{'content-type'}, allow => $h{allow}, body => $body,
    }) if $method && $status;
    return bless { status => $status // 0, headers => \%h, body => $body, json => $json },
        'PD::Fixtures::RawResponse';
}

# POST with Transfer-Encoding: chunked, the body cut into $chunk-byte chunks.
sub chunked_post {
    my ($user, $path, $body, $chunk) = @_;
    return chunked_request($user, POST => $path, 'application/json', $body, $chunk);
}

# A request with a chunked body (no Content-Length), $chunk bytes a chunk.
sub chunked_request {
    my ($user, $method, $path, $content_type, $body, $chunk) = @_;
    $chunk ||= 4096;
    my $token = PD::Test::token_for($user);
    my $req = "$method $path HTTP/1.1\r\nHost: localhost\r\nAuthorization: Bearer $token\r\n"
        . "Content-Type: $content_type\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n";
    my $rest = $body;
    while (length $rest) {
        my $c = substr($rest, 0, $chunk, '');
        $req .= sprintf("%x\r\n", length $c) . $c . "\r\n";
    }
    $req .= "0\r\n\r\n";
    return raw_http($req);
}

# A multipart/form-data body as a browser builds it: each part is
# [name => 'value'] or [name => { filename => ..., content => ..., type => ... }].
# Returns (body, content type).
sub form_data {
    my (@parts) = @_;
    my $boundary = '----PharmadeskForm' . join('', map { int rand 10 } 1 .. 16);
    my $body = '';
    for my $p (@parts) {
        my ($name, $v) = @$p;
        $body .= "--$boundary\r\n";
        if (ref $v) {
            my $fn = $v->{filename};
            $body .= qq{Content-Disposition: form-data; name="$name"; filename="$fn"\r\n}
                . 'Content-Type: ' . ($v->{type} // 'application/octet-stream') . "\r\n\r\n"
                . $v->{content} . "\r\n";
        } else {
            $body .= qq{Content-Disposition: form-data; name="$name"\r\n\r\n$v\r\n};
        }
    }
    $body .= "--$boundary--\r\n";
    return ($body, "multipart/form-data; boundary=$boundary");
}

# POST /api/tickets/{id}/attachments with those parts; chunked => 1 sends
# the same body without a Content-Length.
sub upload {
    my ($user, $ticket_id, $parts, %opt) = @_;
    my ($body, $ct) = form_data(@$parts);
    my $path = "/api/tickets/$ticket_id/attachments";
    return chunked_request($user, POST => $path, $ct, $body, $opt{chunk} || 65536) if $opt{chunked};
    return api($user, POST => $path, body => $body, content_type => $ct);
}

# What the attachment store holds: [attachments, blobs, chunks].
sub store_counts {
    return [map { db_value("SELECT count(*) FROM $_") }
        qw(ticket_attachments attachment_blobs attachment_chunks)];
}

# "GET, HEAD, OPTIONS" -> sorted list of upper-case method names.
sub allow_set {
    my ($allow) = @_;
    return [sort map { uc } grep { length } split /\s*,\s*/, $allow // ''];
}

# One assertion on what every API answer carries, whoever wrote it:
# Cache-Control: no-store (once) and nosniff; an error (4xx, 5xx) also a
# JSON error object and no ETag or Last-Modified.
sub api_headers_ok {
    my ($r, $name) = @_;
    local $Test::Builder::Level = $Test::Builder::Level + 1;
    my @why;
    my $cc = $r->header('Cache-Control') // '';
    push @why, "Cache-Control '$cc'" unless $cc eq 'no-store';
    my $nosniff = $r->header('X-Content-Type-Options') // '';
    push @why, "X-Content-Type-Options '$nosniff'" unless $nosniff eq 'nosniff';
    if ($r->status >= 400) {
        for my $h ('ETag', 'Last-Modified') {
            push @why, "$h on an error" if defined $r->header($h);
        }
        my $ct = $r->header('Content-Type') // '';
        push @why, "Content-Type '$ct'" unless $ct =~ m{^application/json\b};
        push @why, 'no error.code'
            unless ref $r->json eq 'HASH' && ref $r->json->{error} eq 'HASH' && $r->json->{error}{code};
    }
    my $ok = Test::More::ok(!@why, $name);
    Test::More::diag(join '; ', @why) unless $ok;
    return $ok;
}

# (exit status, stdout, stderr) of scripts/import against the test's
# server with these arguments and environment
sub run_import {
    my ($env, @args) = @_;
    my ($out, $err) = map { (File::Temp::tempfile(DIR => $ENV{PD_TEST_RUN_DIR} // $ENV{TMPDIR}, UNLINK => 1))[1] } 1 .. 2;
    my $pid = fork // die "fork: $!";
    if (!$pid) {
        delete @ENV{qw(PHARMADESK_TOKEN PHARMADESK_TOKEN_FILE PHARMADESK_USER PHARMADESK_PASSWORD)};
        %ENV = (%ENV, %$env);
        open STDOUT, '>', $out or die;
        open STDERR, '>', $err or die;
        exec "$ENV{PD_ROOT}/scripts/import", '--url', $ENV{PD_TEST_URL}, @args or die "exec: $!";
    }
    waitpid $pid, 0;
    return ($? >> 8, read_file($out), read_file($err));
}

# A front desk office for a test: a root unit named after $name and the
# units below it ([key, name, type, parent key (the office: undef)]), its
# client (a pharmacies entry without customers) and its front desk
# settings. Returns {office => id, client => id, key => id, ...}.
sub front_desk_office {
    my ($name, @units) = @_;
    my $code = sub { (my $c = uc tag($_[0])) =~ s/[^A-Z0-9_-]/-/g; substr($c, 0, 32) };
    my $unit = sub {
        my $r = api('admin', POST => '/api/org-units', json => { @_ });
        die "org unit: " . $r->body unless $r->status == 201;
        return $r->json->{id};
    };
    my %id = (office => $unit->(code => $code->('DINAS'), name => $name, type => 'root'));
    for my $u (@units) {
        my ($key, $unit_name, $type, $parent) = @$u;
        $id{$key} = $unit->(code => $code->($key), name => $unit_name, type => $type,
                            parent_id => $id{ $parent // 'office' });
    }
    $id{client} = api('admin', POST => '/api/pharmacies', json => { code => $code->('KANTOR'), name => $name })
        ->json->{id};
    my $r = api('admin', PUT => "/api/org-units/$id{office}/front-desk", json => { pharmacy_id => $id{client},
        module_id => module_id('Penjualan'), visitor_category_id => category_id('Bug Sistem'),
        surat_category_id => category_id('Bug Sistem') });
    die "front desk: " . $r->body unless $r->status == 200;
    return \%id;
}

# raw_http's answer: a hash (status, headers by lower-case name, body,
# json) that also answers as PD::Test's responses do.
package PD::Fixtures::RawResponse;
sub status { $_[0]{status} }
sub json   { $_[0]{json} }
sub body   { $_[0]{body} }
sub header { $_[0]{headers}{ lc $_[1] } }

1;
