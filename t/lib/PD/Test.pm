package PD::Test;

# Harness for the server tests (t/*.t). scripts/test sets up a throwaway
# PostgreSQL cluster and Apache and describes them in PD_TEST_* variables;
# everything here reads those and nothing else.
#
#   use lib 't/lib';
#   use Test::More;
#   use PD::Test;
#
#   my $r = api('cust_a', GET => '/api/tickets', query => { status => 'open' });
#   is $r->{status}, 200;
#   is $r->header('Content-Type'), 'application/json';
#   my $t = new_ticket('cust_a', title => 'Printer');
#   my ($row) = db_query('SELECT status FROM tickets WHERE id = ?', $t->{id});

use strict;
use warnings;

use Exporter 'import';
use IO::Socket::INET;
use Carp qw(croak);
use DBI;
use HTTP::Request;
use JSON ();
use LWP::UserAgent;
use POSIX ();
use Test::More ();
use URI::Escape ();
use PD::OpenAPI ();
use Time::HiRes qw(sleep time);
use URI;

our @EXPORT = qw(
    api new_ticket last_response
    db_query db_value db_do
    user_id pharmacy_id category_id module_id
    pg_stop pg_start httpd_stop httpd_start httpd_pids read_file restart_with capture apache2_capture
    second_apache_start second_apache_stop
    wait_until clear_of_minute_turn expect_error_log parallel
    token_for mint_token subject_of
    $JSON
);

our $JSON = JSON->new->utf8->canonical->allow_nonref;
# Children of parallel() may return responses: they travel as plain hashes.
my $RESULT_JSON = JSON->new->utf8->allow_nonref->allow_blessed->convert_blessed;

sub _env {
    my ($name) = @_;
    my $v = $ENV{$name};
    croak "$name is not set: run the tests through scripts/test" unless defined $v && length $v;
    return $v;
}

# ---- HTTP --------------------------------------------------------------------

my ($ua, $ua_pid);

# A forked child must not share the parent's kept-alive sockets.
sub _ua {
    if (!$ua || $ua_pid != $$) {
        $ua = LWP::UserAgent->new(
            keep_alive   => 8,
            max_redirect => 0,
            timeout      => 30,
        );
        $ua_pid = $$;
    }
    return $ua;
}

my $last_response;
sub last_response { $last_response }
my $last_sent = 0;

# api($user, $method, $path, %opt): $user undef means no Authorization
# header; otherwise a bearer token for that user from the development
# provider (token_for). Options: token => $raw (send this token instead),
# json => $ref, body => $raw, content_type, headers => {...},
# query => {... or [k, v, ...]}.
sub api {
    my ($user, $method, $path, %opt) = @_;
    croak 'api: method and path required' unless defined $method && defined $path;
    my $uri = URI->new(_env('PD_TEST_URL') . $path);
    if (my $q = $opt{query}) {
        my @pairs = ref $q eq 'HASH' ? map { ($_ => $q->{$_}) } sort keys %$q : @$q;
        $uri->query_form($uri->query_form, @pairs);
    }
    my @headers;
    my $token = exists $opt{token} ? $opt{token} : defined $user ? token_for($user) : undef;
    push @headers, Authorization => "Bearer $token" if defined $token;
    my $content;
    if (exists $opt{json}) {
        $content = $JSON->encode($opt{json});
        push @headers, 'Content-Type' => $opt{content_type} // 'application/json';
    } elsif (exists $opt{body}) {
        $content = $opt{body};
        push @headers, 'Content-Type' => $opt{content_type} if defined $opt{content_type};
    } elsif (defined $opt{content_type}) {
        push @headers, 'Content-Type' => $opt{content_type};
    }
    push @headers, %{ $opt{headers} } if $opt{headers};
    my $req = HTTP::Request->new(uc $method, $uri, \@headers, $content);
    $req->content_length(length $content) if defined $content;
    # A request that changes something cannot be sent again (below): it
    # never goes out on a connection that has been idle long enough for
    # Apache to be closing it (KeepAliveTimeout, 5 s).
    _ua()->conn_cache->drop if $req->method !~ /^(?:GET|HEAD|OPTIONS)$/
        && Time::HiRes::time() - $last_sent > 2;
    my $res = _ua()->request($req);
    $last_sent = Time::HiRes::time();
    # A kept-alive connection Apache closes (its KeepAliveTimeout) just as
    # the next request goes out comes back as an answer LWP made up; a
    # request that changes nothing is sent again once, as browsers do.
    if (($res->header('Client-Warning') // '') eq 'Internal response'
        && $req->method =~ /^(?:GET|HEAD|OPTIONS)$/) {
        Test::More::diag("$method $path: " . $res->status_line . '; sent again');
        $res = _ua()->request($req);
    }
    check_api_answer($req, $res);
    return $last_response = PD::Test::Response->new($res);
}

# Checks an LWP exchange with the API against the API's description
# (PD::OpenAPI); answers LWP made up itself (no connection) are not the
# server's.
sub check_api_answer {
    my ($req, $res) = @_;
    return if ($res->header('Client-Warning') // '') eq 'Internal response';
    PD::OpenAPI::check({
        method       => $req->method,
        path         => URI::Escape::uri_unescape($req->uri->path),
        status       => $res->code,
        content_type => scalar $res->header('Content-Type'),
        allow        => scalar $res->header('Allow'),
        body         => $res->content,
    });
}

# ---- tokens --------------------------------------------------------------------

my %accounts;    # preferred_username => sub, from idp/accounts-test.json

sub _accounts {
    return \%accounts if %accounts;
    my $file = _env('PD_ROOT') . '/idp/accounts-test.json';
    open my $fh, '<', $file or croak "$file: $!";
    my $list = $JSON->decode(do { local $/; <$fh> });
    %accounts = map { ($_->{preferred_username} => $_->{sub}) } @$list;
    return \%accounts;
}

# The subject (sub) a test user signs in with: the provider account's sub,
# or, for a user a test made up, the name itself.
sub subject_of { my ($user) = @_; _accounts()->{$user} // $user }

# mint_token(%p): an access token from the provider's test endpoint, signed
# with its real key. %p as idp/server.js's /test/token takes it: username or
# sub, and iss, aud, exp_in, no_exp, alg, typ (the header's; undef: none),
# bad_signature, claims to break or change it.
sub mint_token {
    my (%p) = @_;
    my $res = _ua()->post(_env('PD_TEST_IDP_URL') . '/test/token',
        'Content-Type' => 'application/json', Content => $JSON->encode(\%p));
    croak 'test token: ' . $res->status_line . ' ' . $res->decoded_content unless $res->is_success;
    return $JSON->decode($res->decoded_content)->{access_token};
}

my %tokens;

# A valid access token for a test user, minted once per process. Users the
# provider does not know get a token that carries their sub and no claims.
sub token_for {
    my ($user) = @_;
    return $tokens{$user} //= exists _accounts()->{$user}
        ? mint_token(username => $user)
        : mint_token(sub => $user);
}

# new_ticket($user, %fields): a valid ticket with overridable fields. The
# pharmacy defaults to the user's own (customers) or APT-A (staff).
sub new_ticket {
    my ($user, %fields) = @_;
    my $pharmacy = db_value('SELECT pharmacy_id FROM users WHERE username = ?', $user)
        // pharmacy_id('APT-A');
    my %body = (
        pharmacy_id => $pharmacy,
        pic_name    => 'Budi Santoso',
        contact     => '0812-0000-0000',
        app_version => '5.2.1',
        module_id   => module_id('Penjualan'),
        category_id => category_id('Bug Sistem'),
        title       => 'Struk tidak tercetak',
        description => 'Setelah transaksi selesai, struk tidak keluar dari printer.',
        priority    => 'medium',
        %fields,
    );
    my $r = api($user, POST => '/api/tickets', json => \%body);
    Test::More::diag("new_ticket($user): HTTP $r->{status}: $r->{body}")
        unless $r->{status} == 201 || $r->{status} == 200;
    return $r->{json};
}

# ---- database ----------------------------------------------------------------

my ($dbh, $dbh_pid);

sub _dbh {
    if ($dbh && $dbh_pid == $$ && $dbh->ping) {
        return $dbh;
    }
    # After a fork or a server restart the old handle is useless; dropping it
    # must not close the parent's connection.
    $dbh->{InactiveDestroy} = 1 if $dbh && $dbh_pid != $$;
    my $dsn = sprintf 'dbi:Pg:dbname=%s;host=%s;port=%s',
        _env('PD_TEST_DB'), _env('PD_TEST_PGHOST'), _env('PD_TEST_PGPORT');
    $dbh = DBI->connect($dsn, $ENV{PD_TEST_PGUSER} // 'pharmadesk', '', {
        RaiseError          => 1,
        PrintError          => 0,
        AutoCommit          => 1,
        AutoInactiveDestroy => 1,
        pg_enable_utf8      => 1,
    });
    $dbh_pid = $$;
    return $dbh;
}

# Rows come back as hashes that can also be read as arrays in column order:
# $row->{id} and $row->[0] both work. In scalar context: an arrayref of rows.
sub db_query {
    my ($sql, @bind) = @_;
    my $sth = _dbh()->prepare($sql);
    $sth->execute(@bind);
    my @rows;
    if ($sth->{NUM_OF_FIELDS}) {
        my @names = @{ $sth->{NAME} };
        while (my $a = $sth->fetchrow_arrayref) {
            push @rows, PD::Test::Row->new(\@names, [@$a]);
        }
    }
    return wantarray ? @rows : \@rows;
}

# First column of the first row, or undef.
sub db_value {
    my ($sql, @bind) = @_;
    my $row = _dbh()->selectrow_arrayref($sql, undef, @bind);
    return $row ? $row->[0] : undef;
}

# Statements without a result set; returns the affected row count.
sub db_do {
    my ($sql, @bind) = @_;
    my $n = _dbh()->do($sql, undef, @bind);
    return $n eq '0E0' ? 0 : $n;
}

sub _lookup {
    my ($what, $sql, $key) = @_;
    my $id = db_value($sql, $key);
    croak "no $what '$key' in the test database" unless defined $id;
    return $id;
}

sub user_id     { _lookup(user     => 'SELECT id FROM users WHERE username = ?', $_[0]) }
sub pharmacy_id { _lookup(pharmacy => 'SELECT id FROM pharmacies WHERE code = ?', $_[0]) }
sub category_id { _lookup(category => 'SELECT id FROM ticket_categories WHERE name = ?', $_[0]) }
sub module_id   { _lookup(module   => 'SELECT id FROM ticket_modules WHERE name = ?', $_[0]) }

# ---- services ----------------------------------------------------------------

# capture(@cmd): runs a command, returns its exit code and its output
# (stdout and stderr together).
sub capture {
    my @cmd = @_;
    my $pid = open(my $fh, '-|') // croak "fork: $!";
    if (!$pid) {
        open STDERR, '>&', \*STDOUT;
        exec { $cmd[0] } @cmd or print "exec $cmd[0]: $!\n";
        POSIX::_exit(127);
    }
    my $out = do { local $/; <$fh> } // '';
    close $fh;
    return ($? >> 8, $out);
}

# Output is shown only when the command fails: pg_ctl's chatter on stdout
# would otherwise land in the TAP stream.
sub _run {
    my @cmd = @_;
    my ($rc, $out) = capture(@cmd);
    croak "@cmd: exit $rc" . ($out eq '' ? '' : "\n$out") if $rc;
}

sub _pg_ctl {
    my @args = @_;
    _run('runuser', '-u', 'postgres', '--', _env('PD_TEST_PGBIN') . '/pg_ctl',
        '-D', _env('PD_TEST_PGDATA'), @args);
}

sub pg_stop {
    $dbh->{InactiveDestroy} = 1 if $dbh && $dbh_pid != $$;
    undef $dbh;
    _pg_ctl('-m', 'fast', '-w', '-t', '60', 'stop');
}

sub pg_start {
    my @log = $ENV{PD_TEST_PGLOG} ? ('-l', $ENV{PD_TEST_PGLOG}) : ();
    _pg_ctl(@log, '-w', '-t', '60', 'start');
}

sub _httpd_pid {
    open my $fh, '<', _env('PD_TEST_RUN_DIR') . '/httpd.pid' or return;
    my $pid = <$fh>;
    return unless defined $pid && $pid =~ /^(\d+)/;
    return kill(0, $1) ? $1 : undef;
}

# httpd_pids(): Apache's parent process, then its children (none while it
# is not running).
sub httpd_pids {
    my $parent = _httpd_pid() or return;
    my @pids = ($parent);
    for my $status (glob '/proc/[0-9]*/status') {
        open my $s, '<', $status or next;
        local $/;
        my $text = <$s> // '';
        push @pids, $1 if $text =~ /^PPid:\s*$parent$/m && $status =~ m{/proc/(\d+)/};
    }
    return @pids;
}

# apache2 as scripts/test starts it: an ASan-built module needs its runtime
# preloaded (PD_TEST_HTTPD_PRELOAD).
sub _with_httpd_env {
    my ($run) = @_;
    local $ENV{LD_PRELOAD} = $ENV{PD_TEST_HTTPD_PRELOAD} if $ENV{PD_TEST_HTTPD_PRELOAD};
    local $ENV{ASAN_OPTIONS} = $ENV{ASAN_OPTIONS} // 'detect_leaks=0:abort_on_error=0'
        if $ENV{PD_TEST_HTTPD_PRELOAD};
    return $run->();
}

sub _apache2 {
    my @args = @_;
    _with_httpd_env(sub { _run('apache2', '-f', _env('PD_TEST_HTTPD_CONF'), '-k', @args) });
}

# apache2 with these arguments, as scripts/test would start it: its exit
# code and its output (stdout and stderr together).
sub apache2_capture {
    my @args = @_;
    return _with_httpd_env(sub { capture('apache2', @args) });
}

sub httpd_stop {
    my $pid = _httpd_pid() or return;
    my @children = grep { $_ != $pid } httpd_pids();
    _apache2('stop');
    # a stop takes well under a second; one that takes longer ends with
    # Apache killing a child (AH00046, which t/99 reports): say what the
    # child's threads and the database were doing while it is still there
    _slow_stop_diag(@children) unless wait_until(sub { !kill 0, $pid }, 4);
    wait_until(sub { !kill 0, $pid }, 30) or croak "Apache (pid $pid) did not stop";
    undef $ua;
}

sub _slow_stop_diag {
    my @children = grep { kill 0, $_ } @_;
    Test::More::diag("Apache is slow to stop; children still running: @children");
    for my $child (@children) {
        my $idle = 0;
        for my $task (glob "/proc/$child/task/*") {
            my %f;
            for my $name (qw(comm wchan syscall)) {
                open my $fh, '<', "$task/$name" or next;
                local $/;
                ($f{$name} = <$fh> // '') =~ s/\s+$//;
            }
            my ($nr) = split ' ', $f{syscall} // '';
            # idle workers wait on their queue's condition variable
            if (($f{wchan} // '') =~ /^futex/) {
                $idle++;
                next;
            }
            Test::More::diag(sprintf '  %s: %s, waiting in %s (syscall %s)', $task, $f{comm} // '?',
                             $f{wchan} || '-', $nr // '?');
        }
        Test::More::diag("  $child: $idle more threads waiting on a futex");
    }
    my @busy = eval {
        db_query(q{SELECT pid, state, wait_event_type, wait_event, now() - query_start AS waited,
                          left(regexp_replace(query, '\s+', ' ', 'g'), 160) AS query
                   FROM pg_stat_activity
                   WHERE datname = current_database() AND pid <> pg_backend_pid()
                     AND state IS DISTINCT FROM 'idle'});
    };
    Test::More::diag(sprintf '  database pid %s, %s, waiting %s/%s for %s: %s', map { $_ // '-' } @$_[0 .. 5])
        for @busy;
}

sub httpd_start {
    _apache2('start');
    my $url = _env('PD_TEST_URL') . '/';
    wait_until(sub {
        # LWP reports its own failure to connect as a 500 with this header
        my $res = _ua()->get($url);
        !($res->code == 500 && ($res->header('Client-Warning') // '') eq 'Internal response');
    }, 30) or croak 'Apache did not come back';
}

# ---- helpers -----------------------------------------------------------------

# Polls until the sub returns true; returns its value, or false on timeout.
# A configuration file's text, and Apache restarted with new text in it
# (written whole, then renamed, so Apache never reads half a file).
sub read_file {
    my ($path) = @_;
    open my $fh, '<', $path or croak "$path: $!";
    local $/;
    return scalar <$fh>;
}
sub restart_with {
    my ($path, $text) = @_;
    open my $out, '>', "$path.tmp" or croak "$path.tmp: $!";
    print {$out} $text;
    close $out or croak "$path.tmp: $!";
    rename "$path.tmp", $path or croak "$path: $!";
    httpd_stop();
    httpd_start();
}

# A second Apache on the same database and with the same authentication,
# from the configuration text $conf (the first's, changed as a test
# needs), in a run directory, on a port and with logs of its own. A hash:
# dir, port, rc and out (of apache2 -k start), running (its pid file came).
sub second_apache_start {
    my ($conf) = @_;
    my $run = _env('PD_TEST_RUN_DIR');
    my $dir = "${run}2";
    mkdir $dir;
    chmod 0755, $dir;
    my $port = _env('PD_TEST_PORT') + 7;
    $port++ while IO::Socket::INET->new(PeerAddr => '127.0.0.1', PeerPort => $port, Timeout => 1);
    (my $conf2 = $conf) =~ s/\Q$run\E(?=["\/\s]|$)/$dir/gm;
    $conf2 =~ s/^Listen 127\.0\.0\.1:\d+$/Listen 127.0.0.1:$port/m;
    $conf2 =~ s/^ServerName localhost:\d+$/ServerName localhost:$port/m;
    # the same authentication, read from the first's run directory
    $conf2 =~ s/^Include "\Q$dir\E\/auth\.conf"$/Include "$run\/auth.conf"/m;
    # and the same desk token secret, as every node of a cluster has
    $conf2 =~ s/^PharmadeskDeskTokenSecretFile "\Q$dir\E\/desk-token-secret"$/PharmadeskDeskTokenSecretFile "$run\/desk-token-secret"/m;
    open my $fh, '>', "$dir/httpd.conf" or croak "$dir/httpd.conf: $!";
    print {$fh} $conf2;
    close $fh or croak "$dir/httpd.conf: $!";
    my ($rc, $out) = apache2_capture('-f', "$dir/httpd.conf", '-k', 'start');
    return { dir => $dir, port => $port, rc => $rc, out => $out,
             running => wait_until(sub { -s "$dir/httpd.pid" }, 20) };
}

# Stops it: apache2's exit code and output, then the error lines it logged
# (besides mod_dbd's own).
sub second_apache_stop {
    my ($second) = @_;
    my $dir = $second->{dir};
    my ($rc, $out) = apache2_capture('-f', "$dir/httpd.conf", '-k', 'stop');
    wait_until(sub { !-e "$dir/httpd.pid" }, 30);
    my @errors = grep { /\[(?:\w+:)?error\]/ && !/AH00\d+|DBD/ } do {
        open my $l, '<', "$dir/error.log" or ();
        <$l>;
    };
    return ($rc, $out, @errors);
}

sub wait_until {
    my ($cond, $timeout) = @_;
    my $deadline = time + ($timeout // 10);
    while (1) {
        my $v = $cond->();
        return $v if $v;
        return 0 if time >= $deadline;
        sleep 0.1;
    }
}

# Service level states and business minutes are reckoned to the minute
# (the API's clock is now() truncated to the minute), so two reads of the
# same data differ across a minute's turn. A test that compares two answers
# for equality first waits, if need be, until the database's clock has at
# least $seconds before the next turn.
sub clear_of_minute_turn {
    my ($seconds) = @_;
    my $left = db_value(q{SELECT 60 - extract(second FROM clock_timestamp())});
    sleep $left + 0.5 if $left < $seconds;
}

# Tells t/99-error-log.t that error-log lines matching this are this test's
# doing (e.g. PostgreSQL stopped on purpose), not a server fault.
sub expect_error_log {
    my ($re) = @_;
    my $s = ref $re eq 'Regexp' ? "$re" : quotemeta $re;
    croak 'expect_error_log: the pattern must fit on one line' if $s =~ /\n/;
    my $file = _env('PD_TEST_RUN_DIR') . '/expected-errors';
    open my $fh, '>>', $file or croak "$file: $!";
    print {$fh} "$s\n";
    close $fh or croak "$file: $!";
}

# parallel($n, sub { my ($i) = @_; ... }) runs the sub in $n forked children
# that start together, and returns their return values in order. The sub
# must return data, not run test assertions: only the parent reports.
sub parallel {
    my ($n, $code) = @_;
    pipe(my $go_r, my $go_w) or croak "pipe: $!";
    my @kids;
    for my $i (0 .. $n - 1) {
        pipe(my $r, my $w) or croak "pipe: $!";
        my $pid = fork // croak "fork: $!";
        if (!$pid) {
            close $r;
            close $go_w;
            # wait for the parent to close its end: every child is forked
            sysread $go_r, my $buf, 1;
            my $msg = eval { $RESULT_JSON->encode({ ok => [$code->($i)] }) }
                // $RESULT_JSON->encode({ error => "$@" });
            binmode $w;
            print {$w} $msg;
            close $w;
            POSIX::_exit(0);
        }
        close $w;
        push @kids, [$pid, $r];
    }
    close $go_w;
    close $go_r;
    my (@results, @errors);
    for my $i (0 .. $#kids) {
        my ($pid, $r) = @{ $kids[$i] };
        local $/;
        binmode $r;
        my $msg = <$r>;
        close $r;
        waitpid $pid, 0;
        my $got = defined $msg && length $msg ? eval { $JSON->decode($msg) } : undef;
        if (!$got) {
            push @errors, "child $i exited without a result (status $?)";
        } elsif (exists $got->{error}) {
            push @errors, "child $i died: $got->{error}";
        } else {
            my $v = $got->{ok};
            $results[$i] = @$v == 0 ? undef : @$v == 1 ? $v->[0] : $v;
        }
    }
    croak join "\n", @errors if @errors;
    return @results;
}

# ---- response ------------------------------------------------------------------

package PD::Test::Response;

# Fields: status, headers (HTTP::Headers: ->header('Allow') is
# case-insensitive, and ->{allow} works too), json (decoded body or undef),
# body (raw bytes), res (the HTTP::Response).
sub new {
    my ($class, $res) = @_;
    my $body = $res->content;
    my $json;
    if (length $body && (($res->header('Content-Type') // '') =~ /json/ || $body =~ /^\s*[\[{]/)) {
        $json = eval { $PD::Test::JSON->decode($body) };
    }
    return bless {
        status  => $res->code,
        headers => $res->headers,
        json    => $json,
        body    => $body,
        res     => $res,
    }, $class;
}

sub status  { $_[0]{status} }
sub json    { $_[0]{json} }
sub body    { $_[0]{body} }
sub res     { $_[0]{res} }
sub headers { $_[0]{headers} }
sub header  { my ($self, $name) = @_; scalar $self->{headers}->header($name) }

# What a response becomes when it crosses the pipe out of parallel().
sub TO_JSON {
    my ($self) = @_;
    my %h;
    $self->{headers}->scan(sub { $h{ lc $_[0] } = $_[1] });
    return { status => $self->{status}, json => $self->{json}, body => $self->{body}, headers => \%h };
}

# ---- rows ----------------------------------------------------------------------

package PD::Test::Row;

use Scalar::Util qw(refaddr);

my %values;    # refaddr => [values in column order]

use overload '@{}' => sub { $values{ refaddr $_[0] } }, fallback => 1;

sub new {
    my ($class, $names, $vals) = @_;
    my %h;
    @h{@$names} = @$vals;
    my $self = bless \%h, $class;
    $values{ refaddr $self } = $vals;
    return $self;
}

sub DESTROY { delete $values{ refaddr $_[0] } }

1;
