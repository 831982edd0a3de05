#!/usr/bin/perl
# The service levels' escalation: the background sweep reports each level a
# ticket's target reaches (at risk, breached, overdue long enough for the
# managers) once per ticket, target and level, as an internal entry by the
# system, marks a breached ticket escalated, and notifies through the
# outbox the people each level is for; a paused target reports nothing, a
# policy's levels can be turned off. Escalation by hand, with a reason, and
# de-escalation; the escalated queue; who may do and see what (a customer
# sees the due times, never the team's alarms or reasons). Two Apaches
# sweeping one database report each level once. The tests' Apache sweeps
# every second; time passes by moving a ticket's instants back.
use strict;
use warnings;
use lib "$ENV{PD_ROOT}/t/lib";
use Test::More;
use PD::Test;
use PD::Fixtures;

my $conf = $ENV{PD_TEST_HTTPD_CONF};
my $original = read_file($conf);

sub ticket { my ($user, $id) = @_; api($user, GET => "/api/tickets/$id")->json }
# The sweep's entries of a ticket: "target level" in order, and the rows.
sub levels {
    my ($id) = @_;
    return [map { "$_->[0] $_->[1]" } db_query(q{SELECT field, new_value FROM ticket_activities
        WHERE ticket_id = ? AND kind = 'sla' ORDER BY id}, $id)];
}
sub swept_to {
    my ($id, $n) = @_;
    return wait_until(sub { @{ levels($id) } >= $n }, 20);
}
# Who was told, among the fixture's people (other tests add users of their
# own, managers and experts among them).
sub told {
    my ($id, $event) = @_;
    return [grep { /^(?:admin2?|expert2?|tech2?|manager|cust_\w+)$/ } @{ notified($id, $event) }];
}
# A few of the sweep's runs, for what must not happen.
sub a_few_sweeps { sleep 3 }
# A ticket of cust_a's pharmacy owned by the expert, with the tech on it.
sub worked_ticket {
    my (%f) = @_;
    my $id = create_ticket('cust_a', priority => 'urgent', title => tag('Eskalasi'), %f)->json->{id};
    my $r = api('expert', PATCH => "/api/tickets/$id",
                json => { expert_id => user_id('expert'), tech_id => user_id('tech'), note => 'Cek printer.' });
    is $r->status, 200, 'a ticket the expert owns, the tech on it' or diag $r->body;
    return $id;
}

# ---- the levels, each once, as the system --------------------------------------

my $t = worked_ticket();
{
    # the default policy: urgent, a first response within 60 minutes and a
    # resolution within 480, at risk at 80%, the managers 240 minutes late
    sla_elapse($t, 50);
    ok swept_to($t, 1), 'at 50 of 60 minutes the sweep reports the first response at risk';
    is_deeply levels($t), ['first_response at_risk'], '... once';
    my ($e) = db_query(q{SELECT user_id, visibility FROM ticket_activities WHERE ticket_id = ? AND kind = 'sla'}, $t);
    is $e->{user_id}, undef, '... as the system';
    is $e->{visibility}, 'internal', '... internally';
    is_deeply told($t, 'sla_at_risk'), ['tech'], '... told to the tech working on it';
    ok !ticket('expert', $t)->{escalated}, 'at risk is no escalation';

    my $version = ticket('expert', $t)->{version};
    sla_elapse($t, 15);
    ok swept_to($t, 2), 'overdue: the breach is reported';
    is_deeply levels($t), ['first_response at_risk', 'first_response breached'], '... once';
    is_deeply told($t, 'sla_breached'), ['expert'], '... told to the expert who owns it';
    my ($bell) = grep { $_->{event} eq 'sla_breached' && $_->{ticket}{id} == $t }
        @{ api('expert', GET => '/api/notifications', query => { limit => 100 })->json->{items} };
    ok $bell, '... in the portal';
    is $bell && $bell->{field}, 'first_response', '... naming the target';
    is $bell && $bell->{actor}, undef, '... by the system';
    my $now = ticket('expert', $t);
    ok $now->{escalated}, 'the ticket is escalated';
    ok $now->{escalated_at}, '... since then';
    is $now->{version}, $version + 1, '... a change everyone reading it sees';
    is $now->{sla}{first_response}{state}, 'breached', '... its first response breached';

    sla_elapse($t, 240);
    ok swept_to($t, 3), '245 minutes late: the managers\' level';
    is_deeply levels($t), ['first_response at_risk', 'first_response breached', 'first_response escalated'],
        '... reported once';
    is_deeply told($t, 'sla_escalated'), ['manager'], '... told to the managers';

    # the resolution reached breach at once: its at-risk level passes quietly
    sla_elapse($t, 200);
    ok swept_to($t, 4), 'the resolution overdue too';
    is_deeply [grep { /^resolution/ } @{ levels($t) }], ['resolution breached'],
        '... its breach reported, the at-risk level the breach passed over not';

    a_few_sweeps();
    is scalar @{ levels($t) }, 4, 'later sweeps report nothing again';
    # a change of priority moves the due times: a level is still reported once
    is api('expert', PATCH => "/api/tickets/$t", json => { priority => 'high' })->status, 200, 'the priority lowered';
    a_few_sweeps();
    is scalar @{ levels($t) }, 4, '... and no level is reported twice';
    ok db_value('SELECT sla_check_at = resolution_escalate_at FROM tickets WHERE id = ?', $t),
        'the sweep looks again when the resolution is late for the managers, and not before';
}

# ---- who hears of what --------------------------------------------------------------

{
    my $nobody = create_ticket('cust_a', priority => 'urgent', title => tag('Sepi'))->json->{id};
    sla_elapse($nobody, 50);
    ok swept_to($nobody, 1), 'a ticket nobody works on at risk';
    is_deeply told($nobody, 'sla_at_risk'), [qw(expert expert2)], '... told to the team';

    my $owned = create_ticket('cust_a', priority => 'urgent', title => tag('Milik'))->json->{id};
    api('expert', PATCH => "/api/tickets/$owned", json => { expert_id => user_id('expert2') });
    sla_elapse($owned, 61);
    ok swept_to($owned, 1), 'an owned ticket without a tech breached';
    is_deeply told($owned, 'sla_breached'), ['expert2'], '... told to its expert';

    # nothing of it to a customer: no delivery, no stored notification, no entry
    for my $id ($t, $nobody, $owned) {
        is db_value(q{SELECT count(*) FROM notify_deliveries d JOIN users u ON u.id = d.user_id
                      JOIN roles r ON r.id = u.role_id WHERE d.ticket_id = ? AND r.code = 'customer'
                      AND d.event LIKE 'sla%'}, $id), 0, "ticket $id: no customer hears of its service level alarms";
        my $seen = api('cust_a', GET => "/api/tickets/$id/activities", query => { limit => 100 })->json->{items};
        ok !(grep { $_->{kind} eq 'sla' || $_->{kind} eq 'escalation' } @$seen), '... nor reads them on the timeline';
    }
    my $mine = api('cust_a', GET => '/api/notifications', query => { limit => 100 })->json->{items};
    ok !(grep { $_->{event} =~ /^(?:sla_|escalated|de_escalated)/ } @$mine), '... nor among their notifications';
    my $c = ticket('cust_a', $t);
    ok $c->{sla}{first_response}{due_at} && $c->{first_response_due_at}, 'the customer sees the due times';
    is $c->{sla}{first_response}{state}, 'breached', '... and their states';
}

# ---- pauses ---------------------------------------------------------------------------

{
    my $p = worked_ticket();
    sla_elapse($p, 10);
    is api('tech', PATCH => "/api/tickets/$p", json => { status => 'waiting_customer' })->status, 200,
        'waiting for the customer after 10 minutes';
    sla_elapse($p, 100);
    a_few_sweeps();
    is_deeply levels($p), [], 'a hundred minutes paused: nothing is at risk or late';
    is api('cust_a', POST => "/api/tickets/$p/comments", json => { body => 'Sudah saya coba.' })->status, 201,
        'the customer answers';
    a_few_sweeps();
    is_deeply levels($p), [], '... the clock runs on from 10 minutes used';
    sla_elapse($p, 40);
    ok swept_to($p, 1), '40 more minutes: at risk';
    is_deeply levels($p), ['first_response at_risk'], '... reported';
}

# ---- a policy's levels ------------------------------------------------------------------

{
    my $tier = uc tag('ESK');
    $tier =~ s/[^A-Z0-9-]/-/g;
    $tier = substr($tier, 0, 32);
    db_do('UPDATE pharmacies SET tier = ? WHERE code = ?', $tier, 'APT-B');
    my %targets = map { $_ => { first_response => 60, resolution => 600 } } qw(low medium high urgent);
    my $r = api('admin', POST => '/api/sla-policies', json => { name => tag('Tanpa Alarm'), calendar_id => 1,
        pharmacy_tier => $tier, targets => \%targets, escalation => { at_risk => JSON::false } });
    is $r->status, 201, 'a policy without the at-risk level' or diag $r->body;
    is_deeply $r->json->{escalation}, { at_risk => JSON::false, breached => JSON::true, managers_after_minutes => 240 },
        '... the other levels as by default';
    is $r->json->{at_risk_percent}, 80, '... the at-risk share PharmadeskSlaAtRiskPercent gives';
    my $policy = $r->json->{id};
    $r = api('admin', PATCH => "/api/sla-policies/$policy", json => { escalation => { managers_after_minutes => undef } });
    is $r->status, 200, 'the managers\' level turned off';
    is_deeply $r->json->{escalation}, { at_risk => JSON::false, breached => JSON::true, managers_after_minutes => undef },
        '... the rest kept';

    my $b = create_ticket('cust_b', priority => 'urgent', title => tag('Tier'))->json->{id};
    is ticket('admin', $b)->{sla}{policy_id}, $policy, 'a ticket under it';
    sla_elapse($b, 50);
    a_few_sweeps();
    is_deeply levels($b), [], 'at risk: not reported';
    sla_elapse($b, 400);
    ok swept_to($b, 1), 'breached';
    a_few_sweeps();
    is_deeply levels($b), ['first_response breached'], '... the breach alone, long overdue as it is';

    for my $bad ({ escalation => { at_risk => 'yes' } }, { escalation => { managers_after_minutes => -1 } },
                 { escalation => { managers_after_minutes => 100001 } }, { escalation => { later => 1 } },
                 { escalation => [] }) {
        is_error api('admin', PATCH => "/api/sla-policies/$policy", json => $bad), 422, 'validation_failed',
            'escalation', 'refused: ' . $JSON->encode($bad);
    }
    is api('expert', PATCH => "/api/sla-policies/$policy", json => { escalation => { at_risk => JSON::true } })->status,
        403, 'only admins change a policy';
    api('admin', DELETE => "/api/sla-policies/$policy");
    db_do('UPDATE pharmacies SET tier = NULL WHERE code = ?', 'APT-B');
}

# ---- escalation by hand -----------------------------------------------------------------

my $m = worked_ticket();
{
    my $t0 = ticket('tech', $m);
    ok $t0->{allowed}{escalate}, 'the tech on the ticket may escalate it';
    ok !$t0->{allowed}{de_escalate}, '... not de-escalate it';
    ok !ticket('cust_a', $m)->{allowed}{escalate}, 'the customer may not';

    is_error api('cust_a', POST => "/api/tickets/$m/escalate", json => { reason => 'Tolong.' }), 403, 'forbidden', undef,
        'a customer: 403';
    is_error api('tech2', POST => "/api/tickets/$m/escalate", json => { reason => 'Tolong.' }), 403, 'not_assigned', undef,
        'another tech: 403';
    is_error api('tech', POST => "/api/tickets/$m/escalate", json => {}), 422, 'validation_failed', 'reason',
        'no reason: 422';
    is_error api('tech', POST => "/api/tickets/$m/escalate", json => { reason => 'x' x 2001 }), 422, 'validation_failed',
        'reason', 'a reason too long: 422';
    is_error api('tech', POST => "/api/tickets/$m/escalate", json => { reason => 'Tolong.', level => 2 }), 422,
        'unknown_field', 'level', 'an unknown member: 422';
    is_error api('tech', POST => '/api/tickets/999999999/escalate', json => { reason => 'Tolong.' }), 404, 'not_found', undef,
        'no such ticket: 404';

    my $reason = "Apotek tidak bisa menjual sejak pagi.\nButuh bantuan senior.";
    my $r = api('tech', POST => "/api/tickets/$m/escalate", json => { reason => $reason });
    is $r->status, 200, 'the tech escalates it, with a reason' or diag $r->body;
    ok $r->json->{escalated}, '... escalated';
    is $r->json->{version}, $t0->{version} + 1, '... a new version';
    like $r->header('ETag'), qr/-v\Q@{[$t0->{version} + 1]}\E-/, '... and ETag';
    ok !$r->json->{allowed}{escalate}, '... not to be escalated twice';
    my ($e) = db_query(q{SELECT user_id, field, old_value, new_value, body, visibility FROM ticket_activities
                         WHERE ticket_id = ? AND kind = 'escalation' ORDER BY id DESC LIMIT 1}, $m);
    is_deeply $e, { user_id => user_id('tech'), field => 'escalated', old_value => 'false', new_value => 'true',
                    body => $reason, visibility => 'internal' }, '... on the timeline, internal, by the tech';
    is_deeply told($m, 'escalated'), [qw(expert manager)], '... told to the expert and the managers';
    is_error api('expert', POST => "/api/tickets/$m/escalate", json => { reason => 'Lagi.' }), 409, 'conflict', undef,
        'escalated already: 409';

    my $seen = api('cust_a', GET => "/api/tickets/$m/activities", query => { limit => 100 })->json->{items};
    ok !(grep { ($_->{body} // '') eq $reason } @$seen), 'the customer never reads the reason';
    ok ticket('cust_a', $m)->{escalated}, '... but sees that the ticket is escalated';

    # the escalated queue
    my ($items) = all_pages('expert', '/api/tickets', { queue => 'escalated' });
    my %in = map { $_->{id} => 1 } @$items;
    ok $in{$m} && $in{$t}, 'queue=escalated: by hand and by a breach';
    ok !(grep { !$_->{escalated} || $_->{status} =~ /^(?:solved|closed|cancelled)$/ } @$items),
        '... escalated tickets not yet solved only';
    ($items) = all_pages('manager', '/api/tickets', { queue => 'escalated', priority => 'urgent' });
    ok((grep { $_->{id} == $m } @$items), '... the managers\' too, with filters');
    ($items) = all_pages('cust_b', '/api/tickets', { queue => 'escalated' });
    ok !(grep { $_->{pharmacy}{id} != pharmacy_id('APT-B') } @$items), '... a customer\'s: their pharmacy\'s only';
    is_error api('expert', GET => '/api/tickets', query => { queue => 'escalated', status => 'open' }), 400,
        'invalid_parameter', 'status', '... which sets the statuses itself';

    is_error api('tech', POST => "/api/tickets/$m/de-escalate", json => { reason => 'Beres.' }), 403, 'forbidden', undef,
        'a tech may not de-escalate';
    $r = api('manager', POST => "/api/tickets/$m/de-escalate", json => { reason => 'Printer pengganti terpasang.' });
    is $r->status, 200, 'a manager de-escalates it' or diag $r->body;
    ok !$r->json->{escalated}, '... no longer escalated';
    is $r->json->{escalated_at}, undef, '... since nothing';
    is_deeply told($m, 'de_escalated'), [qw(expert tech)], '... told to the expert and the tech';
    is_error api('manager', POST => "/api/tickets/$m/de-escalate", json => { reason => 'Lagi.' }), 409, 'conflict', undef,
        'not escalated: 409';
    ($items) = all_pages('expert', '/api/tickets', { queue => 'escalated' });
    ok !(grep { $_->{id} == $m } @$items), 'out of the escalated queue';
    is db_value(q{SELECT count(*) FROM ticket_activities WHERE ticket_id = ? AND kind = 'escalation'}, $m), 2,
        'both on the timeline';

    api('tech', PATCH => "/api/tickets/$m", json => { status => 'solved', message => 'Selesai.' });
    is_error api('expert', POST => "/api/tickets/$m/escalate", json => { reason => 'Terlambat.' }), 409, 'conflict', undef,
        'a solved ticket is not escalated';
}

# ---- the dashboard's counts -----------------------------------------------------------------

{
    # what the lists hold, whoever asks and within their filters
    for my $case (['manager', {}], ['cust_a', {}], ['expert', { pharmacy_id => pharmacy_id('APT-B') }]) {
        my ($user, $q) = @$case;
        for my $list (qw(breached at_risk)) {
            # both read within one minute of the clock (the lists' "now"), or again
            my ($shown, $listed);
            for (1 .. 3) {
                $shown = api($user, GET => '/api/dashboard', query => $q)->json->{sla}{$list};
                my ($items) = all_pages($user, '/api/tickets', { %$q, sla => $list, limit => 100 });
                $listed = @$items;
                last if $shown == $listed;
            }
            is $shown, $listed, "$user: the dashboard counts the tickets of sla=$list" . (%$q ? ' with its filters' : '');
        }
    }
    ok api('manager', GET => '/api/dashboard')->json->{sla}{breached} > 0, '... some of them breached';
}

# ---- several levels at once, numbered on the timeline --------------------------------------

{
    # a sweep that comes late: 400 minutes on, the first response is past
    # its breach and its managers' level (the at-risk one passed over), the
    # resolution at risk; one sweep writes the three entries
    my $late = worked_ticket();
    sla_elapse($late, 400);
    ok swept_to($late, 3), 'a late sweep reports every level reached';
    is_deeply levels($late), ['first_response breached', 'first_response escalated', 'resolution at_risk'],
        '... each once, in the levels\' order';
    my @rows = db_query(q{SELECT seq, public_seq FROM ticket_activities WHERE ticket_id = ? ORDER BY seq}, $late);
    is_deeply [map { $_->[0] } @rows], [1 .. @rows], '... numbered on after the ticket\'s other entries, without gap';
    my @sla = db_query(q{SELECT public_seq FROM ticket_activities WHERE ticket_id = ? AND kind = 'sla'}, $late);
    ok !grep({ defined $_->[0] } @sla), '... internal: no public number';
}

# ---- two Apaches on one database ----------------------------------------------------------

{
    # a ticket a batch, so that both take part; their runs in the debug log
    (my $two = $original) =~ s/^PharmadeskSlaInterval \d+$/PharmadeskSlaInterval 1\nPharmadeskSlaBatch 1\nPharmadeskSlaAtRiskPercent 70/m
        or BAIL_OUT('no PharmadeskSlaInterval line in the test configuration');
    $two =~ s/^LogLevel (\w+)$/LogLevel $1 pharmadesk:debug/m or BAIL_OUT('no LogLevel line');
    restart_with($conf, $two);
    my $second = second_apache_start($two);
    is $second->{rc}, 0, 'a second Apache on the same database' or diag $second->{out};
    ok $second->{running}, '... running';

    my %targets = map { $_ => { first_response => 60, resolution => 600 } } qw(low medium high urgent);
    my $r = api('admin', POST => '/api/sla-policies', json => { name => tag('Persen'), calendar_id => 1,
        module_id => module_id('Stok'), targets => \%targets });
    is $r->json->{at_risk_percent}, 70, 'PharmadeskSlaAtRiskPercent 70: a new policy\'s share';
    api('admin', DELETE => "/api/sla-policies/$r->{json}{id}");

    my @ids = map { create_ticket('cust_a', priority => 'urgent', title => tag('DuaApache'))->json->{id} } 1 .. 80;
    sla_elapse(\@ids, 65);
    ok wait_until(sub { !grep { @{ levels($_) } < 1 } @ids }, 60), 'eighty tickets breach at once: all swept';
    a_few_sweeps();
    my @wrong = grep { join(',', @{ levels($_) }) ne 'first_response breached' } @ids;
    ok !@wrong, 'each reported once, by one of the two' or diag explain { map { $_ => levels($_) } @wrong };
    notify_settled($_) for @ids;
    is db_value(q{SELECT count(*) FROM notify_deliveries WHERE ticket_id = ANY (?::bigint[]) AND event = 'sla_breached'
                  AND channel = 'portal' AND user_id = ?}, '{' . join(',', @ids) . '}', user_id('expert')), 80,
        '... each told once to each expert';
    my %by;
    for my $which ([first => "$ENV{PD_TEST_RUN_DIR}/error.log"], [second => "$second->{dir}/error.log"]) {
        open my $l, '<', $which->[1] or next;
        while (<$l>) { $by{ $which->[0] } += $1 if /service levels: (\d+) tickets swept/ }
    }
    diag sprintf 'tickets swept by the first Apache: %d, by the second: %d', $by{first} // 0, $by{second} // 0;

    my ($rc, $out, @errors) = second_apache_stop($second);
    is $rc, 0, 'the second Apache stops' or diag $out;
    ok !@errors, 'the second Apache logged no error' or diag @errors;
}
restart_with($conf, $original);

# every ticket the sweep wrote on, numbered 1 to n without gap or repeat
is db_value(q{SELECT count(*) FROM (SELECT ticket_id FROM ticket_activities
              WHERE ticket_id IN (SELECT ticket_id FROM ticket_activities WHERE kind = 'sla')
              GROUP BY ticket_id HAVING count(*) <> max(seq) OR count(DISTINCT seq) <> count(*)) x}), 0,
    'the swept tickets\' timelines are numbered without gap or repeat';

done_testing;
