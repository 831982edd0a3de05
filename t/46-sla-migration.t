#!/usr/bin/perl
# The service levels' migrations on a database with history: a scratch
# database gets the migrations before them and tickets with timelines (new,
# long overdue, answered and waiting for the customer, paused and resumed
# twice, solved), then the rest. Each ticket's targets are its history
# replayed under the default policy; the levels it reached before count as
# reported, so the sweep starts with nothing to say about the past.
use strict;
use warnings;
use lib "$ENV{PD_ROOT}/t/lib";
use Test::More;
use PD::Test;
use PD::Scratch;

my $scratch = PD::Scratch->new('pd_sla', qr/_sla\.sql$/);
ok $scratch, 'the service levels\' migration is there' or BAIL_OUT('no *_sla.sql');

# ---- the history, before the service levels ------------------------------------------

my ($rc, $out) = $scratch->migrate_before;
is $rc, 0, 'the migrations before the service levels apply' or diag $out;

my $dbh = $scratch->dbh;
my $val = sub { my ($sql, @b) = @_; ($dbh->selectrow_array($sql, undef, @b))[0] };
my $pharmacy = $val->(q{INSERT INTO pharmacies (code, name) VALUES ('SLA-A', 'Apotek Waktu') RETURNING id});
my $customer = $val->(q{INSERT INTO users (username, name, role_id, pharmacy_id) VALUES ('sla_c', 'Pelanggan', 4, ?)
                        RETURNING id}, $pharmacy);
my $expert = $val->(q{INSERT INTO users (username, name, role_id) VALUES ('sla_e', 'Ahli', 2) RETURNING id});

# A ticket created $ago minutes ago, then its story: [minutes ago, what],
# what being a status it moved to, or 'reply' (a public reply by staff).
my $n = 0;
sub ticket {
    my ($priority, $ago, @story) = @_;
    my $status = 'open';
    $status = $_->[1] for grep { $_->[1] ne 'reply' } @story;
    my $id = $val->(q{INSERT INTO tickets (number, pharmacy_id, pic_name, contact, module_id, category_id, title,
        description, source, created_by, customer_id, priority, status, created_at)
        VALUES (?, ?, 'PIC', '0812', 1, 1, 'Sejarah', 'Deskripsi', 'customer', ?, ?, ?, ?,
                now() - make_interval(mins => ?)) RETURNING id},
        'PD-SLA-' . ++$n, $pharmacy, $customer, $customer, $priority, $status, $ago);
    $dbh->do(q{INSERT INTO ticket_activities (ticket_id, user_id, kind, new_value, created_at)
        VALUES (?, ?, 'created', 'open', now() - make_interval(mins => ?))}, undef, $id, $customer, $ago);
    my $was = 'open';
    for my $step (@story) {
        my ($when, $what) = @$step;
        if ($what eq 'reply') {
            $dbh->do(q{INSERT INTO ticket_activities (ticket_id, user_id, kind, body, created_at)
                VALUES (?, ?, 'comment', 'Kami periksa.', now() - make_interval(mins => ?))}, undef, $id, $expert, $when);
            next;
        }
        $dbh->do(q{INSERT INTO ticket_activities (ticket_id, user_id, kind, field, old_value, new_value, created_at)
            VALUES (?, ?, 'status_changed', 'status', ?, ?, now() - make_interval(mins => ?))},
            undef, $id, $expert, $was, $what, $when);
        $was = $what;
    }
    $dbh->do(q{UPDATE tickets SET solved_at = now() - make_interval(mins => ?) WHERE id = ?}, undef, $story[-1][0], $id)
        if $status eq 'solved';
    return $id;
}

# urgent: a first response within 60 minutes, a resolution within 480
my %t = (
    fresh    => ticket(urgent => 30),
    overdue  => ticket(urgent => 180),
    waiting  => ticket(urgent => 120, [100, 'reply'], [100, 'in_progress'], [90, 'waiting_customer']),
    resumed  => ticket(urgent => 300, [290, 'reply'], [290, 'in_progress'], [280, 'waiting_customer'],
                       [220, 'in_progress'], [200, 'waiting_customer'], [170, 'in_progress']),
    solved   => ticket(urgent => 600, [570, 'reply'], [570, 'in_progress'], [300, 'solved']),
);

($rc, $out) = $scratch->migrate_rest;
is $rc, 0, 'the service levels apply to a database with history' or diag $out;

# minutes from now to a column's instant, rounded
sub in {
    my ($key, $col) = @_;
    return $val->("SELECT round(extract(epoch FROM $col - now()) / 60) FROM tickets WHERE id = ?", $t{$key});
}
# whole business minutes a column of microseconds holds
sub minutes {
    my ($key, $col) = @_;
    return $val->("SELECT round($col / 60000000.0) FROM tickets WHERE id = ?", $t{$key});
}
sub col { my ($key, $col) = @_; $val->("SELECT $col FROM tickets WHERE id = ?", $t{$key}) }
sub near {
    my ($got, $want, $name) = @_;
    local $Test::Builder::Level = $Test::Builder::Level + 1;
    ok defined $got && abs($got - $want) <= 1, $name or diag 'got ' . ($got // 'undef') . ", want $want";
}

is col(fresh => 'sla_policy_id'), $val->('SELECT id FROM sla_policies WHERE is_default'), 'the default policy\'s';
near in(fresh => 'first_response_due_at'), 30, 'new for 30 minutes: the first response due in 30';
near in(fresh => 'first_response_risk_at'), 18, '... at risk in 18 (80% of 60)';
near in(fresh => 'first_response_escalate_at'), 270, '... the managers\' level 240 minutes after its due time';
near in(fresh => 'resolution_due_at'), 450, '... the resolution due in 450';
is col(fresh => 'sla_alerts'), 0, '... nothing reached yet';
is col(fresh => 'sla_check_at = first_response_risk_at'), 1, '... the sweep looks at it when it is at risk';

near in(overdue => 'first_response_due_at'), -120, 'three hours unanswered: the first response 120 minutes late';
is col(overdue => 'sla_alerts'), 1 | 2, '... at risk and breached count as reported';
is col(overdue => 'sla_check_at = first_response_escalate_at'), 1, '... the managers\' level is what comes next';
near in(overdue => 'sla_check_at'), 120, '... in 120 minutes';
is col(overdue => 'escalated_at'), undef, '... not escalated by the upgrade';

ok col(waiting => 'first_response_met_at IS NOT NULL'), 'answered after 20 minutes: the first response met';
near minutes(waiting => 'first_response_left'), 40, '... 40 minutes to spare';
near minutes(waiting => 'resolution_left'), 450, 'waiting for the customer since 90 minutes: 450 minutes left kept';
near in(waiting => 'sla_stopped_at'), -90, '... stopped when the wait began';
is col(waiting => 'sla_paused'), 0, '... no pause over yet';
is col(waiting => 'sla_check_at'), undef, '... nothing for the sweep while it waits';

near minutes(resumed => 'sla_paused'), 90, 'two pauses of 60 and 30 minutes: 90 paused';
near in(resumed => 'resolution_due_at'), 270, '... 210 minutes used: the resolution due in 270';
near minutes(resumed => 'first_response_left'), 50, '... the first response met with 50 to spare';
is col(resumed => 'sla_stopped_at'), undef, '... running';

ok col(solved => 'resolution_met_at IS NOT NULL'), 'solved: the resolution met';
near minutes(solved => 'resolution_left'), 180, '... 300 of 480 minutes used (open, then in progress)';
ok col(solved => 'sla_met'), '... both targets met';
is col(solved => 'sla_check_at'), undef, '... nothing for the sweep';

is $val->(q{SELECT count(*) FROM ticket_activities WHERE kind IN ('sla', 'escalation')}), 0,
    'the upgrade reported nothing on the timelines';
is $val->(q{SELECT count(*) FROM notify_outbox WHERE event LIKE 'sla%'}), 0, '... and notified nobody';
ok $val->(q{SELECT pd_notify_event_valid('sla_breached') AND pd_notify_event_valid('de_escalated')
            AND pd_notify_event_valid('public_reply') AND NOT pd_notify_event_valid('sla_bogus')}),
    'the service levels\' events are valid events, the earlier ones still are';

# the sweep, from then on
is_deeply [$dbh->selectrow_array('SELECT taken, entries FROM pd_sla_sweep(100)')], [0, 0],
    'a sweep right after: nothing to report';
$dbh->do(q{UPDATE tickets SET sla_check_at = sla_check_at - interval '125 minutes',
    first_response_escalate_at = first_response_escalate_at - interval '125 minutes' WHERE id = ?}, undef, $t{overdue});
is_deeply [$dbh->selectrow_array('SELECT taken, entries FROM pd_sla_sweep(100)')], [1, 1],
    '125 minutes later the long overdue ticket reaches the managers\' level';
is_deeply $dbh->selectcol_arrayref(q{SELECT field || ' ' || new_value FROM ticket_activities
    WHERE ticket_id = ? AND kind = 'sla'}, undef, $t{overdue}), ['first_response escalated'], '... its one report';
is $val->(q{SELECT count(*) FROM notify_outbox WHERE ticket_id = ? AND event = 'sla_escalated'}, $t{overdue}), 1,
    '... and its event';

# A replay while the system runs: a transaction that has locked a ticket
# (as the sweep does when it claims its tickets) and then updates it. The
# replay waits for it rather than the two waiting for each other, which
# PostgreSQL would end by aborting one.
{
    my $other = DBI->connect("dbi:Pg:dbname=$scratch->{name};host=$ENV{PD_TEST_PGHOST};port=$ENV{PD_TEST_PGPORT}",
        $scratch->{owner}, '', { RaiseError => 1, PrintError => 0, AutoCommit => 1 });
    $other->begin_work;
    $other->do('SELECT id FROM tickets WHERE id = ? FOR UPDATE', undef, $t{overdue});
    my $replayer = DBI->connect("dbi:Pg:dbname=$scratch->{name};host=$ENV{PD_TEST_PGHOST};port=$ENV{PD_TEST_PGPORT}",
        $scratch->{owner}, '', { RaiseError => 1, PrintError => 0, AutoCommit => 1 });
    $replayer->do('SELECT pd_sla_replay()', { pg_async => DBD::Pg::PG_ASYNC() });
    select undef, undef, undef, 0.5;
    ok !$replayer->pg_ready, 'a replay waits for a transaction holding a ticket';
    ok eval { $other->do('UPDATE tickets SET title = title WHERE id = ?', undef, $t{overdue}); $other->commit; 1 },
        '... which updates it and commits' or diag $@;
    ok eval { $replayer->pg_result; 1 }, '... then the replay runs to its end' or diag $@;
    $_->disconnect for $other, $replayer;
}

# the scratch database goes
undef $dbh;
undef $scratch;
done_testing;
