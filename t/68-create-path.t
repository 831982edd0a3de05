#!/usr/bin/perl
# A ticket's creation writes its service level targets and numbers its first
# timeline entry itself (migration 0090), instead of per-row triggers: the
# values must be exactly what the triggers compute for the same row. Here:
# every priority under policies with every escalation level and with none,
# on office hours and around the clock; the widest at-risk stretch kept; a
# target past the calendar's window (the trigger's path, which widens it);
# the timeline's numbers after the first entry; a front desk case; and the
# guard that replaced the foreign keys to policies and calendars.
use strict;
use warnings;
use lib "$ENV{PD_ROOT}/t/lib";
use Test::More;
use PD::Test;
use PD::Fixtures;

# The columns a create writes for the service levels, as text, and the same
# columns as pd_sla_step computes them for a new row with the same
# attributes and creation time (what the insert trigger returns).
my $COLUMNS = join ', ', qw(sla_policy_id sla_calendar_id sla_risk_percent sla_levels sla_managers_after
    first_response_target resolution_target first_response_due_at first_response_risk_at
    first_response_escalate_at resolution_due_at resolution_risk_at resolution_escalate_at
    first_response_left resolution_left first_response_met_at resolution_met_at sla_paused sla_stopped_at
    sla_due_at sla_risk_at sla_met sla_alerts sla_check_at);
sub as_written {
    my ($id) = @_;
    my ($row) = db_query("SELECT $COLUMNS FROM tickets WHERE id = ?", $id);
    return [@$row];
}
sub as_triggered {
    my ($id) = @_;
    my ($row) = db_query("SELECT $COLUMNS FROM (SELECT (pd_sla_step(NULL, t)).* FROM tickets t WHERE t.id = ?) x", $id);
    return [@$row];
}

my $code = 'CP-' . $$;
my $ph = api('admin', POST => '/api/pharmacies', json => { code => $code, name => "Apotek Jalur $$", tier => "T$$" });
is $ph->status, 201, 'a pharmacy of its own tier' or BAIL_OUT($ph->body);
my $pharmacy = $ph->json->{id};

my $office = api('admin', POST => '/api/sla-calendars', json => {
    name => tag('Kantor'), time_zone => 'Asia/Jakarta',
    hours => { map { $_ => [{ from => '08:00', to => '12:00' }, { from => '13:00', to => '17:00' }] } qw(mon tue wed thu fri) },
    holidays => [{ date => '2027-01-01', name => 'Tahun Baru' }] });
is $office->status, 201, 'an office hours calendar' or diag $office->body;
$office = $office->json->{id};
# an hour a week: a week's target lies years ahead, past the window the
# maintenance work keeps
my $sparse = api('admin', POST => '/api/sla-calendars', json => {
    name => tag('Jarang'), time_zone => 'Asia/Jakarta', hours => { wed => [{ from => '09:00', to => '10:00' }] } });
is $sparse->status, 201, 'a calendar of an hour a week' or diag $sparse->body;
$sparse = $sparse->json->{id};

my @policies;
sub policy {
    my (%body) = @_;
    my $r = api('admin', POST => '/api/sla-policies', json => { name => tag('Jalur'), pharmacy_tier => "T$$", %body });
    is $r->status, 201, 'a policy: ' . ($body{name_hint} // '') or diag $r->body;
    push @policies, $r->json->{id};
    return $r->json->{id};
}
sub targets { my ($f, $r) = @_; +{ map { $_ => { first_response => $f, resolution => $r } } qw(low medium high urgent) } }

my $all_levels = policy(calendar_id => $office, targets => {
        low => { first_response => 600, resolution => 4800 }, medium => { first_response => 240, resolution => 2400 },
        high => { first_response => 60, resolution => 960 }, urgent => { first_response => 15, resolution => 240 } },
    at_risk_percent => 75, escalation => { at_risk => JSON::true, breached => JSON::true, managers_after_minutes => 90 });
my $no_levels = policy(calendar_id => 1, category_id => category_id('Error Data'), targets => targets(30, 300),
    escalation => { at_risk => JSON::false, breached => JSON::false, managers_after_minutes => undef });
my $breach_only = policy(calendar_id => $office, module_id => module_id('Resep'), targets => targets(45, 450),
    escalation => { at_risk => JSON::false, breached => JSON::true, managers_after_minutes => 30 });

# ---- what the create writes is what the trigger computes ----------------------------------

my @made;
for my $case ([$all_levels, {}], [$no_levels, { category_id => category_id('Error Data') }],
              [$breach_only, { module_id => module_id('Resep') }]) {
    my ($policy, $fields) = @$case;
    for my $priority (qw(low medium high urgent)) {
        my $r = create_ticket('admin', pharmacy_id => $pharmacy, priority => $priority, %$fields);
        is $r->status, 201, "policy $policy, $priority: created" or next;
        my $id = $r->json->{id};
        push @made, $id;
        my $written = as_written($id);
        is $written->[0], $policy, '... governed by the policy that matches it';
        ok defined $written->[7] && defined $written->[10], '... with both due times';
        is_deeply $written, as_triggered($id), '... every service level column as the insert trigger computes it';
        is $r->json->{sla}{policy_id}, $policy, '... and the answer says so';
    }
}

# the summary's next check follows the levels the policy has
{
    is db_value(q{SELECT sla_risk_at IS NOT NULL AND sla_check_at = sla_risk_at FROM tickets WHERE id = ?}, $made[0]), 1,
        'every level: the first check is the at-risk instant';
    is db_value(q{SELECT sla_check_at IS NULL FROM tickets WHERE id = ?}, $made[4]), 1,
        'no level: nothing for the sweep to check';
    is db_value(q{SELECT sla_check_at = sla_due_at FROM tickets WHERE id = ?}, $made[8]), 1,
        'breach only: the first check is the due time';
}

# ---- the widest at-risk stretch -------------------------------------------------------------

{
    my $long = policy(calendar_id => 1, module_id => module_id('Penjualan'), category_id => category_id('Bug Sistem'),
        targets => targets(60, 100000), at_risk_percent => 10,
        escalation => { at_risk => JSON::true, breached => JSON::true, managers_after_minutes => undef });
    # narrower than the stretch for the create (an earlier test may have
    # written a wider one), put back after it
    my $widest = db_value(q{SELECT widest::text FROM sla_risk_window});
    db_do(q{UPDATE sla_risk_window SET widest = interval '1 day'});
    my $r = create_ticket('admin', pharmacy_id => $pharmacy, priority => 'low');
    is $r->status, 201, 'a ticket whose resolution is 100,000 minutes away, at risk after a tenth of them';
    my $id = $r->json->{id};
    is db_value('SELECT sla_policy_id FROM tickets WHERE id = ?', $id), $long, '... under that policy';
    is db_value(q{SELECT (SELECT widest FROM sla_risk_window) >= sla_due_at - sla_risk_at FROM tickets WHERE id = ?}, $id), 1,
        '... and the at-risk lists look back at least that far';
    db_do(q{UPDATE sla_risk_window SET widest = greatest(widest, ?::interval)}, $widest);
    is_deeply as_written($id), as_triggered($id), '... its columns as the trigger computes them';
    api('admin', PATCH => "/api/sla-policies/$long", json => { active => JSON::false });
}

# ---- past the calendar's window: the trigger's path -------------------------------------------

{
    my $far = policy(calendar_id => $sparse, category_id => category_id('Bug Sistem'), module_id => module_id('Resep'),
        targets => targets(60, 20000));
    my $before = db_value('SELECT max(ends_at) FROM sla_calendar_spans WHERE calendar_id = ?', $sparse);
    my $r = create_ticket('admin', pharmacy_id => $pharmacy, priority => 'medium', module_id => module_id('Resep'));
    is $r->status, 201, 'a target of 20,000 minutes on an hour a week';
    my $id = $r->json->{id};
    is db_value('SELECT sla_policy_id FROM tickets WHERE id = ?', $id), $far, '... governed by its policy';
    is db_value(q{SELECT resolution_due_at > ?::timestamptz FROM tickets WHERE id = ?}, $before, $id), 1,
        '... due past the window the calendar had: the trigger widened it';
    is_deeply as_written($id), as_triggered($id), '... as the trigger computes it';
    api('admin', PATCH => "/api/sla-policies/$far", json => { active => JSON::false });
}

# ---- the timeline's numbers -------------------------------------------------------------------

{
    my $id = $made[1];
    is_deeply [map { [@$_] } db_query(q{SELECT kind, seq, public_seq FROM ticket_activities WHERE ticket_id = ? ORDER BY seq}, $id)],
        [['created', 1, 1]], 'the first entry is number 1, for staff and customers';
    is api('admin', POST => "/api/tickets/$id/comments", json => { body => 'Sedang dicek.' })->status, 201, 'a reply';
    is api('admin', POST => "/api/tickets/$id/comments", json => { body => 'Catatan tim.', visibility => 'internal' })->status,
        201, 'an internal note';
    is api('admin', POST => "/api/tickets/$id/comments", json => { body => 'Sudah diperbaiki.' })->status, 201, 'another reply';
    is_deeply [map { [@$_] } db_query(q{SELECT kind, seq, public_seq FROM ticket_activities WHERE ticket_id = ? ORDER BY seq}, $id)],
        [['created', 1, 1], ['comment', 2, 2], ['note', 3, undef], ['comment', 4, 3]],
        '... numbered on from it, the note in the staff numbering only';
}

# ---- policies and calendars tickets name cannot be deleted ------------------------------------

{
    my $err = db_error(q{DELETE FROM sla_policies WHERE id = ?}, $all_levels);
    like $err, qr/still named by tickets/, 'deleting a policy tickets name is refused';
    is db_state(), '23503', '... as the foreign key refused it';
    $err = db_error(q{DELETE FROM sla_calendars WHERE id = ?}, $sparse);
    like $err // '', qr/still named by tickets|violates foreign key/, 'and a calendar tickets name';
    my $unused = api('admin', POST => '/api/sla-calendars', json => { name => tag('Kosong'), time_zone => 'Asia/Jakarta',
        hours => { mon => [{ from => '09:00', to => '10:00' }] } });
    diag $unused->body unless $unused->status == 201;
    is $unused->status, 201, 'a calendar nothing names';
    is db_error(q{DELETE FROM sla_calendars WHERE id = ?}, $unused->json->{id}), undef, '... can be deleted';
}

api('admin', PATCH => "/api/sla-policies/$_", json => { active => JSON::false }) for @policies;

done_testing();
