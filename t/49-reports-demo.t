#!/usr/bin/perl
# The reports over the demo data, loaded into a fresh database as
# scripts/demo loads it: months of tickets with rejected (reopened),
# cancelled, breached and rated ones. Volume, service levels and
# satisfaction by month and by day, against a recount from the tickets and
# their timelines, by the days of Asia/Jakarta and of Europe/Berlin (whose
# daylight saving time starts and ends within the data).
use strict;
use warnings;
use lib "$ENV{PD_ROOT}/t/lib";
use Test::More;
use PD::Test;
use PD::Scratch;
use JSON::PP;

my $scratch = PD::Scratch->new('pd_demo_reports', qr/^0001_/);
my ($rc, $out) = $scratch->migrate_rest;
is $rc, 0, 'the migrations apply to a fresh database' or diag $out;
($rc, $out) = $scratch->psql_file("$ENV{PD_ROOT}/sql/demo/demo_data.sql");
is $rc, 0, 'the demo data loads' or diag $out;
my $dbh = $scratch->dbh;
sub value { my ($sql, @args) = @_; return scalar $dbh->selectrow_array($sql, undef, @args) }
sub rows { my ($sql, @args) = @_; return @{ $dbh->selectall_arrayref($sql, { Slice => {} }, @args) } }

my %fact = map { $_->{kind} => $_->{n} } rows(q{SELECT kind, sum(n) AS n FROM report_counts WHERE lvl = '0' AND grain = 'm' GROUP BY 1});
ok $fact{$_}, "the demo has facts of kind $_" for qw(c s x k o 1 5);
ok value(q{SELECT sum(breached) FROM report_counts WHERE lvl = '0' AND grain = 'm' AND kind = 'R'}), '... and breached resolutions';
my ($from, $to) = $dbh->selectrow_array(q{SELECT (min(created_at) AT TIME ZONE 'Asia/Jakarta')::date::text,
                                                 ((now() AT TIME ZONE 'Asia/Jakarta')::date)::text FROM tickets});

sub report {
    my ($name, $group, $f, $t) = @_;
    return JSON::PP->new->decode(value("SELECT pd_report_${name}_json(0, NULL, NULL, NULL, NULL, NULL, NULL, ?::date, ?::date, ?)",
                                       $f // $from, $t // $to, $group));
}
my $bucket = sub { my ($g, $day) = @_; $g eq 'day' ? $day : "date_trunc('$g', ($day)::timestamp)::date" };

# volume: the timeline's creations and status changes per bucket, and the
# tickets whose last status at each bucket's end was open (a creation
# entry may leave its status unsaid: open)
sub volume_recount {
    my ($g, $f, $t) = @_;
    my $b = $bucket->($g, 'd.day');
    my %out;
    for my $r (rows(qq{
        WITH z AS (SELECT time_zone AS zone FROM dashboard_zone),
        k AS (SELECT $b AS bucket, max(d.day) AS last, min(d.day) AS first
              FROM (SELECT g::date AS day FROM generate_series(?::date, ?::date, interval '1 day') g) d GROUP BY 1),
        ev AS (SELECT a.*, (a.created_at AT TIME ZONE z.zone)::date AS day FROM ticket_activities a, z
               WHERE a.kind = 'created' OR (a.kind = 'status_changed' AND a.field = 'status'))
        SELECT k.bucket::text,
               (SELECT count(*) FROM ev WHERE ev.day BETWEEN k.first AND k.last AND ev.kind = 'created') AS created,
               (SELECT count(*) FROM ev WHERE ev.day BETWEEN k.first AND k.last AND ev.new_value = 'solved' AND ev.kind <> 'created') AS solved,
               (SELECT count(*) FROM ev WHERE ev.day BETWEEN k.first AND k.last AND ev.new_value = 'closed') AS closed,
               (SELECT count(*) FROM ev WHERE ev.day BETWEEN k.first AND k.last AND ev.new_value = 'cancelled') AS cancelled,
               (SELECT count(*) FROM ev WHERE ev.day BETWEEN k.first AND k.last
                  AND ev.old_value IN ('solved', 'closed', 'cancelled') AND ev.new_value NOT IN ('solved', 'closed', 'cancelled')) AS reopened,
               (SELECT count(*) FROM (SELECT DISTINCT ON (ev.ticket_id) coalesce(ev.new_value, 'open') AS new_value FROM ev
                                      WHERE ev.created_at < (k.last + 1)::timestamp AT TIME ZONE (SELECT zone FROM z)
                                      ORDER BY ev.ticket_id, ev.created_at DESC, ev.id DESC) s
                WHERE s.new_value NOT IN ('solved', 'closed', 'cancelled')) AS backlog
        FROM k}, $f // $from, $t // $to)) {
        $out{ $r->{bucket} } = { map { $_ => $r->{$_} + 0 } qw(created solved closed cancelled reopened backlog) };
    }
    return \%out;
}
sub volume_answered {
    my ($json) = @_;
    return { map { my $i = $_; ($i->{bucket} => { map { $_ => $i->{$_} } qw(created solved closed cancelled reopened backlog) }) }
             @{ $json->{items} } };
}
# service levels and ratings per bucket
sub outcomes_recount {
    my ($g) = @_;
    my $b = $bucket->($g, '(x.at AT TIME ZONE z.time_zone)::date');
    my %out;
    for my $r (rows(qq{
        SELECT ${b}::text AS bucket, x.what, sum(x.n) AS n
        FROM tickets t CROSS JOIN dashboard_zone z
        CROSS JOIN LATERAL (VALUES
            ('fr_met', t.first_response_met_at, (t.first_response_left >= 0 AND t.first_response_target IS NOT NULL)::int),
            ('fr_breached', t.first_response_met_at, (t.first_response_left < 0 AND t.first_response_target IS NOT NULL)::int),
            ('res_met', t.resolution_met_at, (t.resolution_left >= 0 AND t.resolution_target IS NOT NULL)::int),
            ('res_breached', t.resolution_met_at, (t.resolution_left < 0 AND t.resolution_target IS NOT NULL)::int),
            ('rated_' || t.rating, t.rated_at, 1)) AS x (what, at, n)
        WHERE x.at IS NOT NULL AND x.what IS NOT NULL AND (x.at AT TIME ZONE z.time_zone)::date BETWEEN ?::date AND ?::date
        GROUP BY 1, 2 HAVING sum(x.n) > 0}, $from, $to)) {
        $out{ $r->{bucket} }{ $r->{what} } = $r->{n} + 0;
    }
    return \%out;
}
sub outcomes_answered {
    my ($g) = @_;
    my (%out, $sla, $csat);
    $sla = report('sla', $g);
    $csat = report('csat', $g);
    for my $i (@{ $sla->{items} }) {
        my %b = (fr_met => $i->{first_response}{met}, fr_breached => $i->{first_response}{breached},
                 res_met => $i->{resolution}{met}, res_breached => $i->{resolution}{breached});
        $out{ $i->{bucket} }{$_} = $b{$_} for grep { $b{$_} } keys %b;
    }
    for my $i (@{ $csat->{items} }) {
        $out{ $i->{bucket} }{"rated_$_"} = $i->{distribution}{$_} for grep { $i->{distribution}{$_} } 1 .. 5;
    }
    return \%out;
}

for my $zone ('Asia/Jakarta', 'Europe/Berlin') {
    if ($zone ne 'Asia/Jakarta') {
        $dbh->do(q{SELECT pd_dashboard_rebuild(?)}, undef, $zone);
        $dbh->do(q{SELECT pd_report_rebuild()});
    }
    for my $g (qw(month week day)) {
        is_deeply volume_answered(report('volume', $g)), volume_recount($g), "$zone, by $g: the demo's volume as a recount";
        is_deeply outcomes_answered($g), outcomes_recount($g), "$zone, by $g: service levels and ratings as a recount";
    }
}
# the day daylight saving time ends in Europe/Berlin (25 hours) is one day
# of the report, its tickets all there
my %days = map { $_->{bucket} => $_->{created} } @{ report('volume', 'day', '2026-10-24', '2026-10-26')->{items} };
is_deeply [sort keys %days], [qw(2026-10-24 2026-10-25 2026-10-26)], 'Europe/Berlin: the autumn change\'s day is one bucket';
is $days{'2026-10-25'}, value(q{SELECT count(*) FROM tickets
                                WHERE created_at >= timestamp '2026-10-25' AT TIME ZONE 'Europe/Berlin'
                                  AND created_at < timestamp '2026-10-26' AT TIME ZONE 'Europe/Berlin'}),
    '... counting the tickets of its 25 hours';

# the tickets behind a backlog number: as many as it counts
my $vol = report('volume', 'day', $to, $to);
is value(q{SELECT count(*) FROM pd_report_event_tickets('backlog', ?::date, ?::date)}, $to, $to), $vol->{totals}{backlog},
    'the tickets behind today\'s backlog: as many as it counts';

undef $dbh;
undef $scratch;
done_testing;
