#!/usr/bin/perl
# The ticket workflow: the whole story once through the API with
# its timeline, then every status move for every role against the README's
# table, then field-level rights and conditional writes.
use strict;
use warnings;
use lib "$ENV{PD_ROOT}/t/lib";
use Test::More;
use PD::Test;
use PD::Fixtures;

my %uid = map { $_ => user_id($_) } qw(admin expert expert2 tech tech2 cust_a cust_b manager);

sub patch {
    my ($user, $id, $body, %opt) = @_;
    return api($user, PATCH => "/api/tickets/$id", json => $body, %opt);
}
sub ticket_row {
    my ($id) = @_;
    my ($row) = db_query('SELECT * FROM tickets WHERE id = ?', $id);
    return $row;
}
# Timeline rows after $after as "user kind field old>new" strings; notes
# and comments as "user kind visibility: body".
sub timeline {
    my ($id, $after) = @_;
    return [map {
        my $who = $_->{user_id} // 'system';
        defined $_->{body}
            ? "$who $_->{kind} $_->{visibility}: $_->{body}"
            : sprintf('%s %s %s %s>%s', $who, $_->{kind}, $_->{field} // '-', $_->{old_value} // 'null',
                      $_->{new_value} // 'null')
    } activities($id, $after)];
}

# ---- the whole story: create, review, forward, ask, reply, solve, close ----

{
    my $r = create_ticket('cust_a', title => tag('Struk'), priority => 'low');
    is $r->status, 201, 'the customer reports a problem';
    my $id = $r->json->{id};
    my $mark = last_activity_id($id);
    is_deeply timeline($id, 0), ["$uid{cust_a} created - null>open"], 'timeline: created';

    my %before = %{ ticket_row($id) };
    $r = patch('expert', $id, { status => 'in_review', priority => 'high', category_id => category_id('Error Data'),
        module_id => module_id('Stok'), expert_id => $uid{expert} });
    is $r->status, 200, 'the expert reviews: open -> in_review, triaged, owned';
    my $t = ticket_row($id);
    is "$t->{status} $t->{priority} $t->{category_id} $t->{module_id} $t->{expert_id}",
        "in_review high @{[category_id('Error Data')]} @{[module_id('Stok')]} $uid{expert}", '... all applied';
    ok defined $t->{first_response_at}, '... first_response_at set by the first staff change';
    is $t->{version}, $before{version} + 1, '... one version step';
    is_deeply [sort @{ timeline($id, $mark) }], [sort
        "$uid{expert} status_changed status open>in_review",
        "$uid{expert} field_changed priority low>high",
        "$uid{expert} field_changed category_id $before{category_id}>" . category_id('Error Data'),
        "$uid{expert} field_changed module_id $before{module_id}>" . module_id('Stok'),
        "$uid{expert} assigned expert_id null>$uid{expert}",
        'system system public: service level targets recomputed after a change of priority, category, module',
    ], '... one timeline row per change, by the expert, and the new service level targets by the system';
    my $first_response = $t->{first_response_at};

    $mark = last_activity_id($id);
    $r = patch('expert', $id, { status => 'in_progress', tech_id => $uid{tech}, note => 'Cek driver printer.' });
    is $r->status, 200, 'the expert hands over to a tech: in_review -> in_progress';
    is $r->json->{tech}{id}, $uid{tech}, '... the tech is assigned';
    is_deeply [sort @{ timeline($id, $mark) }], [sort
        "$uid{expert} status_changed status in_review>in_progress",
        "$uid{expert} assigned tech_id null>$uid{tech}",
        "$uid{expert} note internal: Cek driver printer.",
    ], '... status, assignment and an internal note';
    is ticket_row($id)->{first_response_at}, $first_response, '... first_response_at stays the first';

    $mark = last_activity_id($id);
    $r = patch('tech', $id, { status => 'waiting_customer', note => 'Mohon kirim foto struk.' });
    is $r->status, 200, 'the tech asks the customer: in_progress -> waiting_customer';
    is_deeply timeline($id, $mark), ["$uid{tech} status_changed status in_progress>waiting_customer",
        "$uid{tech} note internal: Mohon kirim foto struk."], '... by the tech';

    $mark = last_activity_id($id);
    $r = patch('cust_a', $id, { note => 'Foto sudah dikirim.' });
    is $r->status, 200, 'the customer replies';
    is_deeply [sort @{ timeline($id, $mark) }], [sort "$uid{cust_a} comment public: Foto sudah dikirim.",
        "$uid{cust_a} status_changed status waiting_customer>in_progress"],
        '... a public comment that hands the ticket back to the tech: waiting_customer -> in_progress';

    $mark = last_activity_id($id);
    $r = patch('tech', $id, { app_version => '5.2.2' });
    is $r->status, 200, 'the tech carries on';
    is_deeply timeline($id, $mark), ["$uid{tech} field_changed app_version 5.2.1>5.2.2"],
        '... and records the app version';

    $mark = last_activity_id($id);
    $r = patch('tech', $id, { status => 'solved', message => 'Driver diperbarui.' });
    is $r->status, 200, 'the tech solves it: in_progress -> solved';
    ok defined ticket_row($id)->{solved_at}, '... solved_at set';
    ok !defined ticket_row($id)->{closed_at}, '... not closed yet';
    is_deeply timeline($id, $mark), ["$uid{tech} status_changed status in_progress>solved",
        "$uid{tech} comment public: Driver diperbarui."], '... timeline: the resolution is public';

    $mark = last_activity_id($id);
    $r = patch('cust_a', $id, { status => 'closed' });
    is $r->status, 200, 'the customer confirms: solved -> closed';
    $t = ticket_row($id);
    ok defined $t->{closed_at} && defined $t->{solved_at}, '... closed_at set, solved_at kept';
    is_deeply timeline($id, $mark), ["$uid{cust_a} status_changed status solved>closed"], '... timeline';

    my @all = activities($id);
    ok !(grep { !defined $_->{user_id} && $_->{kind} ne 'system' } @all),
        'every timeline row names its actor, but the system\'s recomputation';
    is scalar(@all), 1 + 6 + 3 + 2 + 1 + 2 + 2 + 1, 'the story left exactly its rows';
}

# ---- every move, every role -----------------------------------------------

my @S = STATUSES;
# README's workflow table: from -> to -> roles (tech = the assigned tech,
# customer = of the ticket's pharmacy)
my %flow;
my @table = (
    [open => in_review => qw(team_expert admin)],
    [open => in_progress => qw(team_expert admin)],
    [in_review => in_progress => qw(team_expert admin)],
    [in_review => waiting_customer => qw(team_expert admin)],
    [in_progress => waiting_customer => qw(team_expert tech admin)],
    [waiting_customer => in_progress => qw(team_expert tech admin)],
    [in_progress => solved => qw(tech admin)],
    [solved => closed => qw(customer tech admin)],
    [solved => in_progress => qw(customer admin)],
    [open => cancelled => qw(customer admin)],
    [in_review => cancelled => qw(admin)],
    [closed => in_progress => qw(admin)],
    [cancelled => open => qw(admin)],
);
for (@table) {
    my ($from, $to, @roles) = @$_;
    $flow{$from}{$to}{$_} = 1 for @roles;
}
sub targets {
    my ($role, $from) = @_;
    my %idx = map { $S[$_] => $_ } 0 .. $#S;
    return [sort { $idx{$a} <=> $idx{$b} } grep { $flow{$from}{$_}{$role} } keys %{ $flow{$from} // {} }];
}

# A starting point in any status, with tech assigned and the times a ticket
# in that status would have.
sub put_in {
    my ($id, $status) = @_;
    my $solved = $status =~ /^(solved|closed)$/ ? 'now()' : 'NULL';
    my $closed = $status =~ /^(closed|cancelled)$/ ? 'now()' : 'NULL';
    db_do("UPDATE tickets SET status = ?, tech_id = ?, expert_id = ?, solved_at = $solved,"
        . " closed_at = $closed, version = version + 1 WHERE id = ?",
        $status, $uid{tech}, $uid{expert}, $id);
}

my %actor = (admin => 'admin', team_expert => 'expert', tech => 'tech', customer => 'cust_a', manager => 'manager');
my %ticket_for = map { $_ => create_ticket('cust_a', title => tag("Alur $_"))->json->{id} }
    qw(admin team_expert tech customer manager tech2 cust_b);

for my $from (@S) {
    for my $to (grep { $_ ne $from } @S) {
        for my $role (qw(admin team_expert tech customer manager)) {
            my $user = $actor{$role};
            my $id = $ticket_for{$role};
            put_in($id, $from);
            # what the ticket says the caller may do, against what the write answers
            my %offered = map { $_->{to} => $_ } @{ api($user, GET => "/api/tickets/$id")->json->{allowed}{transitions} };
            # with the texts a move may need (t/26-transitions.t tests their absence)
            my $r = patch($user, $id, { status => $to, note => 'Catatan.', message => 'Pesan.' });
            my $what = "$from -> $to by $role";
            is !!$offered{$to}, $r->status == 200, "$what: offered in allowed.transitions exactly when it is allowed";
            ok !$offered{$to} || !$offered{$to}{needs_tech}, "$what: needs no tech (the ticket has one)";
            if ($role eq 'manager') {
                is_error $r, 403, 'forbidden', undef, "$what: 403, managers change nothing";
            } elsif ($flow{$from}{$to}{$role}) {
                my $now = db_value('SELECT status FROM tickets WHERE id = ?', $id);
                ok $r->status == 200 && $r->json->{status} eq $to && $now eq $to, "$what: allowed"
                    or diag "HTTP $r->{status} $r->{body}";
            } else {
                my $ok = is_error $r, 409, 'invalid_transition', 'status', "$what: 409 invalid_transition";
                is_deeply $r->json && $r->json->{error}{allowed_transitions}, targets($role, $from),
                    "$what: allowed_transitions lists the moves $role has from $from";
                is db_value('SELECT status FROM tickets WHERE id = ?', $id), $from, "$what: status unchanged"
                    unless $ok;
            }
        }
    }
}
# every row of the table, by those who are not entitled through the ticket
for (@table) {
    my ($from, $to) = @$_;
    put_in($ticket_for{tech2}, $from);
    my $allowed = api('tech2', GET => "/api/tickets/$ticket_for{tech2}")->json->{allowed};
    is_deeply [@$allowed{qw(transitions fields comment upload)}], [[], [], [], []],
        "$from: a tech not assigned is offered nothing";
    is_error patch('tech2', $ticket_for{tech2}, { status => $to }), 403, 'not_assigned', undef,
        "$from -> $to by a tech not assigned: 403 not_assigned";
    put_in($ticket_for{cust_b}, $from);
    is_error patch('cust_b', $ticket_for{cust_b}, { status => $to }), 404, 'not_found', undef,
        "$from -> $to by another pharmacy's customer: 404";
    is db_value('SELECT status FROM tickets WHERE id = ?', $ticket_for{cust_b}), $from, '... nothing moved';
}

# ---- what a ticket offers its reader -------------------------------------------

# GET /api/tickets/{id} says what the caller may do to the ticket now, as
# the writes would answer: the moves (and whether one needs a tech the
# ticket lacks, and which texts), the fields, entries and deletion.
{
    my $id = create_ticket('cust_a', title => tag('Ditawarkan'))->json->{id};
    my $allowed = sub { api($_[0], GET => "/api/tickets/$id")->json->{allowed} };
    my $data = [qw(title description pic_name contact app_version module_id category_id priority expert_id tech_id)];
    is_deeply $allowed->('expert'), {
        transitions => [{ to => 'in_review', needs_tech => JSON::false, requires => [], rating => JSON::false },
                        { to => 'in_progress', needs_tech => JSON::true, requires => ['note'], rating => JSON::false }],
        fields => $data, take => JSON::true, comment => [qw(public internal)], upload => [qw(public internal)],
        delete => JSON::false, escalate => JSON::true, de_escalate => JSON::false, acknowledge => JSON::false,
    }, 'an open ticket, to an expert: review, or forward with a tech and a note; every field; take it; escalate it';
    is_deeply $allowed->('cust_a'), {
        transitions => [{ to => 'cancelled', needs_tech => JSON::false, requires => [], rating => JSON::false }],
        fields => [qw(title description pic_name contact app_version)], take => JSON::false,
        comment => ['public'], upload => ['public'], delete => JSON::false, escalate => JSON::false,
        de_escalate => JSON::false, acknowledge => JSON::false,
    }, '... to its customer: cancel, correct the report, reply';
    is_deeply $allowed->('admin')->{delete}, JSON::true, '... to an admin: deletion too';
    is_deeply [@{ $allowed->('manager') }{qw(transitions fields comment upload)}], [[], [], [], []],
        '... to a manager: nothing';
    is_deeply $allowed->('tech')->{transitions}, [], '... to a tech it is not assigned to: nothing';
    put_in($id, 'in_progress');
    is_deeply $allowed->('tech'), {
        transitions => [{ to => 'waiting_customer', needs_tech => JSON::false, requires => [], rating => JSON::false },
                        { to => 'solved', needs_tech => JSON::false, requires => ['message'], rating => JSON::false }],
        fields => ['app_version'], take => JSON::false, comment => [qw(internal public)], upload => [qw(internal public)],
        delete => JSON::false, escalate => JSON::true, de_escalate => JSON::false, acknowledge => JSON::false,
    }, 'in progress, to its tech: ask the customer, solve with a resolution; progress notes first; escalate it';
    is_deeply $allowed->('expert')->{take}, JSON::false, '... the expert who owns it has nothing to take';
    put_in($id, 'solved');
    is_deeply $allowed->('cust_a')->{transitions}, [
        { to => 'in_progress', needs_tech => JSON::false, requires => ['message'], rating => JSON::false },
        { to => 'closed', needs_tech => JSON::false, requires => [], rating => JSON::true },
    ], 'solved, to its customer: reject with a reason, or confirm with a rating';
    put_in($id, 'closed');
    db_do('UPDATE tickets SET tech_id = NULL WHERE id = ?', $id);
    is_deeply $allowed->('admin')->{transitions}, [
        { to => 'in_progress', needs_tech => JSON::true, requires => [], rating => JSON::false },
    ], 'closed without a tech, to an admin: reopen with a tech';

    # the answer depends on the caller's role, and so does the ETag
    my $etag = api('expert2', GET => "/api/tickets/$id")->header('ETag');
    db_do(q{UPDATE users SET role_id = (SELECT id FROM roles WHERE code = 'manager') WHERE username = 'expert2'});
    my $r = api('expert2', GET => "/api/tickets/$id", headers => { 'If-None-Match' => $etag });
    db_do(q{UPDATE users SET role_id = (SELECT id FROM roles WHERE code = 'team_expert') WHERE username = 'expert2'});
    is $r->status, 200, 'a caller whose role changed gets the ticket anew (no 304)';
    isnt $r->header('ETag'), $etag, '... under another ETag';
}

# ---- conditions of the moves ------------------------------------------------

{
    my $id = create_ticket('cust_a')->json->{id};
    is_error patch('expert', $id, { status => 'in_progress' }), 422, 'validation_failed', 'tech_id',
        'open -> in_progress without a tech: 422 naming tech_id';
    is_error patch('admin', $id, { status => 'in_progress', tech_id => undef }), 422, 'validation_failed', 'tech_id',
        '... also with tech_id null';
    is_error patch('expert', $id, { status => 'in_progress', tech_id => $uid{cust_a}, note => 'x' }), 422,
        'unknown_reference', 'tech_id', '... a customer is not a tech: 422 unknown_reference';
    is_error patch('expert', $id, { status => 'in_progress', tech_id => user_id('inactive'), note => 'x' }), 422,
        'unknown_reference', 'tech_id', '... nor is a deactivated tech';
    is_error patch('expert', $id, { expert_id => $uid{tech} }), 422, 'unknown_reference', 'expert_id',
        'a tech as expert: 422';
    is db_value('SELECT status FROM tickets WHERE id = ?', $id), 'open', 'still open';
    my $r = patch('expert', $id, { status => 'in_progress', tech_id => $uid{tech}, note => 'Cek.' });
    is $r->status, 200, 'with the tech in the same request: 200';
    # taking the tech off a ticket in progress returns it to the
    # queue, recorded like any other move; assigning one starts the work again
    $r = patch('expert', $id, { tech_id => undef });
    is $r->status, 200, 'unassigning the tech of an in_progress ticket: 200';
    is $r->json->{status}, 'open', '... and the ticket is back to open';
    is $r->json->{tech}, undef, '... without a tech';
    is db_value(q{SELECT count(*) FROM ticket_activities WHERE ticket_id = ? AND kind = 'status_changed'
                  AND old_value = 'in_progress' AND new_value = 'open'}, $id), 1,
        '... the move is on the timeline';
    $r = patch('expert', $id, { tech_id => $uid{tech}, note => 'Cek.' });
    is $r->status, 200, 'assigning a tech to an open ticket: 200';
    is $r->json->{status}, 'in_progress', '... starts the work (in_progress)';
    is_error patch('tech', $id, { status => 'solved', tech_id => undef }), 403, 'field_forbidden', 'tech_id',
        'a tech cannot take themselves off';

    put_in($id, 'closed');
    db_do('UPDATE tickets SET tech_id = NULL WHERE id = ?', $id);
    is_error patch('admin', $id, { status => 'in_progress' }), 422, 'validation_failed', 'tech_id',
        'reopening into in_progress needs a tech too';
    $r = patch('admin', $id, { status => 'in_progress', tech_id => $uid{tech2} });
    is $r->status, 200, 'admin reopens closed -> in_progress with a tech';
    my $t = ticket_row($id);
    ok !defined $t->{solved_at} && !defined $t->{closed_at}, '... solved_at and closed_at cleared';

    put_in($id, 'cancelled');
    ok defined ticket_row($id)->{closed_at}, 'a cancelled ticket has closed_at';
    is patch('admin', $id, { status => 'open' })->status, 200, 'admin reopens cancelled -> open';
    $t = ticket_row($id);
    ok !defined $t->{solved_at} && !defined $t->{closed_at}, '... times cleared';

    put_in($id, 'solved');
    is patch('cust_a2', $id, { status => 'in_progress', note => 'Masih error.' })->status, 200,
        'another customer of the pharmacy rejects the solution: solved -> in_progress';
    ok !defined ticket_row($id)->{solved_at}, '... solved_at cleared';

    put_in($id, 'in_progress');
    patch('tech', $id, { status => 'solved', message => 'Beres.' });
    ok defined ticket_row($id)->{solved_at}, 'solving sets solved_at';
    patch('tech', $id, { status => 'closed' });
    ok defined ticket_row($id)->{closed_at}, 'the assigned tech may close a solved ticket; closed_at set';
}

# ---- fields by role ----------------------------------------------------------

{
    my $id = create_ticket('cust_a', title => tag('Asal'))->json->{id};
    my $r = patch('cust_a', $id, { title => 'Judul diperbaiki', contact => '0813-1111-2222' });
    is $r->status, 200, 'a customer corrects the title while open: 200';
    is $r->json->{title}, 'Judul diperbaiki', '... applied';
    is_error patch('cust_a', $id, { priority => 'urgent' }), 403, 'field_forbidden', 'priority',
        'a customer may not set priority';
    is_error patch('cust_a', $id, { tech_id => $uid{tech} }), 403, 'field_forbidden', 'tech_id',
        'a customer may not assign';

    patch('expert', $id, { status => 'in_review' });
    is_error patch('cust_a', $id, { title => 'Lagi' }), 403, 'field_forbidden', 'title',
        'a customer editing the title while in_review: 403 field_forbidden';
    is ticket_row($id)->{title}, 'Judul diperbaiki', '... title unchanged';
    my $v = ticket_row($id)->{version};
    $r = patch('cust_a', $id, { title => 'Judul diperbaiki', description => ticket_row($id)->{description} });
    is $r->status, 200, 'members equal to the current values are no change: 200';
    is ticket_row($id)->{version}, $v, '... nothing written';
    $r = patch('cust_a', $id, { title => '  Judul diperbaiki  ' });
    is $r->status, 200, '... after trimming, too';
    is patch('cust_a', $id, { note => 'Tambahan info.' })->status, 200, 'a customer may still comment';

    patch('expert', $id, { status => 'in_progress', tech_id => $uid{tech}, note => 'Cek.' });
    is_error patch('tech', $id, { priority => 'urgent' }), 403, 'field_forbidden', 'priority',
        'the tech changing priority: 403 field_forbidden';
    is_error patch('tech', $id, { title => 'x' }), 403, 'field_forbidden', 'title', 'the tech changing the title: 403';
    is_error patch('tech', $id, { tech_id => $uid{tech2} }), 403, 'field_forbidden', 'tech_id',
        'the tech handing the ticket over: 403';
    $v = ticket_row($id)->{version};
    $r = patch('tech', $id, { priority => ticket_row($id)->{priority}, status => 'in_progress' });
    is $r->status, 200, 'the tech sending the current priority and status: no change, 200';
    is ticket_row($id)->{version}, $v, '... nothing written';
    is patch('tech', $id, { app_version => '6.0.0' })->status, 200, 'the tech may set app_version';
    is_error patch('tech2', $id, { app_version => '6.0.1' }), 403, 'not_assigned', undef,
        'another tech may not: 403 not_assigned';
    is_error patch('tech2', $id, { note => 'boleh?' }), 403, 'not_assigned', undef, '... not even a note';

    put_in($id, 'closed');
    is_error patch('expert', $id, { title => 'Setelah tutup' }), 403, 'field_forbidden', 'title',
        'a closed ticket keeps its record: expert 403';
    is_error patch('admin', $id, { priority => 'low' }), 403, 'field_forbidden', 'priority',
        '... admin too (closed tickets only move)';
}

# ---- conditional writes ------------------------------------------------------

{
    my $id = create_ticket('cust_a')->json->{id};
    my $etag = api('expert', GET => "/api/tickets/$id")->header('ETag');
    is patch('expert', $id, { priority => 'high' }, headers => { 'If-Match' => $etag })->status, 200,
        'If-Match with the current ETag: 200';
    my $before = ticket_row($id);
    my $acts = last_activity_id($id);
    is_error patch('expert', $id, { priority => 'low', status => 'in_review' }, headers => { 'If-Match' => $etag }),
        412, 'precondition_failed', undef, 'If-Match with a stale ETag: 412';
    my $after = ticket_row($id);
    is "$after->{version} $after->{priority} $after->{status}", "$before->{version} high open", '... nothing changed';
    is last_activity_id($id), $acts, '... and no timeline row';
    my $cur = api('expert', GET => "/api/tickets/$id")->header('ETag');
    my $r = patch('expert', $id, { priority => 'low' }, headers => { 'If-Match' => $cur });
    is $r->status, 200, 'the current ETag again: 200';
    isnt $r->header('ETag'), $cur, '... a new ETag comes back';
    is api('expert', GET => "/api/tickets/$id")->header('ETag'), $r->header('ETag'), '... the one GET gives';
    is_error patch('expert', $id, { priority => 'high' }, headers => { 'If-Match' => '"bogus"' }),
        412, 'precondition_failed', undef, 'a made-up ETag: 412';
}

done_testing;
