#!/usr/bin/perl
# What operators watch: /metrics in Prometheus's text format (requests by
# route and status, latency histograms, the database pool, the background
# jobs, the outbox and the service levels), closed to all but loopback, and
# the module's section of mod_status's server-status.
use strict;
use warnings;
use lib "$ENV{PD_ROOT}/t/lib";
use Test::More;
use LWP::UserAgent;
use PD::Test;
use PD::Fixtures qw(create_ticket);

my $ua = LWP::UserAgent->new(timeout => 10, max_redirect => 0);
my $url = "$ENV{PD_TEST_URL}/metrics";

# The samples of one scrape: "name{labels}" => value.
sub scrape {
    my $r = $ua->get($url);
    die 'GET /metrics: ' . $r->status_line unless $r->code == 200;
    my %v;
    for (split /\n/, $r->decoded_content) {
        next if /^#/ || !length;
        my ($k, $val) = /^(.+) (\S+)$/ or die "not a sample line: $_";
        $v{$k} = $val;
    }
    return \%v;
}
sub requests_of { my ($m, $route, $status) = @_; $m->{qq(pharmadesk_http_requests_total{route="$route",status="$status"})} // 0 }

my $r = $ua->get($url);
is $r->code, 200, 'GET /metrics from loopback: 200, without a session';
is $r->header('Content-Type'), 'text/plain; version=0.0.4; charset=utf-8', "... Prometheus's text format";
like $r->decoded_content, qr/^# TYPE pharmadesk_http_requests_total counter$/m, '... with TYPE lines';
is $ua->post($url, Content => '')->code, 405, 'POST /metrics: 405';

# ---- requests by route and status, across the server's processes -------------------------

my $t = create_ticket('cust_a')->json;
my $before = scrape();
my @codes = parallel(4, sub {
    my @s;
    push @s, api('cust_a', GET => '/api/tickets', query => { limit => 1 })->status for 1 .. 5;
    push @s, api('cust_a', GET => '/api/tickets/999999999')->status;
    push @s, api(undef, GET => '/api/me')->status;
    return join ',', @s;
});
is_deeply \@codes, [('200,200,200,200,200,404,401') x 4], 'requests from four clients at once';
my $after = scrape();
is requests_of($after, 'GET /tickets', 200) - requests_of($before, 'GET /tickets', 200), 20,
    'GET /tickets 200: counted 20, whichever process served them';
is requests_of($after, 'GET /tickets/{id}', 404) - requests_of($before, 'GET /tickets/{id}', 404), 4,
    'GET /tickets/{id} 404: 4';
is requests_of($after, 'none', 401) - requests_of($before, 'none', 401), 4,
    'the 401s before any route: 4, as route "none"';

# the histogram of a route: buckets that grow, +Inf equal to the count
{
    my $route = 'GET /tickets';
    my @le = map { /le="([^"]+)"/ ? $1 : () }
        grep { /^pharmadesk_http_request_duration_seconds_bucket\{route="\Q$route\E",/ } keys %$after;
    my @sorted = sort { ($a eq '+Inf' ? 1e9 : $a) <=> ($b eq '+Inf' ? 1e9 : $b) } @le;
    is scalar @sorted, 13, 'a latency histogram of 13 buckets for GET /tickets';
    my @counts = map { $after->{qq(pharmadesk_http_request_duration_seconds_bucket{route="$route",le="$_"})} } @sorted;
    is_deeply [sort { $a <=> $b } @counts], \@counts, '... cumulative';
    is $counts[-1], $after->{qq(pharmadesk_http_request_duration_seconds_count{route="$route"})},
        '... the last (+Inf) is the count';
    cmp_ok $after->{qq(pharmadesk_http_request_duration_seconds_sum{route="$route"})}, '>', 0, '... and a sum';
}

# ---- the pool, the jobs, the database's gauges ------------------------------------------

cmp_ok $after->{pharmadesk_db_acquires_total} - $before->{pharmadesk_db_acquires_total}, '>=', 20,
    'database acquires are counted';
is $after->{pharmadesk_database_up}, 1, 'the database is up';
for my $g (qw(pharmadesk_outbox_events pharmadesk_outbox_oldest_age_seconds pharmadesk_notify_deliveries_waiting
              pharmadesk_notify_deliveries_oldest_age_seconds pharmadesk_notify_deliveries_dead
              pharmadesk_sla_breached_tickets)) {
    like $after->{$g} // '', qr/^\d+(?:\.\d+)?$/, "$g is there";
}
is $after->{pharmadesk_sla_breached_tickets},
    db_value(q{SELECT count(*) FROM tickets WHERE status IN ('open', 'in_review', 'in_progress', 'waiting_customer')
               AND sla_due_at < now()}), '... the breached tickets are a recount';
for my $job (qw(chores dashboard sla_sweep compliance notify whatsapp_forget)) {
    my $last = qq(pharmadesk_background_last_success_timestamp_seconds{job="$job"});
    ok wait_until(sub { (scrape()->{$last} // 0) > time - 30 }, 15), "the job $job ran lately";
}

# ---- the database away ---------------------------------------------------------------------

expect_error_log(qr/\[dbd:error\].*\b(?:AH00629|AH00632|AH00633|AH00636|AH00639|AH02655)\b/);
expect_error_log(qr/DBD \[pgsql\] Error/);
expect_error_log(qr/pharmadesk: database failure/);
pg_stop();
my $down = scrape();
is $down->{pharmadesk_database_up}, 0, 'PostgreSQL stopped: /metrics still answers, database_up 0';
ok !exists $down->{pharmadesk_outbox_events}, '... without the gauges it cannot read';
is api('cust_a', GET => '/api/tickets')->status, 503, 'an API request meanwhile: 503';
my $down2 = scrape();
cmp_ok $down2->{pharmadesk_db_acquire_failures_total}, '>', $after->{pharmadesk_db_acquire_failures_total},
    '... counted as a failed acquire';
is requests_of($down2, 'GET /tickets', 503) - requests_of($after, 'GET /tickets', 503), 1,
    '... and as a 503 of GET /tickets';
pg_start();
ok wait_until(sub { scrape()->{pharmadesk_database_up} }, 20), 'PostgreSQL back: database_up 1';

# ---- closed to the world, and server-status ------------------------------------------------

my $conf = $ENV{PD_TEST_HTTPD_CONF};
my $original = read_file($conf);
(my $elsewhere = $original) =~ s{(<Location /metrics>.*?)Require local}{${1}Require ip 192.0.2.1}s
    or BAIL_OUT('no Require local in <Location /metrics>');
restart_with($conf, $elsewhere . <<'EOF');
LoadModule status_module /usr/lib/apache2/modules/mod_status.so
<Location /server-status>
    SetHandler server-status
    AuthType None
    Require local
</Location>
EOF
expect_error_log(qr/AH01630: client denied by server configuration: .*\/metrics$/);
is $ua->get($url)->code, 403, '/metrics for another address than ours: 403';
api('cust_a', GET => '/api/tickets', query => { limit => 1 }) for 1 .. 3;
my $auto = $ua->get("$ENV{PD_TEST_URL}/server-status?auto")->decoded_content;
like $auto, qr/^PharmadeskRequests: [1-9]\d*$/m, 'server-status?auto: the API requests';
like $auto, qr/^PharmadeskErrors5xx: \d+$/m, '... the 5xx answers';
like $auto, qr/^PharmadeskDbAcquireFailures: \d+$/m, '... the failed acquires';
like $auto, qr/^PharmadeskJobLastRun_notify: \d+$/m, '... and when each job last ran';
my $html;
wait_until(sub {
    $html = $ua->get("$ENV{PD_TEST_URL}/server-status")->decoded_content;
    $html =~ m{<th>job notify</th><td>last run \d+ s ago};
}, 15);
like $html, qr{<h2>Pharmadesk</h2>.*<th>API requests</th>}s, 'server-status: a Pharmadesk section';
like $html, qr{<th>job notify</th><td>last run \d+ s ago}, '... with when each job last ran';
restart_with($conf, $original);
is $ua->get($url)->code, 200, 'the configuration as it was';

done_testing;
