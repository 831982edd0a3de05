#!/usr/bin/perl
# Service level compliance (migration 0032): every target decided, met or
# breached with the business time it took, counted per day and month,
# target, priority, category, module and pharmacy; GET /api/sla-compliance
# against a brute-force recount from the tickets, grouped every way, over a
# day and over years, before and after the background work folds the
# changes in; a rejected solution taking its outcome back, a recategorised
# ticket moving its; a rebuild giving the same; who may ask.
use strict;
use warnings;
use lib "$ENV{PD_ROOT}/t/lib";
use Test::More;
use PD::Test;
use PD::Fixtures;

my $today = db_value(q{SELECT ((now() AT TIME ZONE z.time_zone)::date)::text FROM dashboard_zone z});

# The outcomes recounted from the tickets themselves: {key}{target} =
# [met, breached, average minutes].
my %KEY = (all => q{'all'}, priority => 't.priority', category => 't.category_id::text',
           module => 't.module_id::text', pharmacy => 't.pharmacy_id::text',
           month => q{to_char(x.at AT TIME ZONE z.time_zone, 'YYYY-MM')});
sub recount {
    my ($from, $to, $group, $pharmacy) = @_;
    my %out;
    for my $r (db_query(qq{
        SELECT x.target, $KEY{$group} AS key, sum((x.left_us >= 0)::int) AS met, sum((x.left_us < 0)::int) AS breached,
               round(sum(x.minutes * 60000000::bigint - x.left_us) / 60000000.0 / count(*), 1) AS average
        FROM tickets t CROSS JOIN dashboard_zone z
        CROSS JOIN LATERAL (VALUES ('first_response', t.first_response_met_at, t.first_response_left, t.first_response_target),
                                   ('resolution', t.resolution_met_at, t.resolution_left, t.resolution_target))
            AS x (target, at, left_us, minutes)
        WHERE x.at IS NOT NULL AND x.left_us IS NOT NULL AND x.minutes IS NOT NULL
          AND (x.at AT TIME ZONE z.time_zone)::date BETWEEN ?::date AND ?::date
          AND (?::bigint IS NULL OR t.pharmacy_id = ?::bigint)
        GROUP BY 1, 2}, $from, $to, $pharmacy, $pharmacy)) {
        $out{ $r->{key} }{ $r->{target} } = [$r->{met} + 0, $r->{breached} + 0, $r->{average} + 0];
    }
    return \%out;
}
# The API's answer in the same shape.
sub answered {
    my ($user, %q) = @_;
    my $r = api($user, GET => '/api/sla-compliance', query => \%q);
    is $r->status, 200, "$user: GET /api/sla-compliance " . join('&', map { "$_=$q{$_}" } sort keys %q) or diag $r->body;
    my %out;
    for my $item (@{ $r->json->{items} // [] }) {
        for my $target (qw(first_response resolution)) {
            my $s = $item->{$target};
            next unless $s->{met} + $s->{breached};
            $out{ $item->{key} }{$target} = [$s->{met}, $s->{breached}, $s->{average_minutes} + 0];
        }
    }
    return \%out;
}
sub exact {
    my ($name, %q) = @_;
    local $Test::Builder::Level = $Test::Builder::Level + 1;
    my $group = $q{group_by} // 'all';
    my $to = $q{to} // $today;
    my $from = $q{from} // db_value('SELECT (?::date - 29)::text', $to);
    is_deeply answered('manager', %q), recount($from, $to, $group, $q{pharmacy_id}),
        "$name: as a recount from the tickets";
}
sub settled { wait_until(sub { !db_value('SELECT count(*) FROM sla_compliance_deltas') }, 20) }

# ---- outcomes -------------------------------------------------------------------------

my $error_data = category_id('Error Data');
sub solved_ticket {
    my ($user, %f) = @_;
    my $id = create_ticket($user, priority => 'urgent', title => tag('Kepatuhan'), %f)->json->{id};
    api('expert', PATCH => "/api/tickets/$id", json => { tech_id => user_id('tech'), note => 'Cek.' });
    return $id;
}
my $in_time = solved_ticket('cust_a');
is api('tech', PATCH => "/api/tickets/$in_time", json => { status => 'solved', message => 'Beres.' })->status, 200,
    'a ticket answered and solved at once: both targets met';
my $late = solved_ticket('cust_b', category_id => $error_data);
sla_elapse($late, 500);
is api('tech', PATCH => "/api/tickets/$late", json => { status => 'solved', message => 'Akhirnya.' })->status, 200,
    'one answered and solved after 500 minutes: both breached';
my $rejected = solved_ticket('cust_a');
is api('tech', PATCH => "/api/tickets/$rejected", json => { status => 'solved', message => 'Coba lagi.' })->status, 200,
    'a third solved';

for my $group (qw(all priority category module pharmacy month)) {
    exact("today, by $group", from => $today, to => $today, group_by => $group);
}
exact('today, one pharmacy', from => $today, to => $today, group_by => 'priority', pharmacy_id => pharmacy_id('APT-B'));
exact('years, by month', from => '2020-01-01', to => $today, group_by => 'month');
exact('the last 30 days (the default)');

# changes that move outcomes
my $before = answered('manager', from => $today, to => $today);
is api('cust_a', PATCH => "/api/tickets/$rejected", json => { status => 'in_progress', message => 'Masih error.' })->status, 200,
    'the customer rejects a solution';
my $after = answered('manager', from => $today, to => $today);
is $after->{all}{resolution}[0], $before->{all}{resolution}[0] - 1, '... its resolution\'s outcome is taken back';
exact('after the rejection', from => $today, to => $today, group_by => 'category');
is api('admin', PATCH => "/api/tickets/$in_time", json => { category_id => $error_data })->status, 200,
    'a solved ticket recategorised';
exact('after the recategorisation', from => $today, to => $today, group_by => 'category');

# history: outcomes decided in earlier months, as an import would write them
db_do(q{UPDATE tickets SET first_response_met_at = first_response_met_at - interval '40 days',
                           resolution_met_at = resolution_met_at - interval '75 days' WHERE id = ?}, $late);
exact('with history, years by month', from => '2020-01-01', to => $today, group_by => 'month');
ok settled(), 'the background work folds the changes into the counts';
exact('folded history: whole months from the monthly counts, the ends from the daily ones',
      from => db_value(q{SELECT (now()::date - 100)::text}), to => $today, group_by => 'month');
exact('folded, by category', from => $today, to => $today, group_by => 'category');
exact('folded, years by month', from => '2020-01-01', to => $today, group_by => 'month');
exact('folded, by pharmacy', from => $today, to => $today, group_by => 'pharmacy');
my ($item) = grep { $_->{key} eq $error_data } @{ api('manager', GET => '/api/sla-compliance',
    query => { from => $today, to => $today, group_by => 'category' })->json->{items} };
is $item && $item->{name}, 'Error Data', 'a category is named';

ok db_value('SELECT pd_sla_compliance_rebuild()') > 0, 'a rebuild counts everything again';
exact('rebuilt, years by month', from => '2020-01-01', to => $today, group_by => 'month');

# ---- who and what --------------------------------------------------------------------

is_error api('cust_a', GET => '/api/sla-compliance'), 403, 'forbidden', undef, 'customers do not read compliance';
for my $bad ([{ from => '2026-13-01' }, 'from'], [{ to => '2026-02-30' }, 'to'], [{ from => '2026-12-01', to => '2026-11-01' }, 'to'],
             [{ group_by => 'tech' }, 'group_by'], [{ pharmacy_id => 'x' }, 'pharmacy_id'], [{ days => 7 }, undef]) {
    my ($q, $field) = @$bad;
    my $r = api('manager', GET => '/api/sla-compliance', query => $q);
    is $r->status, 400, 'refused: ' . join('&', map { "$_=$q->{$_}" } sort keys %$q);
    is $r->json->{error}{field}, $field, '... naming ' . ($field // 'the parameter') if defined $field;
}

done_testing;
