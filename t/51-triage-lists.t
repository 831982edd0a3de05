#!/usr/bin/perl
# Lists for triage on GET /api/tickets: a staff work queue lists what needs
# action first (the most urgent, then the oldest), keyset-paged without a
# gap or a repeat; a customer's list can put the tickets waiting for them
# first (sort=waiting); count=true gives a bounded count of the whole list;
# GET /api/tickets/counts gives the menu's queue sizes.
use strict;
use warnings;
use lib 't/lib';
use Test::More;
use PD::Test;
use PD::Fixtures qw(is_error tag create_ticket all_pages set_ticket);

my $T = tag('Triase');
my %rank = (low => 1, medium => 2, high => 3, urgent => 4);

# unassigned and in review, of each priority, created at known times
my @made;
my $n = 0;
for my $prio (qw(low urgent medium high urgent low high)) {
    my $id = create_ticket('cust_a', title => "$T $prio")->json->{id};
    $n++;
    set_ticket($id, status => 'in_review', priority => $prio,
        created_at => sprintf('2026-01-%02d 08:00:00+00', 10 - $n));
    push @made, $id;
}
my %ours = map { $_ => 1 } @made;

# ---- the default order of a staff queue -----------------------------------------

my ($items, $pages) = all_pages('expert', '/api/tickets', { queue => 'review', limit => 2 });
ok @$pages > 1, 'the review queue by pages of two';
ok !(grep { $_->status != 200 } @$pages), '... each answered 200';
my @seen = map { $_->{id} } @$items;
my %once;
ok !(grep { $once{$_}++ } @seen), 'no ticket on two pages';
my @mine = grep { $ours{ $_->{id} } } @$items;
is scalar(@mine), scalar(@made), 'every ticket of ours on some page';
my @want = sort { $rank{ $b->{priority} } <=> $rank{ $a->{priority} } || $a->{created_at} cmp $b->{created_at}
                  || $a->{id} <=> $b->{id} } @mine;
is_deeply [map { $_->{id} } @mine], [map { $_->{id} } @want], 'urgent first, then the oldest within a priority';
my $prev;
my $ordered = 1;
for my $t (@$items) {
    my $key = [-$rank{ $t->{priority} }, $t->{created_at}];
    if ($prev && ($key->[0] < $prev->[0] || ($key->[0] == $prev->[0] && $key->[1] lt $prev->[1]))) {
        $ordered = 0;
    }
    $prev = $key;
}
ok $ordered, 'the whole queue in that order, across pages';

my ($desc) = all_pages('expert', '/api/tickets', { queue => 'review', sort => 'action', order => 'desc', limit => 3 });
is_deeply [map { $_->{id} } grep { $ours{ $_->{id} } } @$desc], [reverse map { $_->{id} } @want],
    'order=desc: the reverse';
my ($plain) = all_pages('expert', '/api/tickets', { status => 'in_review', limit => 100 });
my @plain = grep { $ours{ $_->{id} } } @$plain;
is_deeply [map { $_->{id} } @plain], [map { $_->{id} } sort { $b->{created_at} cmp $a->{created_at} } @plain],
    'a list without a queue keeps the newest first';

# a queue's finished tickets are looked up, not worked: the newest first
my @done;
for my $day (3, 5, 4) {
    my $id = create_ticket('cust_a', title => tag('Selesai') . " $day")->json->{id};
    set_ticket($id, status => 'closed', expert_id => user_id('expert'),
        created_at => sprintf('2026-02-%02d 08:00:00+00', $day));
    push @done, $id;
}
my %done = map { $_ => 1 } @done;
my ($finished) = all_pages('expert', '/api/tickets', { queue => 'mine', status => 'solved,closed,cancelled', limit => 2 });
is_deeply [map { $_->{id} } grep { $done{ $_->{id} } } @$finished], [@done[1, 2, 0]],
    "a queue asked for its finished tickets lists the newest first";
# ... and one asked for every status (no status filter) too: urgency among
# finished tickets means nothing
set_ticket($made[1], expert_id => user_id('expert'));
my ($every) = all_pages('expert', '/api/tickets', { queue => 'mine', limit => 2 });
my %every = map { $_->{id} => 1 } @$every;
ok $every{ $done[0] } && $every{ $made[1] }, 'a queue of every status holds finished and unsolved tickets';
is_deeply [map { $_->{id} } @$every],
    [map { $_->{id} } sort { $b->{created_at} cmp $a->{created_at} || $b->{id} <=> $a->{id} } @$every],
    '... newest first, across pages';

# ---- cursors ------------------------------------------------------------------

my $first = api('expert', GET => '/api/tickets', query => { queue => 'review', limit => 1 });
my $cursor = $first->json->{next};
ok $cursor, 'a queue page has a next cursor';
is api('expert', GET => '/api/tickets', query => { queue => 'review', limit => 1, sort => 'created_at', cursor => $cursor })->status,
    400, 'an action cursor under another sort: 400';
use MIME::Base64 qw(encode_base64url);
is api('expert', GET => '/api/tickets', query => { queue => 'review',
    cursor => encode_base64url('1|action|a|5|-4|2026-01-01 00:00:00+00') })->status, 200, 'a well-formed action cursor: 200';
for my $bad ('1|action|a|5|x', '1|action|a|5|-4', '1|action|a|5|99|2026-01-01 00:00:00+00',
             '1|action|a|5|-4|yesterday', '1|action|a|5|-4|2026-01-01 00:00:00+00|x', '1|action|d|5|-4|2026-01-01 00:00:00+00') {
    my $r = api('expert', GET => '/api/tickets', query => { queue => 'review', cursor => encode_base64url($bad) });
    is $r->status, 400, "a forged cursor ($bad): 400";
}
is_error api('expert', GET => '/api/tickets', query => { sort => 'action', q => 'struk' }), 400, 'invalid_parameter',
    'sort', 'sort=action with a search: 400';
is_error api('expert', GET => '/api/tickets', query => { sort => 'bogus' }), 400, 'invalid_parameter', 'sort', 'an unknown sort: 400';

# ---- the customer's tickets waiting for them first --------------------------------

# waiting for the customer: for their answer, or for their confirmation
# of a solution
my $waiting = qr/^(?:waiting_customer|solved)$/;
set_ticket($made[0], status => 'waiting_customer');
my ($cust) = all_pages('cust_a', '/api/tickets', { sort => 'waiting', limit => 3 });
my @statuses = map { $_->{status} } @$cust;
my $last_waiting = -1;
$statuses[$_] =~ $waiting and $last_waiting = $_ for 0 .. $#statuses;
ok !(grep { $_ !~ $waiting } @statuses[0 .. $last_waiting]), 'sort=waiting: every waiting ticket first';
ok((grep { $_->{id} == $made[0] } @$cust[0 .. $last_waiting]), '... ours among them');
ok !(grep { $_->{pharmacy}{id} != pharmacy_id('APT-A') } @$cust), '... of their pharmacy only';
my @rest = @$cust[$last_waiting + 1 .. $#$cust];
is_deeply [map { $_->{id} } @rest], [map { $_->{id} } sort { $b->{created_at} cmp $a->{created_at} || $b->{id} <=> $a->{id} } @rest],
    '... then the newest first';

# Waiting tickets (for an answer, for a confirmation) and others in one
# window of creation times, with ties in time that the id orders, paged so
# that a page boundary falls inside each part and between them. The window
# is a filter, so that every walk (one per waiting status, one of the
# others) carries the list's filters.
my @window;
for my $i (1 .. 7) {
    my $id = create_ticket('cust_a', title => tag('Tunggu') . " $i")->json->{id};
    set_ticket($id, status => ($i % 2 ? 'waiting_customer' : $i == 2 ? 'open' : 'solved'),
        created_at => sprintf('2016-03-%02d 08:00:00+00', 10 + $i % 3));
    push @window, $id;
}
my %window_q = (created_from => '2016-03-01', created_to => '2016-03-31');
my ($by_time) = all_pages('cust_a', '/api/tickets', { %window_q, limit => 100 });
is_deeply [sort { $a <=> $b } map { $_->{id} } @$by_time], [sort { $a <=> $b } @window],
    'the window holds our seven tickets';
my $waits = sub { $_[0]{status} =~ $waiting ? 1 : 0 };
my @waiting_first = map { $_->{id} } sort { $waits->($b) <=> $waits->($a) || $b->{created_at} cmp $a->{created_at}
                                            || $b->{id} <=> $a->{id} } @$by_time;
for my $limit (1, 2, 3, 4, 100) {
    my ($got, $got_pages) = all_pages('cust_a', '/api/tickets', { %window_q, sort => 'waiting', limit => $limit });
    ok !(grep { $_->status != 200 } @$got_pages), "sort=waiting by pages of $limit: each page 200";
    is_deeply [map { $_->{id} } @$got], \@waiting_first, '... waiting first, then the newest, no gap or repeat';
    my ($asc) = all_pages('cust_a', '/api/tickets', { %window_q, sort => 'waiting', order => 'asc', limit => $limit });
    is_deeply [map { $_->{id} } @$asc], [reverse @waiting_first], '... order=asc the reverse';
}
my ($open_only) = all_pages('cust_a', '/api/tickets', { %window_q, sort => 'waiting', status => 'open', limit => 1 });
is_deeply [map { $_->{id} } @$open_only], [grep { my $id = $_; grep { $_->{id} == $id && $_->{status} eq 'open' } @$by_time } @waiting_first],
    'sort=waiting with a status filter: that status only';
my ($other) = all_pages('cust_b', '/api/tickets', { %window_q, sort => 'waiting', limit => 2 });
is scalar(@$other), 0, "another pharmacy's customer lists none of them";
for my $bad ('1|waiting|d|5|x|2016-03-10 08:00:00+00', '1|waiting|d|5|1', '1|waiting|a|5|1|2016-03-10 08:00:00+00') {
    is_error api('cust_a', GET => '/api/tickets', query => { sort => 'waiting', cursor => encode_base64url($bad) }),
        400, 'invalid_parameter', 'cursor', "a forged waiting cursor ($bad): 400";
}

# ---- counts -----------------------------------------------------------------------

my $c = api('expert', GET => '/api/tickets', query => { q => $T, count => 'true', limit => 2 });
is $c->status, 200, 'count=true with a search';
is $c->json->{count}, scalar(@made), '... the exact number of matches';
ok !$c->json->{count_more}, '... and no more';
is scalar @{ $c->json->{items} }, 2, '... with a page of the limit';
my $none = api('expert', GET => '/api/tickets', query => { status => 'in_review', priority => 'urgent', count => 'true' });
my $urgent = grep { $_->{priority} eq 'urgent' } @{ (all_pages('expert', '/api/tickets', { status => 'in_review', priority => 'urgent', limit => 100 }))[0] };
is $none->json->{count}, $urgent, 'count agrees with the list it counts';
ok !exists api('expert', GET => '/api/tickets')->json->{count}, 'no count unless asked';
is_error api('expert', GET => '/api/tickets', query => { count => 'yes' }), 400, 'invalid_parameter', 'count', 'count=yes: 400';
my $cc = api('cust_b', GET => '/api/tickets', query => { q => $T, count => 'true' });
is $cc->json->{count}, 0, 'a customer counts only their pharmacy\'s tickets';
# a word of an internal note counts for staff, never for the customer
(my $word = lc "catatan$T") =~ s/[^a-z0-9]//g;
is api('expert', PATCH => "/api/tickets/$made[2]", json => { note => "Dicek $word di gudang" })->status, 200,
    'the expert notes a ticket internally';
is api('expert', GET => '/api/tickets', query => { q => $word, count => 'true' })->json->{count}, 1,
    'staff count the ticket by its internal note';
my $blind = api('cust_a', GET => '/api/tickets', query => { q => $word, count => 'true' });
is $blind->json->{count}, 0, '... its customer counts nothing by it';
is scalar @{ $blind->json->{items} }, 0, '... and finds nothing';
my $sla = api('expert', GET => '/api/tickets', query => { sla => 'breached', count => 'true' });
is $sla->status, 200, 'count=true on a service level list';
ok defined $sla->json->{count}, '... counted';

# the bound: more than 1000 tickets count as 1000 and more, never all of them
db_do(q{INSERT INTO tickets (number, title, pic_name, contact, app_version, description, priority, status, source,
            pharmacy_id, module_id, category_id, created_by)
        SELECT 'TRI-' || g || '-' || ?, ?, 'x', 'x', '', 'x', 'low', 'cancelled', 'internal', ?,
               (SELECT id FROM ticket_modules LIMIT 1), (SELECT id FROM ticket_categories LIMIT 1), ?
        FROM generate_series(1, 1005) g}, $$, "$T massal", pharmacy_id('APT-B'), user_id('admin'));
my $big = api('expert', GET => '/api/tickets', query => { q => "$T massal", count => 'true', limit => 1 });
is $big->json->{count}, 1000, 'over the bound: 1000';
ok $big->json->{count_more}, '... and more';

my $q = api('expert', GET => '/api/tickets/counts');
is $q->status, 200, 'GET /api/tickets/counts';
is_deeply [sort keys %{ $q->json->{queues} }], [qw(escalated mine review unassigned waiting)], '... each queue';
my ($review) = all_pages('expert', '/api/tickets', { queue => 'review', limit => 100 });
is $q->json->{queues}{review}{count}, scalar(@$review), '... the review queue counted exactly';
my $qc = api('cust_a', GET => '/api/tickets/counts');
my ($wait) = all_pages('cust_a', '/api/tickets', { status => 'waiting_customer,solved', limit => 100 });
is $qc->json->{queues}{waiting}{count}, scalar(@$wait), 'a customer\'s waiting count is their pharmacy\'s';
is_error api('expert', GET => '/api/tickets/counts', query => { x => 1 }), 400, 'unknown_parameter',
    undef, 'counts take no parameter';

# ---- the index behind the default order -------------------------------------------

# the cancelled tickets of the bound go again: the lists of later tests
# are not theirs to wade through
db_do(q{DELETE FROM tickets WHERE title = ?}, "$T massal");
db_do('ANALYZE tickets');
# usable at all (its predicate proven from the queue's statuses), whatever
# a small table's costs would prefer: without a sequential or bitmap scan,
# and a sort only where nothing else serves, the index is the plan if its
# condition is proven
db_do('SET enable_seqscan = off');
db_do('SET enable_bitmapscan = off');
db_do('SET enable_sort = off');
my $plan = join "\n", map { $_->[0] } @{ scalar db_query(q{EXPLAIN SELECT id FROM tickets t
    WHERE t.status = ANY ('{open,in_review}'::text[])
    ORDER BY (-t.priority_rank), t.created_at, t.id LIMIT 26}) };
like $plan, qr/tickets_action_idx/, 'a queue by action walks tickets_action_idx';
# ... also with the statuses as the list statement takes them: one text
# parameter (apr_dbd declares every parameter varchar), split by
# string_to_array, planned with its value. Parsed as a text[] parameter
# instead, the array is no constant at planning and the index's condition
# cannot be proven from it: the review queue then read every open ticket.
db_do('SET plan_cache_mode = force_custom_plan');
db_do(q{PREPARE action_probe (varchar) AS SELECT id FROM tickets t
    WHERE ($1::text IS NULL OR t.status = ANY (string_to_array($1::text, ',')))
    ORDER BY (-t.priority_rank), t.created_at, t.id LIMIT 26});
$plan = join "\n", map { $_->[0] } @{ scalar db_query(q{EXPLAIN EXECUTE action_probe ('open,in_review')}) };
like $plan, qr/tickets_action_idx/, '... also with the statuses as a list statement takes them';
db_do('DEALLOCATE action_probe');
# the escalated queue by action: the escalated tickets' own index in that
# order, not every unsolved ticket's (nor, on this small table, the
# creation-order one and a sort)
db_do(q{PREPARE escalated_probe (varchar, varchar) AS SELECT id FROM tickets t
    WHERE ($1::text IS NULL OR t.status = ANY (string_to_array($1::text, ',')))
      AND (NOT $2::boolean OR t.escalated_at IS NOT NULL)
    ORDER BY (-t.priority_rank), t.created_at, t.id LIMIT 26});
$plan = join "\n", map { $_->[0] }
    @{ scalar db_query(q{EXPLAIN EXECUTE escalated_probe ('open,in_review,in_progress,waiting_customer', 'true')}) };
like $plan, qr/tickets_escalated_action_idx/, 'the escalated queue by action walks tickets_escalated_action_idx'
    or diag $plan;
db_do('DEALLOCATE escalated_probe');
db_do('RESET enable_sort');
db_do('RESET enable_bitmapscan');
# a customer's waiting-first list: three walks by creation time, the
# tickets waiting for the customer's answer and those waiting for their
# confirmation through the pharmacy's index by status, the others through
# the pharmacy's index, each stopped at a page; never a sort of the whole
# pharmacy by the expression "waiting or not"
db_do('SET enable_bitmapscan = off');
my $walk = sub {
    my ($w, $status, $cursor) = @_;
    return qq{(SELECT t.*, $w AS w FROM tickets t
        WHERE (\$1::bigint < -1 OR \$1::bigint IN (0, t.pharmacy_id)) AND t.status $status
          AND (\$2::int IS NULL OR \$2::int $cursor (t.created_at, t.id) < (\$3::timestamptz, \$4::bigint))
        ORDER BY t.created_at DESC, t.id DESC LIMIT 26)};
};
db_do(q{PREPARE waiting_probe (varchar, varchar, varchar, varchar) AS SELECT t.id FROM (}
    . join(' UNION ALL ', $walk->(1, q{= 'waiting_customer'}, '= 1 AND'), $walk->(1, q{= 'solved'}, '= 1 AND'),
                          $walk->(0, q{NOT IN ('waiting_customer', 'solved')}, '<> 0 OR'))
    . q{) t ORDER BY t.w DESC, t.created_at DESC, t.id DESC LIMIT 26});
my $apt_a = pharmacy_id('APT-A');
$plan = join "\n", map { $_->[0] } @{ scalar db_query(qq{EXPLAIN EXECUTE waiting_probe ('$apt_a', NULL, NULL, NULL)}) };
# (which indexes, the pharmacy's or the status's and the creation time's,
# is the small table's costs' choice; at a million, the pharmacy's)
my $walks = () = $plan =~ /Index (?:Only )?Scan Backward using tickets_\w+ on tickets/g;
is $walks, 3, "a customer's waiting-first list: three walks of an index in creation order"
    or diag $plan;
unlike $plan, qr/Sort Key: t_\d+\.|Seq Scan/, '... none reading and sorting the tickets';
unlike $plan, qr/Sort Key: \(?\(?t\.status/, '... never sorting by whether a ticket waits';
$plan = join "\n", map { $_->[0] }
    @{ scalar db_query(qq{EXPLAIN EXECUTE waiting_probe ('$apt_a', '0', '2016-03-11 08:00:00+00', '1')}) };
my $folded = () = $plan =~ /One-Time Filter: false/g;
is $folded, 2, '... past the waiting part, its two walks fold away';
like $plan, qr/Index Cond: .*ROW\(created_at, id\) </, '... and the other walk starts at the cursor';
db_do('DEALLOCATE waiting_probe');
db_do('RESET enable_bitmapscan');
db_do('RESET plan_cache_mode');

done_testing;
