#!/usr/bin/perl
# PostgreSQL goes away and comes back while Apache keeps running: requests in
# between answer 503 with Retry-After, and service resumes by itself (pooled
# connections reconnect, prepared statements are prepared again).
use strict;
use warnings;
use lib "$ENV{PD_ROOT}/t/lib";
use Test::More;
use PD::Test;
use PD::Fixtures;

# What an outage leaves in the error log: mod_dbd failing to connect or to
# reach a pooled connection, and the module's own database-failure line.
expect_error_log(qr/\[dbd:error\].*\b(?:AH00629|AH00632|AH00633|AH00636|AH00639|AH02655)\b/);
expect_error_log(qr/DBD \[pgsql\] Error/);
expect_error_log(qr/pharmadesk: database failure/);

my $httpd_pid = do {
    open my $fh, '<', "$ENV{PD_TEST_RUN_DIR}/httpd.pid" or die "httpd.pid: $!";
    my $p = <$fh>; chomp $p; $p;
};

my $t = create_ticket('cust_a', title => tag('Sebelum'))->json;
ok $t && $t->{id}, 'a ticket before the outage';
# warm up several pooled connections, each with prepared statements
my @warm = parallel(6, sub {
    my @s;
    push @s, api('cust_a', GET => '/api/tickets', query => { limit => 2 })->status for 1 .. 5;
    push @s, api('expert', GET => "/api/tickets/$t->{id}")->status;
    return join ',', @s;
});
is_deeply \@warm, [('200,200,200,200,200,200') x 6], 'requests succeed before the outage';

# built beforehand: ticket_body reads the database
my $body = ticket_body('cust_a', title => tag('Selama'));

pg_stop();

my @down = (
    ['GET /api/tickets',      api('cust_a', GET => '/api/tickets')],
    ["GET /api/tickets/$t->{id}", api('expert', GET => "/api/tickets/$t->{id}")],
    ['GET /api/me',           api('admin', GET => '/api/me')],
    ['POST /api/tickets',     api('cust_a', POST => '/api/tickets', json => $body)],
    ["PATCH /api/tickets/$t->{id}", api('expert', PATCH => "/api/tickets/$t->{id}", json => { priority => 'high' })],
);
for (@down) {
    my ($what, $r) = @$_;
    is_error $r, 503, 'service_unavailable', undef, "$what while PostgreSQL is down: 503";
    like $r->header('Retry-After') // '', qr/^\d+$/, "... with Retry-After";
    api_headers_ok $r, '... and the headers of every API answer (no-store, nosniff, no validators)';
}
is $down[0][1]->header('Retry-After'), 5, 'Retry-After is PharmadeskRetryAfter (5)';
is api('admin', GET => '/api/nothing-here')->status, 404, 'routing needs no database: 404 still';

pg_start();

my $back = wait_until(sub { api('cust_a', GET => '/api/tickets', query => { limit => 1 })->status == 200 }, 20);
ok $back, 'GET succeeds again within seconds of PostgreSQL coming back';
my $post = api('cust_a', POST => '/api/tickets', json => ticket_body('cust_a', title => tag('Sesudah')));
is $post->status, 201, 'POST succeeds again';
is api('expert', PATCH => "/api/tickets/$t->{id}", json => { priority => 'high' })->status, 200, 'PATCH succeeds again';
is db_value('SELECT count(*) FROM tickets WHERE title = ?', $body->{title}), 0,
    'the create refused during the outage left nothing';

# every pooled connection (several children, several threads) must have
# recovered, not just the first one tried
my @after = parallel(6, sub {
    my @s;
    for my $n (1 .. 4) {
        push @s, api('cust_a', GET => '/api/tickets', query => { limit => 2 })->status;
        push @s, api('expert', GET => "/api/tickets/$t->{id}")->status;
    }
    return join ',', @s;
});
is_deeply \@after, [(join ',', (200) x 8) x 6], 'parallel clients: every request succeeds';

my @statuses = map {
    $_ % 2 ? api('cust_a', POST => '/api/tickets', json => ticket_body('cust_a', title => tag('Beruntun')))->status
           : api('manager', GET => '/api/tickets', query => { status => 'open', limit => 5 })->status
} 1 .. 20;
is_deeply \@statuses, [map { $_ % 2 ? 201 : 200 } 1 .. 20], '20 consecutive requests all succeed';

my $now_pid = do { open my $fh, '<', "$ENV{PD_TEST_RUN_DIR}/httpd.pid" or die; my $p = <$fh>; chomp $p; $p };
is $now_pid, $httpd_pid, 'the same Apache all along: no restart';
ok kill(0, $httpd_pid), '... and it is running';

done_testing;
