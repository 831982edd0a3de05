#!/usr/bin/perl
# Reports (migration 0040): every figure of GET /api/reports/{volume, times,
# sla, staff, csat} against a brute-force recount from the raw rows (the
# tickets and their timelines), by day, week and month, with each filter,
# over tickets written through the API (solved, rejected and solved again,
# confirmed with a rating, cancelled, breached) and over a history imported
# across fourteen months, before and after the background work folds the
# changes in, after a rebuild, and by the days of a zone with daylight
# saving time; the rating as a column; who may read what; CSV.
use strict;
use warnings;
use lib "$ENV{PD_ROOT}/t/lib";
use Test::More;
use PD::Test;
use PD::Fixtures;

my $today = db_value(q{SELECT ((now() AT TIME ZONE z.time_zone)::date)::text FROM dashboard_zone z});
sub days_ago { db_value('SELECT (?::date - ?::int)::text', $today, $_[0]) }

# ---- data ------------------------------------------------------------------------------

# through the API
my $bug = category_id('Bug Sistem');
my $error_data = category_id('Error Data');
my ($expert, $expert2, $tech, $tech2) = map { user_id($_) } qw(expert expert2 tech tech2);
sub worked {
    my ($customer, %f) = @_;
    my $id = create_ticket($customer, title => tag('Laporan'), %f)->json->{id};
    is api('expert', PATCH => "/api/tickets/$id", json => { expert_id => $expert, tech_id => $tech, note => 'Cek.' })->status,
        200, 'a ticket taken and handed to a tech';
    return $id;
}
sub solve { is api('tech', PATCH => "/api/tickets/$_[0]", json => { status => 'solved', message => 'Beres.' })->status, 200, 'solved' }

my $rated = worked('cust_a', priority => 'urgent');
solve($rated);
is api('cust_a', PATCH => "/api/tickets/$rated", json => { status => 'closed', rating => 4, message => 'Cepat, terima kasih.' })->status,
    200, 'confirmed with a rating of 4 and a comment';
is_deeply db_query('SELECT rating, rated_at IS NOT NULL AS rated FROM tickets WHERE id = ?', $rated)->[0],
    { rating => 4, rated => 1 }, 'the rating is a column of the ticket';
is api('cust_a', GET => "/api/tickets/$rated")->json->{rating}, 4, '... which the ticket shows';

my $rejected = worked('cust_a');
solve($rejected);
is api('cust_a', PATCH => "/api/tickets/$rejected", json => { status => 'in_progress', message => 'Masih error.' })->status,
    200, 'a solution rejected: reopened';
solve($rejected);
is api('cust_a', PATCH => "/api/tickets/$rejected", json => { status => 'closed', rating => 2 })->status, 200,
    'solved again and confirmed with a 2, no comment';

my $late = worked('cust_b', category_id => $error_data, priority => 'high');
sla_elapse($late, 3000);
solve($late);

my $cancelled = create_ticket('cust_b', title => tag('Batal'))->json->{id};
is api('cust_b', PATCH => "/api/tickets/$cancelled", json => { status => 'cancelled' })->status, 200, 'one cancelled';
my $open = create_ticket('cust_a', title => tag('Terbuka'), priority => 'low')->json->{id};
my $other = worked('cust_b');
is api('expert', PATCH => "/api/tickets/$other", json => { tech_id => $tech2 })->status, 200, 'another tech on one';

# a history, as an import writes it: tickets with their timelines over
# fourteen months, around the days daylight saving time starts and ends in
# Europe, then their service levels replayed and the counts rebuilt
# the history's own pharmacies, whose every status change is on the
# timeline (other tests set some tickets' states directly)
(my $hist_code = uc tag('RPT')) =~ s/[^A-Z0-9-]/-/g;
my @hist_pharmacies = map { db_value(q{INSERT INTO pharmacies (code, name) VALUES (?, ?) RETURNING id},
                                     "$hist_code-$_", "Apotek Riwayat $_") } 1, 2;
db_do(q{
    CREATE TEMP TABLE hist AS
    SELECT i, (timestamptz '2025-10-01 00:00+00' + (i * interval '31 hours 17 minutes')) AS at
    FROM generate_series(1, 300) i;
    INSERT INTO hist
    SELECT 1000 + i * 4 + o::int, x + i * interval '3 hours' FROM generate_series(0, 3) i,
        unnest(ARRAY[timestamptz '2026-03-28 22:45+00', timestamptz '2026-03-29 00:30+00',
                     timestamptz '2026-10-24 22:10+00', timestamptz '2026-10-25 00:50+00']) WITH ORDINALITY u (x, o)
    WHERE x < now();
});
my $imported = db_value(q{
    WITH ins AS (
        INSERT INTO tickets (number, pharmacy_id, pic_name, contact, module_id, category_id, title, description,
                             priority, status, source, customer_id, expert_id, tech_id, created_by, created_at,
                             updated_at)
        SELECT 'HIST-' || h.i, p.id, 'Impor', '0812', m.id, c.id, 'Riwayat ' || h.i, 'Dari sistem lama.',
               (ARRAY['low', 'medium', 'high', 'urgent'])[1 + h.i % 4],
               (ARRAY['closed', 'closed', 'cancelled', 'solved', 'in_progress', 'closed', 'open'])[1 + h.i % 7],
               'customer', NULL,
               (SELECT id FROM users WHERE username = (ARRAY['expert', 'expert2'])[1 + h.i % 2]),
               CASE WHEN h.i % 7 IN (0, 1, 3, 4, 5) THEN (SELECT id FROM users WHERE username = (ARRAY['tech', 'tech2'])[1 + h.i % 3 % 2]) END,
               NULL, h.at, h.at
        FROM hist h
        JOIN pharmacies p ON p.id = (ARRAY[?::bigint, ?::bigint])[1 + h.i % 2]
        JOIN ticket_modules m ON m.name = 'Penjualan'
        JOIN ticket_categories c ON c.name = (ARRAY['Bug Sistem', 'Error Data'])[1 + h.i % 5 % 2]
        RETURNING id, status, created_at, (substr(number, 6))::int AS i
    ), ev AS (
        SELECT ins.id, e.n, e.kind, e.old, e.new, ins.created_at + e.after AS at, e.by_customer
        FROM ins CROSS JOIN LATERAL (VALUES
            (1, 'created', NULL, 'open', interval '0', false),
            (2, 'comment', NULL, NULL, interval '50 minutes' * (1 + ins.i % 5), false),
            (3, 'status_changed', 'open', 'in_progress', interval '3 hours', false),
            (4, 'status_changed', 'in_progress', 'solved', interval '20 hours' * (1 + ins.i % 4), false),
            (5, 'status_changed', 'solved', 'in_progress', interval '100 hours', true),
            (6, 'status_changed', 'in_progress', 'solved', interval '130 hours', false),
            (7, 'status_changed', 'solved', 'closed', interval '150 hours', true),
            (8, 'field_changed', NULL, NULL, interval '150 hours', true),
            (9, 'status_changed', 'open', 'cancelled', interval '2 hours', true)) AS e (n, kind, old, new, after, by_customer)
        WHERE CASE ins.status
                WHEN 'open' THEN e.n = 1
                WHEN 'cancelled' THEN e.n IN (1, 9)
                WHEN 'in_progress' THEN e.n IN (1, 2, 3) OR (ins.i % 3 = 0 AND e.n IN (4, 5))
                WHEN 'solved' THEN e.n IN (1, 2, 3, 4)
                ELSE e.n IN (1, 2, 3, 4, 7) OR (ins.i % 3 = 0 AND e.n IN (5, 6)) OR (ins.i % 2 = 0 AND e.n = 8)
              END
          AND NOT (ins.status = 'closed' AND ins.i % 3 = 0 AND e.n = 4 AND false)
    ), logged AS (
        INSERT INTO ticket_activities (ticket_id, user_id, kind, field, old_value, new_value, body, visibility, created_at)
        SELECT ev.id,
               CASE WHEN ev.by_customer THEN (SELECT id FROM users WHERE username = 'cust_a')
                    ELSE (SELECT id FROM users WHERE username = 'expert') END,
               ev.kind, CASE ev.kind WHEN 'status_changed' THEN 'status' WHEN 'field_changed' THEN 'rating' END,
               ev.old,
               CASE WHEN ev.kind = 'field_changed' THEN (1 + ev.id % 5)::text ELSE ev.new END,
               CASE WHEN ev.kind = 'comment' THEN 'Kami cek.' END, 'public', ev.at
        FROM ev ORDER BY ev.id, ev.n
        RETURNING 1
    )
    SELECT count(*) FROM ins
}, @hist_pharmacies);
ok $imported >= 300, "$imported tickets imported with their timelines";
# history notifies nobody
db_do(q{DELETE FROM notify_outbox WHERE ticket_id IN (SELECT id FROM tickets WHERE number LIKE 'HIST-%')});
# the solution and closing times their timelines say
db_do(q{UPDATE tickets t SET
            first_response_at = (SELECT min(a.created_at) FROM ticket_activities a WHERE a.ticket_id = t.id AND a.kind = 'comment'),
            solved_at = (SELECT max(a.created_at) FROM ticket_activities a WHERE a.ticket_id = t.id AND a.new_value = 'solved'
                         AND a.kind = 'status_changed'),
            closed_at = (SELECT max(a.created_at) FROM ticket_activities a WHERE a.ticket_id = t.id AND a.new_value = 'closed'
                         AND a.kind = 'status_changed')
        WHERE t.number LIKE 'HIST-%'});
db_do('SELECT pd_sla_replay()');
db_do('SELECT pd_sla_compliance_rebuild()');
ok db_value('SELECT pd_report_rebuild()') > 0, 'the reports rebuilt after the import';
# the history's solutions that nobody confirmed close by themselves after a
# week (the background work's auto-close): closed now, so that no close
# comes between an answer and its recount
db_do('SELECT pd_close_stale_solved(7)');
ok wait_until(sub { !db_value(q{SELECT count(*) FROM tickets WHERE status = 'solved' AND solved_at < now() - interval '7 days'}) }, 30),
    'the stale solutions closed';
is db_value(q{SELECT count(*) FROM tickets WHERE number LIKE 'HIST-%' AND rating IS NOT NULL}),
   db_value(q{SELECT count(DISTINCT ticket_id) FROM ticket_activities a JOIN tickets t ON t.id = a.ticket_id
              WHERE t.number LIKE 'HIST-%' AND a.field = 'rating'}), 'imported ratings are the tickets\' ratings';

# after the import, changes through the API move history: a ticket of the
# history recategorised and given to another expert
my $moved = db_value(q{SELECT id FROM tickets WHERE number = 'HIST-4'});
is api('admin', PATCH => "/api/tickets/$moved", json => { category_id => $error_data, expert_id => $expert2, priority => 'urgent' })->status,
    200, 'an imported ticket recategorised, reprioritised and given to another expert';

# ---- the recount -----------------------------------------------------------------------

# The filters as SQL on the tickets t, with their values.
sub filters {
    my (%q) = @_;
    my (@sql, @args);
    for my $f (qw(pharmacy_id category_id module_id expert_id tech_id)) {
        next unless defined $q{$f};
        push @sql, "coalesce(t.$f, 0) = ?::bigint";
        push @args, $q{$f};
    }
    if (defined $q{priority}) { push @sql, 't.priority = ?'; push @args, $q{priority} }
    return (join('', map { " AND $_" } @sql), @args);
}
# A day of the zone as the bucket it falls in.
sub bucket_sql {
    my ($group, $day) = @_;
    return $group eq 'day' ? "$day" : "date_trunc('$group', ($day)::timestamp)::date";
}

# Volume: each bucket's creations and status changes, and the backlog at
# its end: +1 for each creation and return to work, -1 for each solve,
# close or cancel from work, up to then (open_at_end below counts the same
# as the tickets whose last status then was open, where every status change
# is on the timeline).
sub volume_recount {
    my (%q) = @_;
    my ($where, @args) = filters(%q);
    my $g = $q{group_by} // 'month';
    my $b = bucket_sql($g, 'k.day');
    my %out;
    for my $r (db_query(qq{
        WITH z AS (SELECT time_zone AS zone FROM dashboard_zone),
        days AS (SELECT d::date AS day FROM generate_series(?::date, ?::date, interval '1 day') d),
        k AS (SELECT $b AS bucket, min(k.day) AS first, max(k.day) AS last FROM days k GROUP BY 1),
        ev AS (SELECT a.*, (a.created_at AT TIME ZONE z.zone)::date AS day
               FROM ticket_activities a JOIN tickets t ON t.id = a.ticket_id CROSS JOIN z
               WHERE (a.kind = 'created' OR (a.kind = 'status_changed' AND a.field = 'status')) $where)
        SELECT k.bucket::text, k.first::text, k.last::text,
               (SELECT count(*) FROM ev WHERE ev.day BETWEEN k.first AND k.last AND ev.kind = 'created') AS created,
               (SELECT count(*) FROM ev WHERE ev.day BETWEEN k.first AND k.last AND ev.new_value = 'solved' AND ev.kind = 'status_changed') AS solved,
               (SELECT count(*) FROM ev WHERE ev.day BETWEEN k.first AND k.last AND ev.new_value = 'closed' AND ev.kind = 'status_changed') AS closed,
               (SELECT count(*) FROM ev WHERE ev.day BETWEEN k.first AND k.last AND ev.kind = 'status_changed'
                   AND ev.old_value IN ('solved', 'closed', 'cancelled') AND ev.new_value NOT IN ('solved', 'closed', 'cancelled')) AS reopened,
               (SELECT count(*) FROM ev WHERE ev.day BETWEEN k.first AND k.last AND ev.new_value = 'cancelled' AND ev.kind = 'status_changed') AS cancelled,
               (SELECT coalesce(sum(CASE
                           WHEN ev.kind = 'created' THEN 1
                           WHEN ev.old_value NOT IN ('solved', 'closed', 'cancelled')
                                AND ev.new_value IN ('solved', 'closed', 'cancelled') THEN -1
                           WHEN ev.old_value IN ('solved', 'closed', 'cancelled')
                                AND ev.new_value NOT IN ('solved', 'closed', 'cancelled') THEN 1
                           ELSE 0 END), 0)
                FROM ev WHERE ev.created_at < (k.last + 1)::timestamp AT TIME ZONE (SELECT zone FROM z)) AS backlog
        FROM k ORDER BY k.bucket}, $q{from}, $q{to}, @args)) {
        $out{ $r->{bucket} } = { map { $_ => $r->{$_} + 0 } qw(created solved closed reopened cancelled backlog) };
        $out{ $r->{bucket} }{first} = $r->{first};
        $out{ $r->{bucket} }{last} = $r->{last};
    }
    return \%out;
}

# The tickets of a pharmacy open at the end of each bucket: each one's last
# status on its timeline then.
sub open_at_end {
    my (%q) = @_;
    my $b = bucket_sql($q{group_by} // 'month', 'k.day');
    return { map { $_->{bucket} => $_->{n} + 0 } db_query(qq{
        WITH z AS (SELECT time_zone AS zone FROM dashboard_zone),
        days AS (SELECT d::date AS day FROM generate_series(?::date, ?::date, interval '1 day') d),
        k AS (SELECT $b AS bucket, max(k.day) AS last FROM days k GROUP BY 1)
        SELECT k.bucket::text, (SELECT count(*) FROM (
                   SELECT DISTINCT ON (a.ticket_id) coalesce(a.new_value, 'open') AS status
                   FROM ticket_activities a JOIN tickets t ON t.id = a.ticket_id
                   WHERE t.pharmacy_id = ? AND (a.kind = 'created' OR (a.kind = 'status_changed' AND a.field = 'status'))
                     AND a.created_at < (k.last + 1)::timestamp AT TIME ZONE (SELECT zone FROM z)
                   ORDER BY a.ticket_id, a.created_at DESC, a.id DESC) s
                WHERE s.status NOT IN ('solved', 'closed', 'cancelled')) AS n
        FROM k}, $q{from}, $q{to}, $q{pharmacy_id}) };
}

# Times: per bucket and target, calendar (f, r) and business (F, R) times
# of the tickets, each counted in the bucket of its instant.
sub times_recount {
    my (%q) = @_;
    my ($where, @args) = filters(%q);
    my $g = $q{group_by} // 'month';
    my $b = bucket_sql($g, '(x.at AT TIME ZONE z.time_zone)::date');
    my %out;
    for my $r (db_query(qq{
        SELECT ${b}::text AS bucket, x.target, x.business, count(*) AS n,
               round(avg(x.minutes)::numeric, 1) AS mean,
               round(percentile_cont(0.5) WITHIN GROUP (ORDER BY x.minutes)::numeric, 1) AS median,
               round(percentile_cont(0.9) WITHIN GROUP (ORDER BY x.minutes)::numeric, 1) AS p90
        FROM tickets t CROSS JOIN dashboard_zone z
        CROSS JOIN LATERAL (VALUES
            ('first_response', false, t.first_response_at, extract(epoch FROM t.first_response_at - t.created_at) / 60),
            ('resolution', false, CASE WHEN t.status IN ('solved', 'closed') THEN t.solved_at END,
             extract(epoch FROM t.solved_at - t.created_at) / 60),
            ('first_response', true, CASE WHEN t.first_response_left IS NOT NULL AND t.first_response_target IS NOT NULL THEN t.first_response_met_at END,
             (t.first_response_target * 60000000::numeric - t.first_response_left) / 60000000),
            ('resolution', true, CASE WHEN t.resolution_left IS NOT NULL AND t.resolution_target IS NOT NULL THEN t.resolution_met_at END,
             (t.resolution_target * 60000000::numeric - t.resolution_left) / 60000000)) AS x (target, business, at, minutes)
        WHERE x.at IS NOT NULL AND (x.at AT TIME ZONE z.time_zone)::date BETWEEN ?::date AND ?::date $where
        GROUP BY 1, 2, 3}, $q{from}, $q{to}, @args)) {
        my $p = $r->{business} ? 'business_' : '';
        my $s = $out{ $r->{bucket} }{ $r->{target} } //= {};
        $s->{"${p}count"} = $r->{n} + 0;
        $s->{"${p}mean_minutes"} = $r->{mean} + 0;
        # medians and percentiles for ranges of up to 92 days
        next unless db_value('SELECT ?::date - ?::date < 92', $q{to}, $q{from});
        $s->{"${p}median_minutes"} = $r->{median} + 0;
        $s->{"${p}p90_minutes"} = $r->{p90} + 0;
    }
    return \%out;
}
# The API's times without empty buckets and targets, numbers as numbers.
sub times_answered {
    my ($json) = @_;
    my %out;
    for my $item (@{ $json->{items} }) {
        for my $target (qw(first_response resolution)) {
            my $s = $item->{$target};
            my %side;
            for my $p ('', 'business_') {
                next unless $s->{"${p}count"};
                $side{"${p}$_"} = $s->{"${p}$_"} + 0 for grep { defined $s->{"${p}$_"} } qw(count mean_minutes median_minutes p90_minutes);
            }
            $out{ $item->{bucket} }{$target} = \%side if %side;
        }
    }
    return \%out;
}

# Service levels: each target's outcomes per bucket and per priority.
sub sla_recount {
    my (%q) = @_;
    my ($where, @args) = filters(%q);
    my $b = bucket_sql($q{group_by} // 'month', '(x.at AT TIME ZONE z.time_zone)::date');
    my (%items, %prio);
    for my $r (db_query(qq{
        SELECT ${b}::text AS bucket, t.priority, x.target, sum((x.left_us >= 0)::int) AS met, sum((x.left_us < 0)::int) AS breached
        FROM tickets t CROSS JOIN dashboard_zone z
        CROSS JOIN LATERAL (VALUES ('first_response', t.first_response_met_at, t.first_response_left, t.first_response_target),
                                   ('resolution', t.resolution_met_at, t.resolution_left, t.resolution_target))
            AS x (target, at, left_us, minutes)
        WHERE x.at IS NOT NULL AND x.left_us IS NOT NULL AND x.minutes IS NOT NULL
          AND (x.at AT TIME ZONE z.time_zone)::date BETWEEN ?::date AND ?::date $where
        GROUP BY 1, 2, 3}, $q{from}, $q{to}, @args)) {
        for my $side ($items{ $r->{bucket} }{ $r->{target} } //= [0, 0], $prio{ $r->{priority} }{ $r->{target} } //= [0, 0]) {
            $side->[0] += $r->{met};
            $side->[1] += $r->{breached};
        }
    }
    return { items => \%items, by_priority => \%prio };
}
sub sla_answered {
    my ($json) = @_;
    my (%items, %prio);
    for my $item (@{ $json->{items} }) {
        for my $t (qw(first_response resolution)) {
            my $s = $item->{$t};
            $items{ $item->{bucket} }{$t} = [$s->{met}, $s->{breached}] if $s->{met} + $s->{breached};
        }
    }
    for my $item (@{ $json->{by_priority} }) {
        for my $t (qw(first_response resolution)) {
            my $s = $item->{$t};
            $prio{ $item->{priority} }{$t} = [$s->{met}, $s->{breached}] if $s->{met} + $s->{breached};
        }
    }
    return { items => \%items, by_priority => \%prio };
}

# Staff: per expert or tech over the whole range.
sub staff_recount {
    my (%q) = @_;
    my ($where, @args) = filters(%q);
    my $who = ($q{group_by} // 'expert') eq 'tech' ? 'coalesce(t.tech_id, 0)' : 'coalesce(t.expert_id, 0)';
    my $range = q{(%s AT TIME ZONE z.time_zone)::date BETWEEN ?::date AND ?::date};
    my %out;
    for my $r (db_query(qq{
        WITH z AS (SELECT * FROM dashboard_zone), sel AS (SELECT t.*, $who AS who FROM tickets t WHERE true $where)
        SELECT who::text,
          (SELECT count(*) FROM sel s JOIN ticket_activities a ON a.ticket_id = s.id, z WHERE s.who = w.who
             AND a.kind = 'created' AND @{[sprintf $range, 'a.created_at']}) AS handled,
          (SELECT count(*) FROM sel s JOIN ticket_activities a ON a.ticket_id = s.id, z WHERE s.who = w.who
             AND a.kind = 'status_changed' AND a.field = 'status' AND a.new_value = 'solved' AND @{[sprintf $range, 'a.created_at']}) AS solved,
          (SELECT count(*) FROM sel s JOIN ticket_activities a ON a.ticket_id = s.id, z WHERE s.who = w.who
             AND a.kind = 'status_changed' AND a.field = 'status' AND a.old_value IN ('solved', 'closed', 'cancelled')
             AND a.new_value NOT IN ('solved', 'closed', 'cancelled') AND @{[sprintf $range, 'a.created_at']}) AS reopened,
          (SELECT count(*) FROM sel s, z WHERE s.who = w.who AND s.status IN ('solved', 'closed') AND @{[sprintf $range, 's.solved_at']}) AS r_n,
          (SELECT round(avg(extract(epoch FROM s.solved_at - s.created_at) / 60)::numeric, 1) FROM sel s, z
             WHERE s.who = w.who AND s.status IN ('solved', 'closed') AND @{[sprintf $range, 's.solved_at']}) AS r_mean,
          (SELECT count(*) FROM sel s, z WHERE s.who = w.who AND s.resolution_left >= 0 AND s.resolution_target IS NOT NULL
             AND @{[sprintf $range, 's.resolution_met_at']}) AS r_met,
          (SELECT count(*) FROM sel s, z WHERE s.who = w.who AND s.resolution_left < 0 AND s.resolution_target IS NOT NULL
             AND @{[sprintf $range, 's.resolution_met_at']}) AS r_breached,
          (SELECT count(*) FROM sel s, z WHERE s.who = w.who AND s.rating IS NOT NULL AND @{[sprintf $range, 's.rated_at']}) AS rated,
          (SELECT round(avg(s.rating), 2) FROM sel s, z WHERE s.who = w.who AND s.rating IS NOT NULL AND @{[sprintf $range, 's.rated_at']}) AS rating
        FROM (SELECT DISTINCT who FROM sel) w},
        @args, ($q{from}, $q{to}) x 9)) {
        my %f = map { $_ => defined $r->{$_} ? $r->{$_} + 0 : undef } qw(handled solved reopened r_n r_mean r_met r_breached rated rating);
        next unless grep { $_ } @f{qw(handled solved reopened r_n r_met r_breached rated)};
        $out{ $r->{who} } = \%f;
    }
    return \%out;
}
sub staff_answered {
    my ($json) = @_;
    my %out;
    for my $i (@{ $json->{items} }) {
        $out{ $i->{user} ? $i->{user}{id} : 0 } = {
            handled => $i->{handled}, solved => $i->{solved}, reopened => $i->{reopened},
            r_n => $i->{resolution}{count}, r_mean => defined $i->{resolution}{mean_minutes} ? $i->{resolution}{mean_minutes} + 0 : undef,
            r_met => $i->{sla}{resolution}{met}, r_breached => $i->{sla}{resolution}{breached},
            rated => $i->{rating}{count}, rating => defined $i->{rating}{mean} ? $i->{rating}{mean} + 0 : undef };
        my $f = $out{ $i->{user} ? $i->{user}{id} : 0 };
        # those with other facts alone (a cancellation, a first response)
        delete $out{ $i->{user} ? $i->{user}{id} : 0 }
            unless grep { $_ } @$f{qw(handled solved reopened r_n r_met r_breached rated)};
    }
    return \%out;
}

# Satisfaction: ratings by the bucket of rated_at, closings by their
# status changes; the comments of the rating confirmations.
sub csat_recount {
    my (%q) = @_;
    my ($where, @args) = filters(%q);
    my $b = bucket_sql($q{group_by} // 'month', '(x.at AT TIME ZONE z.time_zone)::date');
    my %out;
    for my $r (db_query(qq{
        SELECT ${b}::text AS bucket, x.what, count(*) AS n
        FROM tickets t CROSS JOIN dashboard_zone z
        CROSS JOIN LATERAL (SELECT t.rated_at AS at, t.rating::text AS what WHERE t.rating IS NOT NULL
                            UNION ALL
                            SELECT a.created_at, 'closed' FROM ticket_activities a
                            WHERE a.ticket_id = t.id AND a.kind = 'status_changed' AND a.field = 'status'
                              AND a.new_value = 'closed') x
        WHERE (x.at AT TIME ZONE z.time_zone)::date BETWEEN ?::date AND ?::date $where
        GROUP BY 1, 2}, $q{from}, $q{to}, @args)) {
        $out{ $r->{bucket} }{ $r->{what} } = $r->{n} + 0;
    }
    return \%out;
}
sub csat_answered {
    my ($json) = @_;
    my %out;
    for my $i (@{ $json->{items} }) {
        my %b = (map { $i->{distribution}{$_} ? ($_ => $i->{distribution}{$_}) : () } 1 .. 5);
        $b{closed} = $i->{closed} if $i->{closed};
        $out{ $i->{bucket} } = \%b if %b;
    }
    return \%out;
}

sub get_report {
    my ($user, $report, %q) = @_;
    my $r = api($user, GET => "/api/reports/$report", query => \%q);
    is $r->status, 200, "$user: $report " . join('&', map { "$_=$q{$_}" } sort keys %q) or diag $r->body;
    return $r->json;
}
sub exact {
    my ($name, %q) = @_;
    local $Test::Builder::Level = $Test::Builder::Level + 1;
    my $vol = get_report('manager', 'volume', %q);
    my %got = map { $_->{bucket} => { %$_ } } @{ $vol->{items} };
    delete $_->{bucket} for values %got;
    is_deeply \%got, volume_recount(%q), "$name: volume as a recount";
    is_deeply times_answered(get_report('manager', 'times', %q)), times_recount(%q), "$name: times as a recount";
    is_deeply sla_answered(get_report('manager', 'sla', %q)), sla_recount(%q), "$name: service levels as a recount";
    is_deeply csat_answered(get_report('manager', 'csat', %q)), csat_recount(%q), "$name: satisfaction as a recount";
    for my $by (qw(expert tech)) {
        my %s = (%q, group_by => $by);
        is_deeply staff_answered(get_report('manager', 'staff', %s)), staff_recount(%s), "$name: staff per $by as a recount";
    }
}
sub settled { wait_until(sub { !db_value('SELECT count(*) FROM report_deltas') }, 30) }

my $year = { from => days_ago(420), to => $today };
my $recent = { from => days_ago(40), to => $today };
exact('fourteen months by month, pending', %$year, group_by => 'month');
exact('the last weeks by day, pending', %$recent, group_by => 'day');
ok settled(), 'the background work folds the changes into the counts';
exact('fourteen months by month', %$year, group_by => 'month');
exact('fourteen months by week', %$year, group_by => 'week');
exact('a month and a bit by day', %$recent, group_by => 'day');
exact('a range cutting months, by month', from => days_ago(75), to => days_ago(3), group_by => 'month');
exact('one pharmacy', %$year, group_by => 'month', pharmacy_id => pharmacy_id('APT-B'));
exact('one category', %$year, group_by => 'month', category_id => $error_data);
exact('one priority', %$year, group_by => 'week', priority => 'urgent');
exact('one expert', %$year, group_by => 'month', expert_id => $expert2);
exact('one tech', %$recent, group_by => 'day', tech_id => $tech);
exact('one module', %$recent, group_by => 'week', module_id => module_id('Penjualan'));

# the backlog is the tickets open at each bucket's end
for my $ph (@hist_pharmacies) {
    for my $g (qw(month week)) {
        my %q = (%$year, group_by => $g, pharmacy_id => $ph);
        is_deeply { map { $_->{bucket} => $_->{backlog} } @{ get_report('manager', 'volume', %q)->{items} } }, open_at_end(%q),
            "the backlog by $g: the tickets open at each end, by their last status then";
    }
    my $vol = get_report('manager', 'volume', from => $today, to => $today, group_by => 'day', pharmacy_id => $ph);
    is $vol->{totals}{backlog}, db_value(q{SELECT count(*) FROM tickets WHERE pharmacy_id = ?
                                          AND status NOT IN ('solved', 'closed', 'cancelled')}, $ph),
        'the backlog at the end of today: the tickets open now';
}

# changes after folding
is api('cust_a', PATCH => "/api/tickets/$open", json => { status => 'cancelled' })->status, 200, 'the open ticket cancelled';
is api('admin', DELETE => "/api/tickets/$cancelled")->status, 204, 'a ticket deleted takes its history along';
exact('after a cancellation and a deletion', %$recent, group_by => 'day');
ok settled(), 'folded again';
exact('folded again', %$year, group_by => 'month');

ok db_value('SELECT pd_report_rebuild()') > 0, 'a rebuild counts everything again';
exact('rebuilt', %$year, group_by => 'week');

# a zone with daylight saving time: the days are Berlin's
db_do(q{SELECT pd_dashboard_rebuild('Europe/Berlin')});
db_do('SELECT pd_sla_compliance_rebuild()');
db_do('SELECT pd_report_rebuild()');
exact('Europe/Berlin, the days around the spring change', from => '2026-03-27', to => '2026-03-31', group_by => 'day');
exact('Europe/Berlin, the days around the autumn change', from => '2026-10-23', to => '2026-10-27', group_by => 'day');
exact('Europe/Berlin, by month', %$year, group_by => 'month');
is get_report('manager', 'volume', from => '2026-03-29', to => '2026-03-29')->{time_zone}, 'Europe/Berlin', 'the report names its zone';
db_do(q{SELECT pd_dashboard_rebuild('Asia/Jakarta')});
db_do('SELECT pd_sla_compliance_rebuild()');
db_do('SELECT pd_report_rebuild()');

# ---- what is in it ---------------------------------------------------------------------

my $csat = get_report('manager', 'csat', %$recent);
my ($comment) = grep { $_->{ticket}{id} == $rated } @{ $csat->{comments} };
is_deeply $comment && [$comment->{rating}, $comment->{comment}], [4, 'Cepat, terima kasih.'], 'a rating\'s comment is listed';
my $times = get_report('manager', 'times', %$year);
ok !$times->{percentiles} && !defined $times->{items}[0]{resolution}{median_minutes},
    'over a long range no medians: only exact means';
ok get_report('manager', 'times', %$recent)->{percentiles}, 'over a short range, medians from the rows';
{
    # a short range that holds more than 20,000 first responses and
    # solutions: the rows would cost too much, so no medians either
    my %day = (from => '2001-02-03', to => '2001-02-03', group_by => 'day');
    ok get_report('manager', 'times', %day)->{percentiles}, 'a quiet day: medians (of nothing)';
    db_do(q{INSERT INTO report_counts VALUES ('0', 'd', '2001-02-03', 'r', 0, '', 0, 0, 0, 0, 20001, 0, 0, 0, 0)});
    my $busy = get_report('manager', 'times', %day);
    db_do(q{DELETE FROM report_counts WHERE period = '2001-02-03'});
    ok !$busy->{percentiles}, 'a day with 20,001 solutions: no medians';
}

# ---- who may read what -----------------------------------------------------------------

my %q = (%$year, group_by => 'month');
for my $report (qw(volume times sla csat)) {
    # a customer: their own pharmacy's service, whatever they ask
    my $mine = get_report('cust_a', $report, %q);
    is_deeply $mine, get_report('manager', $report, %q, pharmacy_id => pharmacy_id('APT-A')),
        "cust_a: $report is their pharmacy's";
    is_deeply get_report('cust_a', $report, %q, pharmacy_id => pharmacy_id('APT-B')),
        get_report('manager', $report, %q, pharmacy_id => 999999), "cust_a: another pharmacy's $report counts nothing";
    is_error api('cust_a', GET => "/api/reports/$report", query => { %q, expert_id => $expert }), 403, 'field_forbidden', 'expert_id',
        "cust_a: no staff member's $report";
    # a tech: their own
    is_deeply get_report('tech', $report, %q), get_report('manager', $report, %q, tech_id => $tech), "tech: $report is their own";
    is_error api('tech', GET => "/api/reports/$report", query => { %q, tech_id => $tech2 }), 403, 'field_forbidden', 'tech_id',
        "tech: not another tech's $report";
    # a team expert: the team's and their own
    is_deeply get_report('expert', $report, %q), get_report('manager', $report, %q), "expert: the team's $report";
    is_deeply get_report('expert', $report, %q, expert_id => $expert), get_report('manager', $report, %q, expert_id => $expert),
        "expert: their own $report";
    is_error api('expert', GET => "/api/reports/$report", query => { %q, expert_id => $expert2 }), 403, 'field_forbidden', 'expert_id',
        "expert: not another expert's $report";
    is_deeply get_report('admin', $report, %q), get_report('manager', $report, %q), "admin: $report as the manager's";
}
my %sq = %$year;
is_error api('cust_a', GET => '/api/reports/staff', query => \%sq), 403, 'forbidden', undef, 'customers: no staff report';
my $staff = get_report('expert', 'staff', %sq);
is_deeply [map { $_->{user} && $_->{user}{id} } @{ $staff->{items} }], [$expert], 'expert: their own item alone';
is_deeply $staff->{team}, get_report('manager', 'staff', %sq)->{team}, '... and the team\'s';
is_error api('expert', GET => '/api/reports/staff', query => { %sq, group_by => 'tech' }), 403, 'field_forbidden', 'group_by',
    'expert: not the techs\' figures';
$staff = get_report('tech', 'staff', %sq, group_by => 'tech');
is_deeply [map { $_->{user} && $_->{user}{id} } @{ $staff->{items} }], [$tech], 'tech: their own item alone';
is_error api('norole', GET => '/api/reports/volume', query => \%q), 403, 'no_access', undef, 'no role, no report';
# a customer's statement never names staff
my $body = api('cust_a', GET => '/api/reports/csat', query => \%q)->body;
unlike $body, qr/Expert|Teknisi|Customer Beta/, 'a customer\'s statement names nobody';

# ---- bad requests ----------------------------------------------------------------------

for my $bad ([{ to => $today }, 'from'], [{ from => $today }, 'to'], [{ from => '2026-02-30', to => $today }, 'from'],
             [{ from => $today, to => days_ago(1) }, 'to'], [{ from => '2010-01-01', to => $today }, 'to'],
             [{ from => days_ago(1200), to => $today, group_by => 'day' }, 'to'],
             [{ %q, group_by => 'year' }, 'group_by'], [{ %q, priority => 'x' }, 'priority'],
             [{ %q, pharmacy_id => '0' }, 'pharmacy_id'], [{ %q, format => 'xml' }, 'format'],
             [{ %q, bom => 'true' }, 'bom'], [{ %q, days => 7 }, undef]) {
    my ($query, $field) = @$bad;
    my $r = api('manager', GET => '/api/reports/volume', query => $query);
    is $r->status, 400, 'refused: ' . join('&', map { "$_=$query->{$_}" } sort keys %$query);
    is $r->json->{error}{field}, $field, '... naming ' . ($field // 'the parameter') if defined $field;
}

# ---- the tickets behind the numbers ----------------------------------------------------

# Each number opens the ticket list of its facts (event, event_from,
# event_to): the tickets with that fact on those days, as the raw rows say.
my %fact = (
    created   => q{EXISTS (SELECT 1 FROM ticket_activities a WHERE a.ticket_id = t.id AND a.kind = 'created' AND %s)},
    solved    => q{EXISTS (SELECT 1 FROM ticket_activities a WHERE a.ticket_id = t.id AND a.kind = 'status_changed' AND a.new_value = 'solved' AND %s)},
    closed    => q{EXISTS (SELECT 1 FROM ticket_activities a WHERE a.ticket_id = t.id AND a.kind = 'status_changed' AND a.new_value = 'closed' AND %s)},
    cancelled => q{EXISTS (SELECT 1 FROM ticket_activities a WHERE a.ticket_id = t.id AND a.kind = 'status_changed' AND a.new_value = 'cancelled' AND %s)},
    reopened  => q{EXISTS (SELECT 1 FROM ticket_activities a WHERE a.ticket_id = t.id AND a.kind = 'status_changed'
                           AND a.old_value IN ('solved', 'closed', 'cancelled') AND a.new_value IN ('open', 'in_review', 'in_progress', 'waiting_customer') AND %s)},
    responded => q{%s},
    resolved  => q{t.status IN ('solved', 'closed') AND %s},
    rated     => q{%s},
    rated_4   => q{t.rating = 4 AND %s},
    resolution_breached => q{t.resolution_left < 0 AND %s},
    first_response_met  => q{t.first_response_left >= 0 AND %s},
);
my %at = (responded => 't.first_response_at', resolved => 't.solved_at', rated => 't.rated_at', rated_4 => 't.rated_at',
          resolution_breached => 't.resolution_met_at', first_response_met => 't.first_response_met_at');
for my $range ([$today, $today], [days_ago(400), $today], ['2026-03-29', '2026-03-29']) {
    my ($from, $to) = @$range;
    for my $event (sort keys %fact) {
        my $cond = sprintf $fact{$event}, sprintf q{(%s AT TIME ZONE z.time_zone)::date BETWEEN ?::date AND ?::date},
            $at{$event} // 'a.created_at';
        my @want = map { $_->{id} } db_query(qq{SELECT t.id FROM tickets t CROSS JOIN dashboard_zone z WHERE $cond ORDER BY t.id}, $from, $to);
        my ($items) = all_pages('manager', '/api/tickets', { event => $event, event_from => $from, event_to => $to, limit => 100 });
        is_deeply [sort { $a <=> $b } map { $_->{id} } @$items], \@want, "the tickets behind $event, $from to $to";
    }
}
# the backlog at the end of a day: the tickets open then
my ($items) = all_pages('manager', '/api/tickets', { event => 'backlog', event_from => days_ago(30), event_to => days_ago(30), limit => 100 });
my ($day) = grep { $_->{bucket} eq days_ago(30) } @{ get_report('manager', 'volume', from => days_ago(30), to => days_ago(30), group_by => 'day')->{items} };
is scalar @$items, $day->{backlog}, 'the backlog at the end of a day lists as many tickets as it counts';
# and within the caller's scope: a customer's are their pharmacy's
($items) = all_pages('cust_a', '/api/tickets', { event => 'created', event_from => days_ago(400), event_to => $today, limit => 100 });
ok @$items && !grep({ $_->{pharmacy}{id} != pharmacy_id('APT-A') } @$items), 'a customer\'s list behind a number: their pharmacy\'s tickets';
for my $bad ([{ event => 'created' }, 'event'], [{ event => 'x', event_from => $today, event_to => $today }, 'event'],
             [{ event_from => $today }, 'event_from'], [{ event => 'solved', event_from => $today, event_to => days_ago(1) }, 'event_to'],
             [{ event => 'solved', event_from => '2026-13-01', event_to => $today }, 'event_from']) {
    my ($query, $field) = @$bad;
    is_error api('manager', GET => '/api/tickets', query => $query), 400, 'invalid_parameter', $field,
        'the list refuses ' . join('&', map { "$_=$query->{$_}" } sort keys %$query);
}

# ---- CSV ------------------------------------------------------------------------------

my $csv = api('manager', GET => '/api/reports/volume', query => { %q, format => 'csv', bom => 'true' });
is $csv->status, 200, 'the volume as CSV';
like $csv->header('Content-Type'), qr{^text/csv; charset=utf-8}, '... text/csv';
like $csv->header('Content-Disposition'), qr{^attachment; filename="pharmadesk-volume-$q{from}-$q{to}\.csv"$}, '... an attachment';
my @lines = split /\r\n/, $csv->body;
is substr($lines[0], 0, 3), "\xEF\xBB\xBF", '... with a byte order mark';
is substr($lines[0], 3), 'bucket,first,last,created,solved,closed,reopened,cancelled,backlog', '... a header';
is scalar(@lines) - 1, scalar @{ get_report('manager', 'volume', %q)->{items} }, '... a line per bucket';
$csv = api('manager', GET => '/api/reports/staff', query => \%sq, headers => { Accept => 'text/csv' });
like $csv->header('Content-Type'), qr{^text/csv}, 'Accept: text/csv asks for CSV';
like $csv->body, qr/^user\.id,user\.name,handled,solved,/, '... nested members joined with a dot';

done_testing;
