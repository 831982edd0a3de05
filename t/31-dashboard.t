#!/usr/bin/perl
# GET /api/dashboard: totals per status, priority, category and module, and
# the urgent tickets nobody has solved, exactly as a count of the tickets
# table says, after every kind of write, pending or compacted; its filters;
# bad parameters; and who sees which pharmacy's numbers.
use strict;
use warnings;
use lib "$ENV{PD_ROOT}/t/lib";
use Test::More;
use PD::Test;
use PD::Fixtures;

my $TZ = 'Asia/Jakarta';    # PharmadeskTimeZone of the tests' Apache
my @PRIORITIES = qw(low medium high urgent);
my @UNSOLVED = qw(open in_review in_progress waiting_customer);
my %unsolved = map { $_ => 1 } @UNSOLVED;

# The dashboard's numbers counted straight from the tickets, with the same
# filters: scope (a customer's pharmacy), pharmacy_id, created_from/_to
# (read by the database's own pd_time_bound, as the API reads them).
sub oracle {
    my (%q) = @_;
    my (@where, @bind);
    for my $p (grep { defined } @q{qw(scope pharmacy_id)}) {
        push @where, 'pharmacy_id = ?';
        push @bind, $p;
    }
    if (defined $q{created_from}) {
        push @where, 'created_at >= pd_time_bound(?, ?, false)';
        push @bind, $q{created_from}, $TZ;
    }
    if (defined $q{created_to}) {
        push @where, 'created_at < pd_time_bound(?, ?, true)';
        push @bind, $q{created_to}, $TZ;
    }
    my %o = (total => 0, by_status => { map { $_ => 0 } STATUSES }, by_priority => { map { $_ => 0 } @PRIORITIES },
             by_category => {}, by_module => {}, urgent => 0);
    my $sql = 'SELECT status, priority, category_id, module_id, count(*) AS n FROM tickets'
        . (@where ? ' WHERE ' . join(' AND ', @where) : '') . ' GROUP BY 1, 2, 3, 4';
    for my $r (db_query($sql, @bind)) {
        $o{total} += $r->{n};
        $o{by_status}{ $r->{status} } += $r->{n};
        $o{by_priority}{ $r->{priority} } += $r->{n};
        $o{by_category}{ $r->{category_id} } += $r->{n};
        $o{by_module}{ $r->{module_id} } += $r->{n};
        $o{urgent} += $r->{n} if $r->{priority} eq 'urgent' && $unsolved{ $r->{status} };
    }
    return \%o;
}

# The answer in the oracle's shape.
sub shown {
    my ($j) = @_;
    return undef unless ref $j eq 'HASH';
    return {
        total       => $j->{total},
        by_status   => $j->{by_status},
        by_priority => $j->{by_priority},
        by_category => { map { $_->{id} => $_->{count} } @{ $j->{by_category} // [] } },
        by_module   => { map { $_->{id} => $_->{count} } @{ $j->{by_module} // [] } },
        urgent      => $j->{urgent_unsolved} && $j->{urgent_unsolved}{total},
    };
}

my %home = (cust_a => pharmacy_id('APT-A'), cust_a2 => pharmacy_id('APT-A'), cust_b => pharmacy_id('APT-B'));

sub dash { my ($user, %q) = @_; api($user, GET => '/api/dashboard', query => \%q) }

# One assertion: the dashboard as $user with query %q equals the count.
sub exact {
    my ($user, $name, %q) = @_;
    local $Test::Builder::Level = $Test::Builder::Level + 1;
    my $r = dash($user, %q);
    my $want = oracle(%q, scope => $home{$user});
    my $got = $r->status == 200 ? shown($r->json) : { status => $r->status, body => $r->body };
    return is_deeply $got, $want, $name;
}

# The urgent list the database would give: ids, oldest first.
sub urgent_ids {
    my (%q) = @_;
    my @where = ("priority = 'urgent'", 'status IN (' . join(', ', map { "'$_'" } @UNSOLVED) . ')');
    my @bind;
    for my $p (grep { defined } @q{qw(scope pharmacy_id)}) {
        push @where, 'pharmacy_id = ?';
        push @bind, $p;
    }
    return map { $_->[0] } db_query('SELECT id FROM tickets WHERE ' . join(' AND ', @where)
        . ' ORDER BY created_at, id LIMIT ?', @bind, $q{limit} // 10);
}

sub pending { db_value('SELECT count(*) FROM dashboard_deltas') }
sub compacted { wait_until(sub { pending() == 0 }, 20) }

# ---- shape -----------------------------------------------------------------------

{
    create_ticket('cust_a', priority => 'urgent', title => tag('Darurat'));
    my $r = dash('manager');
    is $r->status, 200, 'a manager reads the dashboard';
    like $r->header('Content-Type'), qr{^application/json}, '... as JSON';
    my $j = $r->json;
    is_deeply [sort keys %$j], [sort qw(total by_status by_priority by_category by_module sla sla_more urgent_unsolved)],
        '... with total, by_status, by_priority, by_category, by_module, sla, sla_more, urgent_unsolved';
    is_deeply [sort keys %{ $j->{by_status} }], [sort +(STATUSES)], '... every status, zeros too';
    is_deeply [sort keys %{ $j->{by_priority} }], [sort @PRIORITIES], '... every priority';
    my ($cat) = @{ $j->{by_category} };
    is_deeply [sort keys %$cat], [qw(color count id name)], 'a category: id, name, color, count';
    ok((grep { $_->{id} == category_id('Bug Sistem') && $_->{name} eq 'Bug Sistem' } @{ $j->{by_category} }),
        '... named as in ticket_categories');
    my @counts = map { $_->{count} } @{ $j->{by_module} };
    is_deeply \@counts, [sort { $b <=> $a } @counts], 'modules: most first';
    is_deeply [sort keys %{ $j->{urgent_unsolved} }], [qw(items total)], 'urgent_unsolved: total and items';
    my $item = $j->{urgent_unsolved}{items}[0];
    ok $item && $item->{id} && $item->{number} && $item->{title} && $item->{created_at},
        'an urgent item: id, number, title, created_at';
    is_deeply [sort keys %{ $item->{pharmacy} // {} }], [qw(code id name)], '... its pharmacy {id, code, name}';
    ok $item->{priority} eq 'urgent' && $unsolved{ $item->{status} }, '... urgent and not solved';
    is api('manager', GET => "/api/tickets/$item->{id}")->status, 200, '... and its detail is one GET away';
    is_deeply [map { $_->{id} } @{ $j->{urgent_unsolved}{items} }], [urgent_ids()],
        'the urgent list: oldest first, as the tickets table orders them';
}

# ---- exact after every kind of write ------------------------------------------------

exact('admin', 'all pharmacies: exact at the start');
exact('cust_a', 'a customer: exact over their pharmacy');

# writes that the compaction must not see yet: the counts come from the
# pending rows (the maintenance thread cannot take the lock we hold)
db_do(q{SELECT pg_advisory_lock(hashtext('pharmadesk.dashboard'))});
my @t;
push @t, create_ticket('cust_a', priority => 'urgent', title => tag('Dash'))->json->{id};
push @t, create_ticket('cust_b', priority => 'high', category_id => category_id('Error Data'),
                       module_id => module_id('Stok'))->json->{id};
push @t, create_ticket('expert', priority => 'low', pharmacy_id => pharmacy_id('APT-B'))->json->{id};
push @t, create_ticket('admin', priority => 'urgent', pharmacy_id => pharmacy_id('APT-A'))->json->{id};
ok pending() >= 4, 'creates leave pending changes while the compaction waits';
exact('admin', 'after creates (pending)');
exact('cust_a', '... a customer after creates (pending)');
exact('manager', '... APT-B filtered', pharmacy_id => pharmacy_id('APT-B'));

is api('expert', PATCH => "/api/tickets/$t[0]", json => { status => 'in_review' })->status, 200, 'open -> in_review';
is api('expert', PATCH => "/api/tickets/$t[0]", json => { tech_id => user_id('tech'), note => 'Cek printer.' })->status,
    200, 'assigned to a tech (in_progress)';
is api('expert', PATCH => "/api/tickets/$t[1]", json => { priority => 'urgent', category_id => category_id('Bug Sistem'),
    module_id => module_id('Penjualan') })->status, 200, 'priority, category and module changed';
exact('admin', 'after transitions and triage (pending)');
exact('cust_b', '... cust_b after them (pending)');
db_do(q{SELECT pg_advisory_unlock(hashtext('pharmadesk.dashboard'))});

ok compacted(), 'the maintenance thread moves the pending changes into the counts';
exact('admin', 'the same numbers compacted');
exact('tech', '... for a tech');
is db_value('SELECT count(*) FROM dashboard_counts WHERE n <= 0'), 0, 'no count row is zero or negative';

is api('tech', PATCH => "/api/tickets/$t[0]", json => { status => 'solved', message => 'Driver diperbarui.' })->status,
    200, 'the tech solves it';
exact('admin', 'after solving');
is api('cust_a', PATCH => "/api/tickets/$t[0]", json => { status => 'closed', rating => 5 })->status, 200,
    'the customer confirms';
is api('cust_a', PATCH => "/api/tickets/$t[3]", json => { status => 'cancelled' })->status, 200,
    'the customer cancels another';
exact('cust_a', 'after closing and cancelling');
is api('admin', DELETE => "/api/tickets/$t[2]")->status, 204, 'an admin deletes a ticket';
exact('admin', 'after a deletion');
exact('manager', '... APT-B filtered', pharmacy_id => pharmacy_id('APT-B'));

# the auto-close (maintenance thread, 7 days) is a write like any other
{
    my $id = create_ticket('cust_a', title => tag('Lama'))->json->{id};
    db_do(q{UPDATE tickets SET status = 'solved', tech_id = ?, solved_at = now() - interval '8 days' WHERE id = ?},
        user_id('tech'), $id);
    ok wait_until(sub { db_value('SELECT status FROM tickets WHERE id = ?', $id) eq 'closed' }, 15),
        'a stale solved ticket is closed automatically';
    exact('admin', 'after the auto-close');
}

# writes outside the API: a script moving a ticket's day or pharmacy
{
    db_do(q{UPDATE tickets SET created_at = created_at - interval '400 days', pharmacy_id = ? WHERE id = ?},
        pharmacy_id('APT-B'), $t[1]);
    exact('admin', 'after a ticket moves to another day and pharmacy');
    exact('cust_a', '... APT-A no longer counts it');
    exact('cust_b', '... APT-B does');
}

# concurrent creates and moves: nothing lost, no write waits for another
{
    my @r = parallel(4, sub {
        my ($i) = @_;
        my @ids;
        for my $n (1 .. 5) {
            my $r = create_ticket($i % 2 ? 'cust_a' : 'cust_b', priority => $PRIORITIES[$n % 4]);
            push @ids, $r->status == 201 ? $r->json->{id} : 0;
            api('expert', PATCH => "/api/tickets/$ids[-1]", json => { status => 'in_review' }) if $n % 2;
        }
        return @ids;
    });
    is scalar(grep { $_ } map { @$_ } @r), 20, '20 tickets created by 4 clients at once';
    exact('admin', 'exact after concurrent creates and moves');
    ok compacted(), '... compacted';
    exact('admin', '... and after compaction');
}

# the incremental counts are what counting everything again gives
{
    my $snapshot = sub {
        join ';', map { join ',', @$_ } db_query(
            'SELECT pharmacy_id, grain, period, dim, key, n FROM dashboard_counts ORDER BY 1, 2, 3, 4, 5');
    };
    db_do(q{SELECT pg_advisory_lock(hashtext('pharmadesk.dashboard'))});
    db_do('SELECT pd_dashboard_compact(NULL)');
    my $before = $snapshot->();
    db_do('SELECT pd_dashboard_rebuild()');
    is $snapshot->(), $before, 'the counts kept by the triggers equal a rebuild from the tickets';
    db_do(q{SELECT pg_advisory_unlock(hashtext('pharmadesk.dashboard'))});
    exact('admin', 'exact after the rebuild');
}

# ---- filters: a pharmacy of its own with tickets at known times ------------------------

{
    (my $code = uc tag('DASH')) =~ s/[^A-Z0-9-]/-/g;
    my $P = api('admin', POST => '/api/pharmacies', json => { code => $code, name => "Apotek $code" })->json->{id};
    # UTC days and local (+07) days differ: b is 14 Jan UTC but 15 Jan
    # local; f is 31 Mar UTC but 1 Apr local
    my %at = (
        a => '2018-01-10 08:00:00+07', b => '2018-01-15 06:59:59+07', c => '2018-01-15 07:00:00+07',
        d => '2018-02-20 12:00:00+07', e => '2018-03-31 23:30:00+07', f => '2018-04-01 00:30:00+07',
        g => '2018-04-03 10:00:00+07',
    );
    my %prio = (a => 'low', b => 'urgent', c => 'urgent', d => 'high', e => 'medium', f => 'urgent', g => 'low');
    my %id;
    # pending first: the maintenance thread cannot compact while we hold its lock
    db_do(q{SELECT pg_advisory_lock(hashtext('pharmadesk.dashboard'))});
    for my $k (sort keys %at) {
        $id{$k} = create_ticket('admin', pharmacy_id => $P, priority => $prio{$k}, title => tag("Tgl $k"))->json->{id};
        set_ticket($id{$k}, created_at => $at{$k});
    }
    set_ticket($id{c}, status => 'closed', tech_id => user_id('tech'), closed_at => '2018-02-01 00:00:00+07');

    my @ranges = (
        [{},                                                                  'a b c d e f g'],
        [{ created_from => '2018-01-15', created_to => '2018-03-31' },        'b c d e'],
        [{ created_from => '2018-01-15T07:00:00+07:00', created_to => '2018-04-01' }, 'c d e f'],
        [{ created_to => '2018-01-14' },                                      'a'],
        [{ created_from => '2018-04-01' },                                    'f g'],
        [{ created_from => '2018-04-01T00:00:00+07:00', created_to => '2018-04-01T00:45:00+07:00' }, 'f'],
        [{ created_from => '2018-02-01', created_to => '2018-02-28' },        'd'],
        [{ created_from => '2018-01-01T00:00:00Z', created_to => '2018-05-01T00:00:00Z' }, 'a b c d e f g'],
        [{ created_from => '2018-02-01T00:00:00Z', created_to => '2018-04-01T00:00:00Z' }, 'd e f'],
        [{ created_from => '2018-01-14T23:59:59Z', created_to => '2018-01-15T00:00:00Z' }, 'b'],
        [{ created_from => '2018-01-20', created_to => '2018-02-25' },        'd'],
        [{ created_from => '2018-03-05', created_to => '2018-03-31' },        'e'],
        [{ created_from => '2018-03-05', created_to => '2018-03-10' },        ''],
        [{ created_from => '2018-02-01', created_to => '2018-04-02' },        'd e f'],
        [{ created_from => '2017-12-31', created_to => '2018-04-01' },        'a b c d e f'],
        [{ created_from => '2018-04-01', created_to => '2018-01-01' },        ''],
        [{ created_from => '2019-01-01' },                                    ''],
    );
    for my $phase ('pending', 'compacted') {
        ok pending() > 0, 'changes pending' if $phase eq 'pending';
        ok compacted(), 'every change compacted' if $phase eq 'compacted';
        for my $range (@ranges) {
            my ($q, $want) = @$range;
            my @want = split ' ', $want;
            my $shown = join('&', map { "$_=$q->{$_}" } sort keys %$q) || 'all time';
            my $j = dash('manager', pharmacy_id => $P, %$q)->json;
            is $j->{total}, scalar(@want), "$phase, $shown: $want";
            my %urgent = map { $id{$_} => 1 } grep { $prio{$_} eq 'urgent' && $_ ne 'c' } @want;
            is_deeply [sort map { $_->{id} } @{ $j->{urgent_unsolved}{items} }], [sort keys %urgent],
                "... its urgent, unsolved tickets";
            is $j->{urgent_unsolved}{total}, scalar(keys %urgent), '... counted';
            exact('manager', "... as the table counts it", pharmacy_id => $P, %$q);
        }
        db_do(q{SELECT pg_advisory_unlock(hashtext('pharmadesk.dashboard'))}) if $phase eq 'pending';
    }
    my $j = dash('admin', pharmacy_id => $P, limit => 1)->json;
    is_deeply [map { $_->{id} } @{ $j->{urgent_unsolved}{items} }], [$id{b}], 'limit=1: the oldest urgent ticket';
    is $j->{urgent_unsolved}{total}, 2, '... the total still counts both';
    is_deeply $j->{by_priority}, { low => 2, medium => 1, high => 1, urgent => 3 }, 'by priority';
    is $j->{by_status}{closed}, 1, 'by status';
    exact('admin', 'date filters over all pharmacies', created_from => '2018-01-15', created_to => '2018-03-31');
    exact('admin', '... date-times', created_from => '2018-01-15T07:00:00+07:00', created_to => '2018-04-01T00:45:00Z');
    exact('admin', '... today', created_from => db_value(q{SELECT (now() AT TIME ZONE 'Asia/Jakarta')::date::text}));

    # days of another zone than PharmadeskTimeZone: dates cut days, which
    # are then counted ticket by ticket; the numbers stay the same
    is db_value(q{SELECT pd_dashboard_rebuild('UTC')}), db_value('SELECT count(*) FROM tickets'),
        'a rebuild by the days of UTC counts every ticket';
    for my $range (@ranges) {
        my ($q, $want) = @$range;
        my $shown = join('&', map { "$_=$q->{$_}" } sort keys %$q) || 'all time';
        is dash('manager', pharmacy_id => $P, %$q)->json->{total}, scalar(split ' ', $want),
            "UTC days, $shown: $want";
    }
    exact('admin', '... over all pharmacies', created_from => '2018-01-15', created_to => '2018-03-31');
    ok !eval { db_do(q{SELECT pd_dashboard_rebuild('Mars/Olympus')}); 1 }, 'an unknown zone is refused';
    like $@, qr/no such time zone/, '... saying so';
    db_do(q{SELECT pd_dashboard_rebuild('Asia/Jakarta')});
    exact('admin', 'back to the days of Asia/Jakarta', created_from => '2018-01-15', created_to => '2018-03-31');

    # the list shows the oldest 10 unless limit says otherwise
    create_ticket('admin', pharmacy_id => $P, priority => 'urgent', title => tag("Darurat $_")) for 1 .. 10;
    $j = dash('admin', pharmacy_id => $P)->json;
    is scalar @{ $j->{urgent_unsolved}{items} }, 10, 'without limit: 10 urgent tickets listed';
    is $j->{urgent_unsolved}{items}[0]{id}, $id{b}, '... the oldest first';
    is $j->{urgent_unsolved}{total}, 12, '... of 12 counted';
    is scalar @{ dash('admin', pharmacy_id => $P, limit => 100)->json->{urgent_unsolved}{items} }, 12,
        'limit=100: all 12';
}

# ---- the service level tiles: exact up to the cap, then "more" --------------------------

{
    (my $code = uc tag('CAP')) =~ s/[^A-Z0-9-]/-/g;
    my $P = api('admin', POST => '/api/pharmacies', json => { code => $code, name => "Apotek $code" })->json->{id};
    # tickets written with their service level given (the insert trigger
    # leaves such a row alone): $n overdue, or at risk and due in an hour
    my $made = 0;
    my $add = sub {
        my ($n, $state) = @_;
        my ($due, $risk) = $state eq 'breached' ? ("now() - interval '1 hour'", "now() - interval '2 hours'")
                         : $state eq 'at_risk'  ? ("now() + interval '1 hour'", "now() - interval '1 minute'")
                         :                        ("now() + interval '400 days'", "now() - interval '1 minute'");
        db_do(qq{INSERT INTO tickets (number, pharmacy_id, pic_name, contact, module_id, category_id, title, description,
                     source, created_by, priority, status, sla_policy_id, sla_calendar_id, sla_due_at, sla_risk_at)
                 SELECT ? || '-' || (? + g), ?, 'PIC', '0812', ?, ?, 'Batas', 'Lewat batas waktu', 'internal',
                        (SELECT id FROM users WHERE username = 'admin'), 'high', 'open',
                        (SELECT id FROM sla_policies WHERE is_default), 1, $due, $risk
                 FROM generate_series(1, ?) g}, $code, $made, $P, module_id('Stok'), category_id('Bug Sistem'), $n);
        $made += $n;
    };
    my $tiles = sub {
        my $j = dash('manager', pharmacy_id => $P)->json;
        return [$j->{sla}{breached}, $j->{sla_more}{breached} ? 1 : 0, $j->{sla}{at_risk}, $j->{sla_more}{at_risk} ? 1 : 0];
    };
    is db_value('SHOW jit'), 'off', 'the database compiles no statement (JIT off, migration 0043)';
    $add->(3, 'at_risk');
    $add->(999, 'breached');
    is_deeply $tiles->(), [999, 0, 3, 0], 'breached and at-risk tickets counted exactly below the cap';
    $add->(1, 'breached');
    is_deeply $tiles->(), [1000, 0, 3, 0], '... and at it: 1000, no more';
    $add->(1, 'breached');
    is_deeply $tiles->(), [1000, 1, 3, 0], 'one more: 1000, and more';
    # every pharmacy's (a statement of its own, walking the overdue in due
    # order): as a brute-force count says, capped the same way
    my $overdue = db_value(q{SELECT count(*) FROM tickets WHERE status IN ('open', 'in_review', 'in_progress',
                             'waiting_customer') AND sla_due_at <= date_trunc('minute', now())});
    my $all = dash('manager')->json;
    is_deeply [$all->{sla}{breached}, $all->{sla_more}{breached} ? 1 : 0],
        [$overdue > 1000 ? (1000, 1) : ($overdue, 0)], "every pharmacy's: $overdue overdue, capped at 1000";
    my $long_ago = dash('manager', created_from => '2000-01-01', created_to => '2000-01-02')->json;
    is_deeply [$long_ago->{sla}{breached}, $long_ago->{sla_more}{breached} ? 1 : 0], [0, 0],
        "... within the period asked only";
    # the at-risk count looks back no further than the widest stretch from
    # an at-risk instant to its due time: one wider than any before widens it
    ok db_value(q{SELECT widest < interval '400 days' FROM sla_risk_window}), 'no ticket at risk for 400 days yet';
    $add->(2, 'wide');
    ok db_value(q{SELECT widest >= interval '400 days' FROM sla_risk_window}), '... two now: the window widened';
    is_deeply $tiles->(), [1000, 1, 5, 0], '... and they count as at risk';
    my $scoped = dash('manager', pharmacy_id => $P, created_from => '2000-01-01', created_to => '2000-01-02')->json;
    is_deeply [$scoped->{sla}{breached}, $scoped->{sla_more}{breached} ? 1 : 0], [0, 0], '... within the period asked only';
    is db_value(q{SELECT count(*) FROM tickets WHERE pharmacy_id = ?}, $P), 1006, '(1006 tickets written)';
    db_do(q{DELETE FROM tickets WHERE pharmacy_id = ?}, $P);
    is_deeply $tiles->(), [0, 0, 0, 0], 'gone again: none';
}

# ---- customers: their own pharmacy, whatever they ask ------------------------------------

{
    my $b_urgent = create_ticket('cust_b', priority => 'urgent', title => tag('Rahasia B'))->json->{id};
    my ($A, $B) = (pharmacy_id('APT-A'), pharmacy_id('APT-B'));
    exact('cust_a', "cust_a: APT-A's numbers");
    my $own = dash('cust_a')->json;
    is_deeply shown(dash('cust_a', pharmacy_id => $A)->json), shown($own), '... the same with pharmacy_id=APT-A';
    ok !(grep { $_->{pharmacy}{id} != $A } @{ $own->{urgent_unsolved}{items} }), '... urgent tickets of APT-A only';
    ok !(grep { $_->{id} == $b_urgent } @{ dash('cust_a', limit => 100)->json->{urgent_unsolved}{items} }),
        "... never APT-B's urgent ticket";
    my $other = dash('cust_a', pharmacy_id => $B);
    is $other->status, 200, 'cust_a asking for APT-B: 200, as the ticket list answers';
    is_deeply shown($other->json), oracle(scope => $A, pharmacy_id => $B), '... and nothing counted';
    is $other->json->{total}, 0, '... total 0';
    is_deeply $other->json->{urgent_unsolved}, { total => 0, items => [] }, '... no urgent tickets';
    is dash('manager', pharmacy_id => 999999999)->json->{total}, 0, 'an unknown pharmacy: 0';
    exact('cust_b', "cust_b: APT-B's numbers");
    ok((grep { $_->{id} == $b_urgent } @{ dash('cust_b', limit => 100)->json->{urgent_unsolved}{items} }),
        "... with APT-B's urgent ticket");
    is dash('cust_b', pharmacy_id => $A)->json->{total}, 0, 'cust_b asking for APT-A: 0';
    exact('cust_a2', 'another customer of APT-A sees the same');
    exact('cust_a', '... with a date range', created_from => '2020-01-01');
}

# ---- every role ---------------------------------------------------------------------------

for my $user (qw(admin manager expert tech)) {
    exact($user, "$user: every pharmacy");
    exact($user, "$user: one pharmacy", pharmacy_id => pharmacy_id('APT-A'));
}
is_error api('norole', GET => '/api/dashboard'), 403, 'no_access', undef, 'a user without a role: 403';
is_error api(undef, GET => '/api/dashboard'), 401, 'unauthenticated', undef, 'nobody signed in: 401';

# ---- conditional GET: an open dashboard polls --------------------------------------------

{
    sub dash_if { my ($user, $etag, %q) = @_;
        api($user, GET => '/api/dashboard', query => \%q, headers => { 'If-None-Match' => $etag }) }
    ok compacted(), 'nothing pending';
    # the pending and compacted answers below are compared whole
    clear_of_minute_turn(35);
    my $m = dash('manager');
    my $etag = $m->header('ETag');
    like $etag // '', qr/^"l[0-9a-f]{64}"$/, 'the dashboard carries an ETag';
    is $m->header('Cache-Control'), 'no-store', '... and no-store';
    my $nm = dash_if('manager', $etag);
    is $nm->status, 304, 'If-None-Match with it: 304';
    is $nm->body, '', '... without a body';
    my $a_etag = dash('cust_a')->header('ETag');
    isnt $a_etag, $etag, 'a customer\'s dashboard has its own ETag';
    db_do(q{SELECT pg_advisory_lock(hashtext('pharmadesk.dashboard'))});
    create_ticket('cust_b', title => tag('Dash ETag'));
    is dash_if('cust_a', $a_etag)->status, 304, 'another pharmacy\'s new ticket: still 304 for cust_a';
    my $changed = dash_if('manager', $etag);
    is $changed->status, 200, '... 200 for the manager, while the change is pending';
    my $pending_etag = $changed->header('ETag');
    isnt $pending_etag, $etag, '... with a new ETag';
    db_do(q{SELECT pg_advisory_unlock(hashtext('pharmadesk.dashboard'))});
    ok compacted(), 'compacted';
    is dash_if('manager', $pending_etag)->status, 304, 'compaction changes no number: still 304';
}

# ---- bad parameters -------------------------------------------------------------------------

for my $bad (
    [{ pharmacy_id => 'abc' },                'invalid_parameter', 'pharmacy_id'],
    [{ pharmacy_id => '0' },                  'invalid_parameter', 'pharmacy_id'],
    [{ pharmacy_id => '-3' },                 'invalid_parameter', 'pharmacy_id'],
    [{ pharmacy_id => '1.5' },                'invalid_parameter', 'pharmacy_id'],
    [{ created_from => '2026-02-30' },        'invalid_parameter', 'created_from'],
    [{ created_from => 'yesterday' },         'invalid_parameter', 'created_from'],
    [{ created_from => '2026-02-01T10:00' },  'invalid_parameter', 'created_from'],
    [{ created_to => '2026-13-01' },          'invalid_parameter', 'created_to'],
    [{ created_to => "2026-01-01'; --" },     'invalid_parameter', 'created_to'],
    [{ limit => 0 },                          'invalid_parameter', 'limit'],
    [{ limit => 101 },                        'invalid_parameter', 'limit'],
    [{ limit => 'ten' },                      'invalid_parameter', 'limit'],
    [{ status => 'open' },                    'unknown_parameter', undef],
    [{ cursor => 'x' },                       'unknown_parameter', undef],
    [{ q => 'printer' },                      'unknown_parameter', undef],
) {
    my ($q, $code, $field) = @$bad;
    my $shown = join '&', map { "$_=$q->{$_}" } sort keys %$q;
    is_error dash('manager', %$q), 400, $code, $field, "$shown: 400 $code";
}
is_error api('manager', GET => '/api/dashboard', query => [pharmacy_id => 1, pharmacy_id => 2]), 400,
    undef, undef, 'a repeated parameter: 400';
is_error dash('cust_a', pharmacy_id => 'x'), 400, 'invalid_parameter', 'pharmacy_id', '... for customers too';
is api('manager', POST => '/api/dashboard', json => {})->status, 405, 'POST: 405';

done_testing;
