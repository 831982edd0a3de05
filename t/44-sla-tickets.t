#!/usr/bin/perl
# Service levels on tickets: the due times a new ticket gets from the
# policy that matches it (the default's around the clock, or a more
# specific one's), first response met by a public staff entry and nothing
# else, the clock paused while the ticket waits for the customer (several
# times, the paused time kept), recomputed on a change of priority or
# category with the reason on the timeline, resolution met by solving and
# resumed by a rejection, breached and at-risk targets, the lists that find
# them, an admin's recomputation, the ETag's countdown, and who sees what.
# Time is made to pass by moving a ticket's instants back in the database,
# as the default calendar counts every minute.
use strict;
use warnings;
use lib "$ENV{PD_ROOT}/t/lib";
use Test::More;
use PD::Test;
use PD::Fixtures;

my %ALL = map { $_ => { first_response => 60, resolution => 600 } } qw(low medium high urgent);

sub ticket { my ($user, $id) = @_; api($user, GET => "/api/tickets/$id")->json }
# Minutes are whole minutes rounded down, shown as of the start of the
# current minute: a value read a moment after the event it counts from may
# be a minute less.
sub near {
    my ($got, $want, $name) = @_;
    local $Test::Builder::Level = $Test::Builder::Level + 1;
    ok(defined $got && ($got == $want || $got == $want - 1), $name) or diag 'got ' . ($got // 'undef') . ", want $want";
}
sub sla { my ($id) = @_; ticket('admin', $id)->{sla} }
sub minutes_from_now {
    my ($at) = @_;
    return undef unless defined $at;
    return db_value('SELECT round(extract(epoch FROM ?::timestamptz - now()) / 60)', $at) + 0;
}
# As if $minutes had passed on every running target of the ticket.
sub elapse { sla_elapse(@_) }
sub last_sla_entry {
    my ($id) = @_;
    my ($e) = db_query(q{SELECT user_id, body, visibility, old_value, new_value FROM ticket_activities
                         WHERE ticket_id = ? AND kind = 'system' AND field = 'sla' ORDER BY id DESC LIMIT 1}, $id);
    return $e;
}

# ---- a new ticket ------------------------------------------------------------------------

my $id;
{
    my $r = create_ticket('cust_a', priority => 'medium');
    is $r->status, 201, 'a ticket';
    $id = $r->json->{id};
    my $t = $r->json;
    my $s = $t->{sla};
    ok $s && $s->{policy_id}, 'it has service levels' or BAIL_OUT('no sla on a new ticket: ' . $r->body);
    is $s->{policy_id}, db_value('SELECT id FROM sla_policies WHERE is_default'), '... from the default policy';
    is $s->{first_response}{target_minutes}, 480, 'medium: a first response within 480 business minutes';
    is $s->{resolution}{target_minutes}, 4320, '... a resolution within 4320';
    is $s->{first_response}{state}, 'running', '... running';
    ok !$s->{first_response}{at_risk}, '... not at risk';
    near $s->{first_response}{remaining_minutes}, 480, '... 480 minutes left';
    is $t->{first_response_due_at}, $s->{first_response}{due_at}, 'first_response_due_at is the target\'s due time';
    is $t->{resolution_due_at}, $s->{resolution}{due_at}, 'resolution_due_at too';
    is db_value('SELECT extract(epoch FROM first_response_due_at - created_at) / 60 FROM tickets WHERE id = ?', $id) + 0, 480,
        '... 480 minutes after its creation, around the clock';
    is db_value('SELECT extract(epoch FROM resolution_due_at - created_at) / 60 FROM tickets WHERE id = ?', $id) + 0, 4320,
        '... the resolution 4320';
    near $s->{paused_minutes}, 0, 'not paused';
    is ticket('cust_a', $id)->{sla}{first_response}{due_at}, $s->{first_response}{due_at}, 'the customer sees the due times';
    my ($item) = grep { $_->{id} == $id } @{ api('cust_a', GET => '/api/tickets')->json->{items} };
    is_deeply $item->{sla}, $s, 'a list shows them as the ticket does';

    my %urgent = map { $_ => create_ticket('cust_a', priority => $_)->json->{sla} } qw(low high urgent);
    is_deeply [map { [$urgent{$_}{first_response}{target_minutes}, $urgent{$_}{resolution}{target_minutes}] } qw(low high urgent)],
        [[1440, 10080], [240, 1440], [60, 480]], 'low, high, urgent: the default policy\'s targets';
}

# ---- first response -------------------------------------------------------------------------

{
    is api('expert', POST => "/api/tickets/$id/comments", json => { body => 'Cek log.', visibility => 'internal' })->status, 201,
        'an internal note';
    is sla($id)->{first_response}{state}, 'running', '... is no first response';
    is api('cust_a', POST => "/api/tickets/$id/comments", json => { body => 'Masih belum bisa.' })->status, 201,
        'the customer\'s reply';
    is sla($id)->{first_response}{state}, 'running', '... is none either';
    elapse($id, 100);
    near sla($id)->{first_response}{remaining_minutes}, 380, '100 minutes later: 380 left';
    is api('expert', POST => "/api/tickets/$id/comments", json => { body => 'Kami sedang memeriksa.' })->status, 201,
        'a public staff reply';
    my $s = sla($id);
    is $s->{first_response}{state}, 'met', '... meets the first response';
    ok $s->{first_response}{met_at}, '... when it was written';
    near $s->{first_response}{remaining_minutes}, 380, '... with 380 minutes to spare';
    is $s->{resolution}{state}, 'running', 'the resolution still runs';
    my $t = ticket('admin', $id);
    is $t->{sla}{first_response}{due_at}, $t->{first_response_due_at}, 'a met target keeps its due time';

    my $other = create_ticket('cust_a')->json->{id};
    is api('expert', PATCH => "/api/tickets/$other", json => { status => 'in_review' })->status, 200, 'a move without a message';
    is sla($other)->{first_response}{state}, 'running', '... is no first response';
    is api('expert', PATCH => "/api/tickets/$other", json => { status => 'waiting_customer', message => 'Mohon kirim foto struk.' })
        ->status, 200, 'a move with a public message';
    is sla($other)->{first_response}{state}, 'met', '... is one';
}

# ---- pauses ------------------------------------------------------------------------------------

my $paused = create_ticket('cust_a', priority => 'high')->json->{id};
{
    is api('expert', PATCH => "/api/tickets/$paused", json => { tech_id => user_id('tech'), note => 'Printer.' })->status,
        200, 'to a tech';
    elapse($paused, 30);
    is api('tech', PATCH => "/api/tickets/$paused", json => { status => 'waiting_customer', message => 'Sudah diganti kabelnya?' })
        ->status, 200, 'waiting for the customer';
    my $s = sla($paused);
    is $s->{resolution}{state}, 'paused', 'the resolution pauses';
    is $s->{resolution}{due_at}, undef, '... without a due time, which moves until it runs again';
    near $s->{resolution}{remaining_minutes}, 1410, '... its 1410 minutes left kept';
    ok $s->{paused_since}, '... paused since then';
    is ticket('admin', $paused)->{resolution_due_at}, undef, 'resolution_due_at: null while paused';

    elapse($paused, 120);
    near sla($paused)->{paused_minutes}, 120, 'two hours later: 120 minutes paused so far';
    near sla($paused)->{resolution}{remaining_minutes}, 1410, '... and still 1410 left';
    is api('cust_a', POST => "/api/tickets/$paused/comments", json => { body => 'Sudah, tetap tidak bisa.' })->status, 201,
        'the customer answers';
    $s = sla($paused);
    is ticket('admin', $paused)->{status}, 'in_progress', '... which hands it back';
    is $s->{resolution}{state}, 'running', '... and the clock runs again';
    near $s->{paused_minutes}, 120, '... the pause kept';
    is $s->{paused_since}, undef, '... and over';
    near $s->{resolution}{remaining_minutes}, 1410, '... 1410 minutes left';
    is minutes_from_now($s->{resolution}{due_at}), 1410, '... due in 1410 minutes from now, two hours later than it was';

    # a second pause adds to the first
    is api('tech', PATCH => "/api/tickets/$paused", json => { status => 'waiting_customer' })->status, 200, 'paused again';
    elapse($paused, 45);
    is api('tech', PATCH => "/api/tickets/$paused", json => { status => 'in_progress' })->status, 200, '... and resumed';
    $s = sla($paused);
    near $s->{paused_minutes}, 165, 'two pauses: 165 minutes';
    near $s->{resolution}{remaining_minutes}, 1410, '... not a minute of the target used by them';
    my ($row) = db_query('SELECT sla_paused FROM tickets WHERE id = ?', $paused);
    near(int($row->{sla_paused} / 60e6), 165, '... kept on the ticket');
}

# ---- recomputation -----------------------------------------------------------------------------

{
    my $t = create_ticket('cust_a', priority => 'medium')->json->{id};
    elapse($t, 30);
    my $r = api('expert', PATCH => "/api/tickets/$t", json => { priority => 'urgent' });
    is $r->status, 200, 'priority medium -> urgent after 30 minutes';
    my $s = $r->json->{sla};
    is $s->{first_response}{target_minutes}, 60, '... urgent targets';
    near $s->{first_response}{remaining_minutes}, 30, '... the 30 minutes used stay used: 30 left of 60';
    near $s->{resolution}{remaining_minutes}, 450, '... 450 of 480';
    is minutes_from_now($r->json->{first_response_due_at}), 30, '... due in 30 minutes';
    my $e = last_sla_entry($t);
    ok $e, 'the timeline says so';
    is $e->{user_id}, undef, '... as the system';
    like $e->{body}, qr/priority/, '... naming the reason';
    is $e->{visibility}, 'public', '... for the customer to see too';
    like $e->{new_value}, qr/"first_response_target" : 60/, '... with the new targets';
    my $seen = api('cust_a', GET => "/api/tickets/$t/activities", query => { limit => 100 })->json->{items};
    ok((grep { $_->{kind} eq 'system' && ($_->{field} // '') eq 'sla' } @$seen), '... which the customer reads');

    my $n = db_value(q{SELECT count(*) FROM ticket_activities WHERE ticket_id = ? AND field = 'sla'}, $t);
    is api('expert', PATCH => "/api/tickets/$t", json => { title => tag('Judul') })->status, 200, 'a new title';
    is db_value(q{SELECT count(*) FROM ticket_activities WHERE ticket_id = ? AND field = 'sla'}, $t), $n,
        '... recomputes nothing';
}

my $solved;
# ---- solutions ------------------------------------------------------------------------------------

$solved = create_ticket('cust_a', priority => 'urgent')->json->{id};
{
    is api('expert', PATCH => "/api/tickets/$solved", json => { tech_id => user_id('tech'), note => 'Cek.' })->status, 200, 'to a tech';
    elapse($solved, 100);
    is api('tech', PATCH => "/api/tickets/$solved", json => { status => 'solved', message => 'Driver printer diperbarui.' })
        ->status, 200, 'solved after 100 minutes';
    my $s = sla($solved);
    is $s->{resolution}{state}, 'met', 'the resolution is met';
    near $s->{resolution}{remaining_minutes}, 380, '... with 380 of 480 to spare';
    is $s->{first_response}{state}, 'breached', 'the first response came with the solution, 40 minutes late';
    near $s->{first_response}{remaining_minutes}, -40, '... -40';
    elapse($solved, 60);
    is api('cust_a', PATCH => "/api/tickets/$solved", json => { status => 'in_progress', message => 'Masih error.' })->status, 200,
        'the customer rejects the solution an hour later';
    $s = sla($solved);
    is $s->{resolution}{state}, 'running', 'the resolution runs again';
    is $s->{resolution}{met_at}, undef, '... no longer met';
    near $s->{resolution}{remaining_minutes}, 380, '... from the 380 minutes it had: the hour solved does not count';
    is minutes_from_now($s->{resolution}{due_at}), 380, '... due in 380 minutes';
    is $s->{first_response}{state}, 'breached', 'the first response stays as it was';
    elapse($solved, 10);
    is api('tech', PATCH => "/api/tickets/$solved", json => { status => 'solved', message => 'Sudah diganti printer.' })->status,
        200, 'solved again';
    near sla($solved)->{resolution}{remaining_minutes}, 370, '... met with 370 to spare';
    is api('cust_a', PATCH => "/api/tickets/$solved", json => { status => 'closed', rating => 5 })->status, 200, 'confirmed';
    is sla($solved)->{resolution}{state}, 'met', 'closing keeps it met';

    my $cancel = create_ticket('cust_a')->json->{id};
    is api('cust_a', PATCH => "/api/tickets/$cancel", json => { status => 'cancelled' })->status, 200, 'a ticket cancelled';
    $s = sla($cancel);
    is $s->{first_response}{state}, 'stopped', '... its targets stopped';
    is $s->{resolution}{state}, 'stopped', '... both';
}

# ---- breaches, risks, and their lists ------------------------------------------------------------

my ($late, $later, $risky, $fine, $waiting_late, $waiting);
{
    $late = create_ticket('cust_b', priority => 'urgent', title => tag('Telat'))->json->{id};
    $later = create_ticket('cust_b', priority => 'urgent', title => tag('Telat'))->json->{id};
    $risky = create_ticket('cust_b', priority => 'urgent', title => tag('Risiko'))->json->{id};
    $fine = create_ticket('cust_b', priority => 'urgent', title => tag('Aman'))->json->{id};
    $waiting_late = create_ticket('cust_b', priority => 'urgent', title => tag('TungguTelat'))->json->{id};
    $waiting = create_ticket('cust_b', priority => 'urgent', title => tag('Tunggu'))->json->{id};
    elapse($late, 90);
    elapse($later, 70);
    elapse($risky, 50);
    elapse($waiting_late, 75);
    elapse($waiting, 10);
    for my $t ($waiting_late, $waiting) {
        is api('expert', PATCH => "/api/tickets/$t", json => { status => 'in_review' })->status, 200, 'in review';
        is api('expert', PATCH => "/api/tickets/$t", json => { status => 'waiting_customer' })->status, 200, '... waiting';
    }
    my $s = sla($late);
    is $s->{first_response}{state}, 'breached', '90 minutes without an answer: the first response breached';
    near $s->{first_response}{remaining_minutes}, -30, '... 30 minutes overdue';
    ok !$s->{first_response}{at_risk}, '... breached, no longer "at risk"';
    is $s->{resolution}{state}, 'running', 'the resolution runs';
    $s = sla($risky);
    is $s->{first_response}{state}, 'running', '50 of 60 minutes: running';
    ok $s->{first_response}{at_risk}, '... at risk (80% used)';
    ok !sla($fine)->{first_response}{at_risk}, 'a fresh one is not';
    is sla($waiting_late)->{first_response}{state}, 'breached', 'breached, then paused: breached';
    is sla($waiting)->{first_response}{state}, 'paused', 'paused in time: paused';

    my ($items) = all_pages('expert', '/api/tickets', { sla => 'breached', limit => 2 });
    my @mine = grep { my $i = $_; grep { $i == $_ } $late, $later, $risky, $fine, $waiting_late, $waiting } map { $_->{id} } @$items;
    is_deeply \@mine, [$late, $waiting_late, $later], 'sla=breached: the overdue ones, paused too, most overdue first'
        or diag explain [map { [$_->{id}, $_->{sla_due_at}] } @$items];
    my @ids = map { $_->{id} } @$items;
    is_deeply \@ids, [map { $_->[0] } db_query(q{SELECT t.id FROM unnest(?::bigint[]) WITH ORDINALITY AS x (id, n)
                                                 JOIN tickets t ON t.id = x.id ORDER BY t.sla_due_at, t.id}, \@ids)],
        '... in order of due time, over pages of 2';
    ok((!grep { $_->{status} =~ /^(solved|closed|cancelled)$/ } @$items), '... none solved');
    ($items) = all_pages('expert', '/api/tickets', { sla => 'at_risk' });
    @mine = grep { my $i = $_; grep { $i == $_ } $late, $later, $risky, $fine, $waiting_late, $waiting } map { $_->{id} } @$items;
    is_deeply \@mine, [$risky], 'sla=at_risk: the one past 80% and not yet due';
    # the whole list, read within the widest risk window (sla_risk_window),
    # against every running ticket's own risk and due time
    my $now = "date_trunc('minute', now())";
    is_deeply [map { $_->{id} } @$items],
        [map { $_->[0] } db_query(qq{SELECT id FROM tickets WHERE status IN ('open', 'in_review', 'in_progress',
            'waiting_customer') AND sla_risk_at <= $now AND sla_due_at > $now ORDER BY sla_due_at, id})],
        '... every ticket at risk and no other, in order of due time';
    ($items) = all_pages('expert', '/api/tickets', { sla => 'breached', order => 'desc' });
    @mine = grep { my $i = $_; grep { $i == $_ } $late, $later, $waiting_late } map { $_->{id} } @$items;
    is_deeply \@mine, [$later, $waiting_late, $late], 'order=desc: the least overdue first';
    my $ontime = create_ticket('cust_b', priority => 'urgent')->json->{id};
    api('expert', PATCH => "/api/tickets/$ontime", json => { tech_id => user_id('tech'), note => 'Cek.' });
    is api('tech', PATCH => "/api/tickets/$ontime", json => { status => 'solved', message => 'Selesai.' })->status, 200,
        'a ticket solved at once';
    ($items) = all_pages('expert', '/api/tickets', { sla => 'met' });
    ok((grep { $_->{id} == $ontime } @$items), 'sla=met: the ticket solved in time');
    ok((!grep { $_->{id} == $solved } @$items), '... not one whose first response came late');
    ok((!grep { $_->{id} == $late } @$items), '... not an open one');
    ok((!grep { $_->{sla}{first_response}{state} eq 'breached' } @$items), '... and none that breached a target');
    ($items) = all_pages('cust_a', '/api/tickets', { sla => 'breached' });
    ok((!grep { $_->{id} == $late } @$items), 'a customer\'s list: their own pharmacy\'s only');
    ($items) = all_pages('expert', '/api/tickets', { sla => 'breached', priority => 'urgent', pharmacy_id => pharmacy_id('APT-B') });
    ok((grep { $_->{id} == $late } @$items), 'combined with filters');

    for my $bad ([{ sla => 'late' }, 'sla'], [{ sla => 'breached', q => 'printer' }, 'sla'],
                 [{ sla => 'breached', sort => 'created_at' }, 'sort'], [{ sort => 'due_at' }, 'sort']) {
        my ($q, $field) = @$bad;
        is_error api('expert', GET => '/api/tickets', query => $q), 400, 'invalid_parameter', $field,
            'refused: ' . join('&', map { "$_=$q->{$_}" } sort keys %$q);
    }
}

# ---- policies -----------------------------------------------------------------------------------

my @policies;
sub policy {
    my (%body) = @_;
    my $r = api('admin', POST => '/api/sla-policies', json => { name => tag('Kebijakan'), calendar_id => 1, targets => \%ALL, %body });
    is $r->status, 201, 'a policy: ' . join(', ', map { "$_=" . ($body{$_} // 'null') } grep { !ref $body{$_} } sort keys %body)
        or diag $r->body;
    push @policies, $r->json->{id};
    return $r->json;
}
sub targets { my ($n) = @_; +{ map { $_ => { first_response => $n, resolution => 10 * $n } } qw(low medium high urgent) } }
{
    my $cal = db_value(q{SELECT id FROM sla_calendars WHERE name = '24/7'});
    db_do(q{UPDATE pharmacies SET tier = NULL WHERE code IN ('APT-A', 'APT-B')});
    is api('admin', PATCH => '/api/pharmacies/' . pharmacy_id('APT-B'), json => { tier => 'GOLD' })->status, 200,
        'APT-B in the GOLD tier';
    my $by_category = policy(category_id => category_id('Error Data'), targets => targets(11));
    my $by_tier = policy(pharmacy_tier => 'GOLD', targets => targets(22));
    my $by_pharmacy = policy(pharmacy_id => pharmacy_id('APT-B'), targets => targets(33));
    my $tier_category = policy(pharmacy_tier => 'GOLD', category_id => category_id('Error Data'), targets => targets(44));
    my $tier_module = policy(pharmacy_tier => 'GOLD', module_id => module_id('Resep'), targets => targets(55));
    is $by_pharmacy->{specificity}, 8, 'a pharmacy weighs 8';
    is $tier_category->{specificity}, 6, 'a tier and a category 6';

    my $target = sub {
        my ($user, %f) = @_;
        my $s = create_ticket($user, %f)->json->{sla};
        return [$s->{policy_id}, $s->{first_response}{target_minutes}];
    };
    is_deeply $target->('cust_a'), [db_value('SELECT id FROM sla_policies WHERE is_default'), 480],
        'APT-A, nothing special: the default';
    is_deeply $target->('cust_a', category_id => category_id('Error Data')), [$by_category->{id}, 11],
        'APT-A, Error Data: the category\'s';
    is_deeply $target->('cust_b'), [$by_pharmacy->{id}, 33], 'APT-B: its own pharmacy\'s beats its tier\'s';
    is_deeply $target->('cust_b', category_id => category_id('Error Data')), [$by_pharmacy->{id}, 33],
        '... and the tier\'s with a category';
    is api('admin', DELETE => "/api/sla-policies/$by_pharmacy->{id}")->status, 200, 'the pharmacy\'s deactivated';
    is_deeply $target->('cust_b'), [$by_tier->{id}, 22], 'APT-B: now its tier\'s';
    is_deeply $target->('cust_b', category_id => category_id('Error Data')), [$tier_category->{id}, 44],
        'APT-B, Error Data: tier and category beat the tier alone and the category alone';
    is_deeply $target->('cust_b', module_id => module_id('Resep')), [$tier_module->{id}, 55], 'APT-B, Resep: tier and module';
    is_deeply $target->('cust_b', module_id => module_id('Resep'), category_id => category_id('Error Data')),
        [$tier_category->{id}, 44], '... the category weighs more than the module';

    # a category change moves a ticket to another policy, with the reason
    my $t = create_ticket('cust_a')->json->{id};
    is api('expert', PATCH => "/api/tickets/$t", json => { category_id => category_id('Error Data') })->status, 200,
        'a ticket recategorised';
    is sla($t)->{policy_id}, $by_category->{id}, '... takes the category\'s policy';
    is sla($t)->{first_response}{target_minutes}, 11, '... and its targets';
    like last_sla_entry($t)->{body}, qr/category/, '... the timeline naming the category';

    # a policy's change applies to new tickets; open ones keep theirs until recomputed
    my $open = create_ticket('cust_b', module_id => module_id('Resep'))->json->{id};
    is sla($open)->{first_response}{target_minutes}, 55, 'an open ticket under the tier-and-module policy';
    my $r = api('admin', PATCH => "/api/sla-policies/$tier_module->{id}", json => { targets => targets(66) });
    is $r->status, 200, 'its targets changed';
    is $r->json->{targets}{urgent}{first_response}, 66, '... to 66';
    is sla($open)->{first_response}{target_minutes}, 55, 'the open ticket keeps its 55';
    is $target->('cust_b', module_id => module_id('Resep'))->[1], 66, 'a new one gets 66';
    my $before = db_value('SELECT count(*) FROM audit_log');
    $r = api('admin', POST => "/api/sla-policies/$tier_module->{id}/recompute");
    is $r->status, 200, 'recomputed on request' or diag $r->body;
    ok $r->json->{recomputed} >= 1, "... $r->{json}{recomputed} tickets";
    is sla($open)->{first_response}{target_minutes}, 66, 'the open ticket has 66 now';
    like last_sla_entry($open)->{body}, qr/on request/, '... on its timeline';
    my ($entry) = db_query(q{SELECT action, entity, entity_id, changes FROM audit_log WHERE id > ? ORDER BY id DESC LIMIT 1},
        $before);
    is_deeply [$entry->{action}, $entry->{entity}, $entry->{entity_id}], ['recompute', 'sla_policy', $tier_module->{id}],
        '... in the audit log';
    like $entry->{changes}, qr/"recomputed"/, '... with how many';
    is api('expert', POST => "/api/sla-policies/$tier_module->{id}/recompute")->status, 403, 'only admins recompute';
    is api('admin', POST => '/api/sla-policies/999999999/recompute')->status, 404, 'a policy that does not exist: 404';

    # refusals
    is_error api('admin', POST => '/api/sla-policies', json => { name => tag('K'), calendar_id => $cal, targets => \%ALL,
        pharmacy_id => pharmacy_id('APT-A'), pharmacy_tier => 'GOLD' }), 422, 'validation_failed', 'pharmacy_tier',
        'a pharmacy and a tier: 422';
    is_error api('admin', POST => '/api/sla-policies', json => { name => tag('K'), calendar_id => 999999, targets => \%ALL,
        module_id => module_id('Stok') }), 422, 'unknown_reference', 'calendar_id', 'no such calendar: 422';
    is_error api('admin', POST => '/api/sla-policies', json => { name => tag('K'), calendar_id => $cal, targets => \%ALL,
        category_id => category_id('Kategori Lama') }), 422, 'unknown_reference', 'category_id', 'an inactive category: 422';
    is_error api('admin', POST => '/api/sla-policies', json => { name => tag('K'), calendar_id => $cal, targets => \%ALL,
        pharmacy_tier => 'GOLD' }), 409, 'conflict', 'name', 'the conditions of another active policy: 409';
    is_error api('admin', POST => '/api/sla-policies', json => { name => tag('K'), calendar_id => $cal,
        targets => { low => { first_response => 1, resolution => 1 } } }), 422, 'validation_failed', 'targets',
        'targets for some priorities only: 422';
    is_error api('admin', POST => '/api/sla-policies', json => { name => tag('K'), calendar_id => $cal, targets => \%ALL,
        module_id => module_id('Pembelian'), at_risk_percent => 100 }), 422, 'validation_failed', 'at_risk_percent',
        'at_risk_percent 100: 422';
    is_error api('admin', POST => '/api/sla-policies', json => { name => tag('K'), targets => \%ALL }), 422,
        'validation_failed', 'calendar_id', 'no calendar: 422';
    my $default = db_value('SELECT id FROM sla_policies WHERE is_default');
    is_error api('admin', PATCH => "/api/sla-policies/$default", json => { category_id => category_id('Lainnya') }), 409,
        'conflict', undef, 'the default policy takes no conditions';
    is_error api('admin', DELETE => "/api/sla-policies/$default"), 409, 'conflict', 'active', 'the default policy stays active';
    $r = api('admin', PATCH => "/api/sla-policies/$default", json => { description => 'Semua tiket' });
    is $r->status, 200, '... but may be described';
    is api('manager', GET => "/api/sla-policies/$default")->json->{description}, 'Semua tiket', 'staff read policies';
    is api('cust_a', GET => '/api/sla-policies')->status, 403, 'customers do not';
    is api('tech', POST => '/api/sla-policies', json => { name => 'x' })->status, 403, 'nor do techs write them';
    ok((grep { $_->{is_default} } @{ api('manager', GET => '/api/sla-policies')->json->{items} }), 'the list has the default');

    api('admin', DELETE => "/api/sla-policies/$_") for @policies;
    db_do(q{UPDATE pharmacies SET tier = NULL WHERE code = 'APT-B'});
}

# ---- the ETag's countdown -----------------------------------------------------------------------

{
    my $t = create_ticket('cust_a')->json->{id};
    my $r = api('expert', GET => "/api/tickets/$t");
    my $etag = $r->header('ETag');
    like $etag, qr/^"t$t-v\d+-r2-s4(?:80|79)\.43(?:20|19)\."$/, 'a running ticket\'s ETag ends in its countdown';
    is api('expert', GET => "/api/tickets/$t", headers => { 'If-None-Match' => $etag })->status, 304, '... 304 while it holds';
    elapse($t, 5);
    my $now = api('expert', GET => "/api/tickets/$t", headers => { 'If-None-Match' => $etag });
    is $now->status, 200, 'five minutes later the countdown moved: 200';
    like $now->header('ETag'), qr/-s47[45]\.431[45]\."$/, '... with the new countdown';
    $r = api('expert', PATCH => "/api/tickets/$t", json => { title => tag('Baru') }, headers => { 'If-Match' => $etag });
    is $r->status, 200, 'a write with the older tag of the same version: the countdown is no change' or diag $r->body;
    is_error api('expert', PATCH => "/api/tickets/$t", json => { title => tag('Lagi') }, headers => { 'If-Match' => $etag }),
        412, 'precondition_failed', undef, '... the tag of an older version: 412';
    my $done = create_ticket('cust_a')->json->{id};
    api('cust_a', PATCH => "/api/tickets/$done", json => { status => 'cancelled' });
    unlike api('cust_a', GET => "/api/tickets/$done")->header('ETag'), qr/-s/, 'a ticket whose clock stands still: no countdown';
}

done_testing;
