#!/usr/bin/perl
# Notifications, through the portal channel: an event exists exactly when
# its change committed; who is told of what (never a customer of an
# internal entry or of another pharmacy's ticket, never a deactivated user,
# never the actor); preferences and each role's defaults; the inbox API
# (list, unread count with ETag and 304, read, read all); what staff see
# was sent about a ticket; dead deliveries and their retry. The tests'
# Apache runs the notification work every second.
use strict;
use warnings;
use lib "$ENV{PD_ROOT}/t/lib";
use Test::More;
use DBI;
use PD::Test;
use PD::Fixtures;

sub settled { notify_settled(@_) }
sub told { notified(@_) }
sub on_portal { told(@_[0, 1], 'portal') }

# The ids of a user's notifications, every page of them, newest first.
sub inbox {
    my ($user) = @_;
    my (@ids, $cursor);
    do {
        my $r = api($user, GET => '/api/notifications', query => { limit => 100, $cursor ? (cursor => $cursor) : () });
        is $r->status, 200, "$user reads their notifications" or return [];
        push @ids, map { $_->{id} } @{ $r->json->{items} };
        $cursor = $r->json->{next};
    } while ($cursor);
    return \@ids;
}

sub ticket_for {
    my ($user, %f) = @_;
    return create_ticket($user, title => tag('Notif'), %f)->json;
}

# A user the tests own, with a bearer token (its subject is its name).
sub new_user {
    my ($role, %f) = @_;
    my $u = tag("n$role");
    $u =~ s/[^a-z0-9_]//gi;
    my $r = api('admin', POST => '/api/users', json => { username => $u, name => "User $u",
        email => "$u\@test.example.org", role => $role, subject => $u, %f });
    is $r->status, 201, "a $role of the test's own" or diag $r->body;
    return $u;
}

my $tech = user_id('tech');

# ---- the outbox is written with the change ---------------------------------

{
    my $t = ticket_for('cust_a');
    ok settled($t->{id}), 'a new ticket: its event is fanned out';
    # among the fixture's people: other tests add users of their own
    is_deeply [grep { /^(?:admin2?|expert2?|tech2?|manager|cust_\w+)$/ } @{ on_portal($t->{id}, 'ticket_created') }],
        [qw(admin admin2 expert expert2)],
        '... to the team experts and the admins, not to the customer who reported it';

    # inside the change's transaction the event is there; rolled back, it is gone
    my $uid = user_id('expert');
    my $err = eval {
        db_do(qq{DO \$\$ DECLARE n integer; BEGIN
            INSERT INTO ticket_activities (ticket_id, user_id, kind, body, visibility)
            VALUES ($t->{id}, $uid, 'comment', 'tidak jadi', 'public');
            SELECT count(*) INTO n FROM notify_outbox WHERE ticket_id = $t->{id} AND event = 'public_reply';
            RAISE EXCEPTION 'outbox rows: %', n; END \$\$});
        1;
    } ? '' : $@;
    like $err, qr/outbox rows: 1/, 'a timeline entry writes its event in its own transaction';
    is db_value(q{SELECT count(*) FROM notify_outbox WHERE ticket_id = ?}, $t->{id}), 0,
        '... and the rollback takes it away';

    # A change that fails after its event was written: a trigger of the
    # test's refuses entries with its marker, after the outbox's trigger
    # (triggers of one kind run in the order of their names).
    my $marker = tag('GAGAL');
    db_do(qq{CREATE OR REPLACE FUNCTION pd_test_refuse() RETURNS trigger LANGUAGE plpgsql AS \$\$
        BEGIN
            IF NEW.body = '$marker' OR (SELECT title FROM tickets WHERE id = NEW.ticket_id) = '$marker' THEN
                RAISE EXCEPTION 'refused by the test';
            END IF;
            RETURN NULL;
        END \$\$});
    db_do('CREATE TRIGGER zz_test_refuse AFTER INSERT ON ticket_activities FOR EACH ROW EXECUTE FUNCTION pd_test_refuse()');
    my @order = map { $_->[0] } db_query(q{SELECT tgname FROM pg_trigger
        WHERE tgrelid = 'ticket_activities'::regclass AND NOT tgisinternal ORDER BY tgname});
    ok((grep { $_ eq 'ticket_activities_notify' } @order) && $order[-1] eq 'zz_test_refuse',
        'the failing trigger runs after the outbox was written') or diag "@order";

    my $r = api('expert', POST => "/api/tickets/$t->{id}/comments", json => { body => $marker });
    is_error $r, 503, 'service_unavailable', undef, 'a reply that fails after its event was written: 503';
    my $max = db_value('SELECT max(id) FROM tickets');
    $r = api('cust_a', POST => '/api/tickets', json => ticket_body('cust_a', title => $marker));
    is_error $r, 503, 'service_unavailable', undef, 'a create that fails after its event was written: 503';
    db_do('DROP TRIGGER zz_test_refuse ON ticket_activities');
    db_do('DROP FUNCTION pd_test_refuse()');

    is db_value('SELECT count(*) FROM ticket_activities WHERE body = ?', $marker), 0, 'the failed reply left no entry';
    is db_value('SELECT count(*) FROM notify_outbox WHERE ticket_id = ? OR ticket_id > ?', $t->{id}, $max), 0,
        '... and neither failure left an event';
    is db_value('SELECT count(*) FROM tickets WHERE title = ?', $marker), 0, '... nor a ticket';
    # a later change of the ticket is fanned out as usual: by then the
    # failed one would have been too
    api('expert', POST => "/api/tickets/$t->{id}/comments", json => { body => 'Sudah dicek.' });
    settled($t->{id});
    is db_value(q{SELECT count(*) FROM notify_deliveries WHERE ticket_id = ? AND event = 'public_reply'}, $t->{id}),
        db_value(q{SELECT count(*) FROM notify_deliveries d JOIN ticket_activities a ON a.id = d.activity_id
                   WHERE d.ticket_id = ? AND a.body = 'Sudah dicek.'}, $t->{id}),
        '... so nobody is told of the failed reply';

    # committed changes always have their events
    my @ids = map { ticket_for('cust_a')->{id} } 1 .. 5;
    settled($_) for @ids;
    is scalar(grep { db_value(q{SELECT count(*) FROM notify_deliveries WHERE ticket_id = ? AND event = 'ticket_created'}, $_) } @ids),
        5, 'five committed creates: five events fanned out';
}

# ---- who is told of what ------------------------------------------------------

my $t = ticket_for('cust_a');
api('expert', PATCH => "/api/tickets/$t->{id}", json => { expert_id => user_id('expert') });
is_deeply on_portal($t->{id}, 'assigned'), ['cust_a'],
    'the expert takes the ticket: the customer hears of it, not the expert who did it';
api('expert', PATCH => "/api/tickets/$t->{id}", json => { tech_id => $tech, note => 'Cek driver printer.' });
is_deeply [grep { $_ ne 'cust_a' } @{ on_portal($t->{id}, 'assigned') }], ['tech'], 'a tech is assigned: the tech hears of it';
is_deeply on_portal($t->{id}, 'internal_note'), ['tech'], 'the handover note: the tech, never the customer';

api('tech', POST => "/api/tickets/$t->{id}/comments", json => { body => 'Catatan teknis.', visibility => 'internal' });
is_deeply on_portal($t->{id}, 'internal_note'), [qw(expert tech)], "the tech's internal note: the expert";
api('tech', POST => "/api/tickets/$t->{id}/comments", json => { body => 'Sudah diganti, silakan coba.' });
is_deeply on_portal($t->{id}, 'public_reply'), [qw(cust_a expert)], "the tech's reply: the customer and the expert";
api('cust_a', POST => "/api/tickets/$t->{id}/comments", json => { body => 'Masih belum bisa.' });
is_deeply on_portal($t->{id}, 'public_reply'), [qw(cust_a expert tech)], "the customer's reply: the expert and the tech";

{
    my $r = upload('tech', $t->{id}, [[visibility => 'internal'],
        [file => { filename => 'log.txt', content => "ERROR printer offline\n" }]]);
    is $r->status, 201, 'an internal file';
    settled($t->{id});
    is_deeply told($t->{id}, 'attachment_added'), ['expert'], '... the expert alone hears of it, on any channel';
    $r = upload('tech', $t->{id}, [[file => { filename => 'bukti.txt', content => "struk tercetak\n" }]]);
    is_deeply told($t->{id}, 'attachment_added'), [qw(cust_a expert)], 'a public file: the customer too';
}

is_deeply [grep { /^cust_/ } @{ told($t->{id}, 'internal_note') }], [],
    'no customer was ever told of an internal note, on any channel';
ok !db_value(q{SELECT count(*) FROM notify_deliveries d JOIN users u ON u.id = d.user_id
               JOIN ticket_activities a ON a.id = d.activity_id
               WHERE u.role_id = 4 AND (a.visibility = 'internal' OR d.event = 'internal_note')}),
    '... nor, in the whole database, of any internal entry';
ok !db_value(q{SELECT count(*) FROM notify_deliveries d JOIN users u ON u.id = d.user_id
               JOIN tickets t ON t.id = d.ticket_id WHERE u.role_id = 4 AND u.pharmacy_id <> t.pharmacy_id}),
    "... and no customer of another pharmacy's ticket";
ok !db_value(q{SELECT count(*) FROM notify_deliveries d JOIN ticket_activities a ON a.id = d.activity_id
               WHERE d.user_id = a.user_id}), 'nobody was told of their own change';

# a ticket that names no customer: the pharmacy's customers
{
    my $r = api('expert', POST => '/api/tickets', json => ticket_body('expert', pharmacy_id => pharmacy_id('APT-A'),
        title => tag('TanpaPelanggan')));
    my $id = $r->json->{id};
    is_deeply [grep { /^cust_/ } @{ on_portal($id, 'ticket_created') }], [qw(cust_a cust_a2)],
        "a ticket staff report for a pharmacy: its customers hear of it, never another pharmacy's";
}

# deactivated users receive nothing
{
    my $u = new_user('team_expert');
    my $before = ticket_for('cust_a');
    ok((grep { $_ eq $u } @{ on_portal($before->{id}, 'ticket_created') }), 'a team expert hears of new tickets');
    is api('admin', DELETE => '/api/users/' . user_id($u))->status, 200, '... until deactivated';
    my $after = ticket_for('cust_a');
    ok !(grep { $_ eq $u } @{ told($after->{id}, 'ticket_created') }), '... then on no channel';
    # deactivated between the fan-out and the sending: cancelled
    my $did = db_value(q{INSERT INTO notify_deliveries (event, ticket_id, user_id, channel)
                         VALUES ('ticket_created', ?, ?, 'portal') RETURNING id}, $after->{id}, user_id($u));
    ok wait_until(sub { db_value('SELECT status FROM notify_deliveries WHERE id = ?', $did) ne 'pending' }, 15),
        'a delivery queued for a deactivated user is taken up';
    is db_value('SELECT status FROM notify_deliveries WHERE id = ?', $did), 'cancelled', '... and cancelled, not sent';
    is api('admin', PATCH => '/api/users/' . user_id($u), json => { active => JSON::true })->status, 200,
        '... the user active again';
    my $mine = inbox($u);
    ok !(grep { $_ == $did } @$mine), '... finds no notification of the cancelled delivery';
    my $sent = db_value(q{SELECT id FROM notify_deliveries WHERE ticket_id = ? AND user_id = ? AND channel = 'portal'},
        $before->{id}, user_id($u));
    ok $sent && (grep { $_ == $sent } @$mine), '... and one of the ticket they were told of, by its delivery id';
    api('admin', DELETE => '/api/users/' . user_id($u));
}

# ---- preferences ---------------------------------------------------------------

{
    my $p = api('cust_a', GET => '/api/me/notification-preferences');
    is $p->status, 200, 'a customer reads their preferences';
    ok !exists $p->json->{preferences}{internal_note}, '... internal notes are no choice of theirs';
    is $p->json->{defaults}{public_reply}{portal}, JSON::true, '... replies reach them in the portal by default';
    is_error api('cust_a', PATCH => '/api/me/notification-preferences',
        json => { preferences => { internal_note => { portal => JSON::true } } }),
        422, 'validation_failed', 'preferences.internal_note', '... nor can they make it one';
    is_error api('cust_a', PATCH => '/api/me/notification-preferences',
        json => { preferences => { public_reply => { webhook => JSON::true } } }),
        422, 'validation_failed', 'preferences.public_reply.webhook', 'a webhook is no person\'s channel';
    is_error api('cust_a', PATCH => '/api/me/notification-preferences', json => {}),
        422, 'validation_failed', 'preferences', 'preferences is required';

    $p = api('cust_a', PATCH => '/api/me/notification-preferences',
        json => { preferences => { public_reply => { portal => JSON::false } } });
    is $p->json->{preferences}{public_reply}{portal}, JSON::false, 'the customer turns replies off in the portal';
    my $x = ticket_for('cust_a');
    api('expert', POST => "/api/tickets/$x->{id}/comments", json => { body => 'Dibalas.' });
    is_deeply on_portal($x->{id}, 'public_reply'), [], '... and gets no portal delivery for a reply';
    $p = api('cust_a', PATCH => '/api/me/notification-preferences',
        json => { preferences => { public_reply => { portal => undef } } });
    is $p->json->{preferences}{public_reply}{portal}, JSON::true, 'null: back to the default';

    # a role's defaults, which admins set
    my $d = api('admin', GET => '/api/notification-defaults');
    is $d->status, 200, 'an admin reads the defaults';
    is_deeply [sort keys %{ $d->json->{roles}{manager} }], [qw(de_escalated escalated sla_escalated)],
        '... managers hear of escalations only';
    my $audit_before = db_value(q{SELECT count(*) FROM audit_log WHERE entity = 'role'});
    $d = api('admin', PATCH => '/api/notification-defaults',
        json => { roles => { customer => { status_changed => { portal => JSON::false } } } });
    is $d->json->{roles}{customer}{status_changed}{portal}, JSON::false, 'an admin turns a default off';
    is db_value(q{SELECT count(*) FROM audit_log WHERE entity = 'role' AND entity_id = 4}) > 0
        && db_value(q{SELECT count(*) FROM audit_log WHERE entity = 'role'}) == $audit_before + 1, 1,
        '... audited, once';
    api('cust_a2', PATCH => '/api/me/notification-preferences', json => { preferences => { status_changed => { portal => undef } } });
    api('cust_a', PATCH => '/api/me/notification-preferences', json => { preferences => { status_changed => { portal => JSON::true } } });
    my $a = ticket_for('cust_a');
    my $b = ticket_for('cust_a2');
    api('expert', PATCH => "/api/tickets/$_", json => { status => 'in_review' }) for $a->{id}, $b->{id};
    is_deeply on_portal($b->{id}, 'status_changed'), [], '... a customer on the default gets none';
    is_deeply on_portal($a->{id}, 'status_changed'), ['cust_a'], '... one who chose it keeps it';
    is api('cust_a2', GET => '/api/me/notification-preferences')->json->{defaults}{status_changed}{portal}, JSON::false,
        '... and the customers\' preferences show the new default';
    api('admin', PATCH => '/api/notification-defaults',
        json => { roles => { customer => { status_changed => { portal => JSON::true } } } });
    api('cust_a', PATCH => '/api/me/notification-preferences', json => { preferences => { status_changed => { portal => undef } } });
    is_error api('admin', PATCH => '/api/notification-defaults', json => { roles => { customer => { internal_note => { portal => JSON::true } } } }),
        422, 'validation_failed', 'roles.customer.internal_note', 'no default can tell customers of internal notes';
    is_error api('admin', PATCH => '/api/notification-defaults', json => { roles => { boss => {} } }),
        422, 'validation_failed', 'roles.boss', 'an unknown role';
    is_error api('admin', PATCH => '/api/notification-defaults', json => { roles => { tech => { assigned => { portal => undef } } } }),
        422, 'validation_failed', 'roles.tech.assigned.portal', 'a default is on or off';

    # the language
    my $me = api('cust_a', PATCH => '/api/me', json => { language => 'en' });
    is $me->json->{language}, 'en', 'a user chooses English';
    is api('cust_a', GET => '/api/me')->json->{language}, 'en', '... which GET /me says';
    is_error api('cust_a', PATCH => '/api/me', json => { language => 'fr' }), 422, 'validation_failed', 'language',
        'id or en only';
    is_error api('cust_a', PATCH => '/api/me', json => { name => 'x' }), 422, 'unknown_field', 'name',
        'nothing else of one\'s account';
    api('cust_a', PATCH => '/api/me', json => { language => 'id' });
}

# ---- the inbox -------------------------------------------------------------------

{
    my $u = new_user('team_expert');
    my @t = map { ticket_for('cust_b') } 1 .. 3;
    settled($_->{id}) for @t;
    my $list = api($u, GET => '/api/notifications');
    is $list->status, 200, 'a new team expert reads their notifications';
    my @items = @{ $list->json->{items} };
    is scalar(@items), 3, '... one per new ticket';
    is_deeply [map { $_->{ticket}{id} } @items], [reverse map { $_->{id} } @t], '... newest first';
    is $items[0]{event}, 'ticket_created', '... of the event';
    is $items[0]{actor}{name}, 'Customer Beta', '... by whom';
    is $items[0]{entry}, 1, '... with the timeline entry';
    ok !defined $items[0]{read_at}, '... unread';
    is_deeply [map { $_->{id} } @items],
        [map { db_value(q{SELECT id FROM notify_deliveries WHERE ticket_id = ? AND user_id = ? AND channel = 'portal'},
                        $_->{id}, user_id($u)) } reverse @t],
        '... each by the id of its portal delivery';

    # only sent portal deliveries are notifications: not an e-mail, not one
    # that is dead or waiting
    my @not = map { db_value(q{INSERT INTO notify_deliveries (event, ticket_id, user_id, channel, status)
                               VALUES ('ticket_created', ?, ?, ?, ?) RETURNING id}, $t[0]{id}, user_id($u), @$_) }
        [email => 'sent'], [portal => 'dead'], [portal => 'cancelled'];
    is_deeply [map { $_->{id} } @{ api($u, GET => '/api/notifications')->json->{items} }], [map { $_->{id} } @items],
        '... nor is anything else in the list';
    is_error api($u, POST => "/api/notifications/$_/read"), 404, 'not_found', undef, "... or to be read ($_)" for @not;
    db_do('DELETE FROM notify_deliveries WHERE id = ANY (?)', \@not);

    my $c = api($u, GET => '/api/notifications/unread-count');
    is_deeply $c->json, { unread => 3, latest => $items[0]{id} }, 'the bell: 3 unread, and the newest';
    my $etag = $c->header('ETag');
    ok $etag, '... with an ETag';
    is api($u, GET => '/api/notifications/unread-count', headers => { 'If-None-Match' => $etag })->status, 304,
        '... 304 while nothing changed';
    is api($u, POST => "/api/notifications/$items[1]{id}/read")->status, 204, 'one read';
    is api($u, POST => "/api/notifications/$items[1]{id}/read")->status, 204, '... again: still 204';
    $c = api($u, GET => '/api/notifications/unread-count', headers => { 'If-None-Match' => $etag });
    is $c->status, 200, 'the bell changes';
    is $c->json->{unread}, 2, '... 2 unread';
    my $unread = api($u, GET => '/api/notifications', query => { unread => 'true' })->json->{items};
    is_deeply [map { $_->{id} } @$unread], [$items[0]{id}, $items[2]{id}], 'unread=true: the unread ones';
    my $page = api($u, GET => '/api/notifications', query => { limit => 2 })->json;
    is scalar(@{ $page->{items} }), 2, 'a page of 2';
    my $rest = api($u, GET => '/api/notifications', query => { limit => 2, cursor => $page->{next} })->json;
    is_deeply [map { $_->{id} } @{ $rest->{items} }], [$items[2]{id}], '... and the rest after its cursor';
    ok !defined $rest->{next}, '... the last page';

    is api($u, POST => '/api/notifications/read-all', query => { up_to => $items[2]{id} })->status, 204,
        'read all up to the oldest';
    is api($u, GET => '/api/notifications/unread-count')->json->{unread}, 1, '... the newer one stays unread';
    is api($u, POST => '/api/notifications/read-all', query => { ticket_id => $t[0]{id} })->status, 204,
        'read all about one ticket (the portal does when the ticket is opened)';
    is api($u, GET => '/api/notifications/unread-count')->json->{unread}, 1, '... another ticket\'s stays unread';
    api($u, POST => '/api/notifications/read-all', query => { ticket_id => $t[2]{id} });
    is api($u, GET => '/api/notifications/unread-count')->json->{unread}, 0, '... and its own is read';
    is api($u, POST => '/api/notifications/read-all')->status, 204, 'read all';
    is_deeply api($u, GET => '/api/notifications/unread-count')->json, { unread => 0, latest => undef }, '... none unread';
    is_error api('expert2', POST => "/api/notifications/$items[0]{id}/read"), 404, 'not_found', undef,
        "someone else's notification: 404";
    is_error api($u, GET => '/api/notifications', query => { unread => 'yes' }), 400, 'invalid_parameter', 'unread',
        'unread is true or false';
    is_error api($u, POST => '/api/notifications/read-all', query => { up_to => 'x' }), 400, 'invalid_parameter', 'up_to',
        'up_to is an id';
    is_error api($u, POST => '/api/notifications/read-all', query => { ticket_id => '-1' }), 400, 'invalid_parameter',
        'ticket_id', 'ticket_id is an id';
}

# a customer's notifications never show an internal entry, whatever is stored
# (a portal delivery sent to them, which the fan-out never writes)
{
    my $x = ticket_for('cust_a');
    api('expert', POST => "/api/tickets/$x->{id}/comments", json => { body => 'Rahasia tim.', visibility => 'internal' });
    settled($x->{id});
    my $aid = db_value(q{SELECT id FROM ticket_activities WHERE ticket_id = ? AND kind = 'note'}, $x->{id});
    my $did = db_value(q{INSERT INTO notify_deliveries (event, ticket_id, activity_id, user_id, channel, status)
                         VALUES ('internal_note', ?, ?, ?, 'portal', 'sent') RETURNING id}, $x->{id}, $aid, user_id('cust_a'));
    my @mine = @{ api('cust_a', GET => '/api/notifications', query => { limit => 100 })->json->{items} };
    ok !(grep { $_->{id} == $did } @mine), 'a notification of an internal note is not in a customer\'s list';
    ok !(grep { ($_->{excerpt} // '') =~ /Rahasia/ } @mine), '... nor its words';
    isnt api('cust_a', GET => '/api/notifications/unread-count')->json->{latest}, $did, '... nor in the bell';
    is_error api('cust_a', POST => "/api/notifications/$did/read"), 404, 'not_found', undef, '... nor can they read it';
    db_do('DELETE FROM notify_deliveries WHERE id = ?', $did);
}

# ---- what was sent: staff's view of a ticket, and the admin's ------------------

{
    my $r = api('expert', GET => "/api/tickets/$t->{id}/notifications", query => { limit => 100 });
    is $r->status, 200, 'staff read what was sent about a ticket';
    my @d = @{ $r->json->{items} };
    ok scalar(@d) >= 5, '... every delivery';
    my ($reply) = grep { $_->{event} eq 'public_reply' && $_->{recipient}{id} == user_id('cust_a') && $_->{channel} eq 'portal' } @d;
    ok $reply, "... the customer's portal delivery of a reply";
    is $reply->{status}, 'sent', '... sent';
    ok $reply->{entry} && $reply->{sent_at}, '... with its timeline entry and time';
    is_deeply [map { $_->{id} } @d], [sort { $a <=> $b } map { $_->{id} } @d], '... oldest first';
    is_error api('cust_a', GET => "/api/tickets/$t->{id}/notifications"), 403, 'forbidden', undef, 'customers: 403';
    is_error api('expert', GET => '/api/tickets/999999999/notifications'), 404, 'not_found', undef, 'no such ticket: 404';

    my $dead = db_value(q{INSERT INTO notify_deliveries (event, ticket_id, user_id, channel, status, attempts, last_error)
                          VALUES ('public_reply', ?, ?, 'portal', 'dead', 3, 'gave up') RETURNING id}, $t->{id}, user_id('expert2'));
    my $list = api('admin', GET => '/api/notification-deliveries', query => { status => 'dead', limit => 100 })->json->{items};
    my ($row) = grep { $_->{id} == $dead } @$list;
    ok $row, 'an admin lists the dead deliveries';
    is $row->{last_error}, 'gave up', '... with the last error';
    ok !(grep { $_->{status} ne 'dead' } @$list), '... and only dead ones';
    my $retry = api('admin', POST => "/api/notification-deliveries/$dead/retry");
    is $retry->status, 200, 'an admin retries it';
    is_deeply [@{ $retry->json }{qw(status attempts)}], ['pending', 0], '... pending, its attempts ahead of it';
    ok wait_until(sub { db_value('SELECT status FROM notify_deliveries WHERE id = ?', $dead) eq 'sent' }, 15),
        '... and it is delivered';
    is scalar(grep { $_ == $dead } @{ inbox('expert2') }), 1, "... once, in the recipient's notifications";
    is_error api('admin', POST => "/api/notification-deliveries/$dead/retry"), 409, 'not_retryable', undef,
        'a sent delivery cannot be retried';
    is_error api('admin', POST => '/api/notification-deliveries/999999999/retry'), 404, 'not_found', undef, 'no such delivery';
    is_error api('admin', GET => '/api/notification-deliveries', query => { status => 'lost' }), 400,
        'invalid_parameter', 'status', 'an unknown status';
    is_error api('admin', GET => '/api/notification-deliveries', query => { channel => 'fax' }), 400,
        'invalid_parameter', 'channel', 'an unknown channel';
    my $by_ticket = api('admin', GET => '/api/notification-deliveries', query => { ticket_id => $t->{id}, channel => 'portal',
        user_id => user_id('cust_a'), limit => 100 })->json->{items};
    ok @$by_ticket && !(grep { $_->{ticket}{id} != $t->{id} || $_->{recipient}{id} != user_id('cust_a') } @$by_ticket),
        'filtered by ticket, channel and recipient';
}

# ---- a ticket deleted takes its deliveries along ---------------------------------

{
    my $x = ticket_for('cust_a');
    api('expert', POST => "/api/tickets/$x->{id}/comments", json => { body => 'Sebentar lagi.' });
    settled($x->{id});
    ok db_value('SELECT count(*) FROM notify_deliveries WHERE ticket_id = ?', $x->{id}) > 0, 'a ticket with deliveries';
    is api('admin', DELETE => "/api/tickets/$x->{id}")->status, 204, '... deleted';
    is db_value('SELECT count(*) FROM notify_deliveries WHERE ticket_id = ?', $x->{id}), 0, '... takes them along';

    # deleting tickets and fanning out exclude each other: a deletion waits
    # for the fan-out under way, then takes along what it wrote
    my $y = ticket_for('cust_a');
    settled($y->{id});
    my $fanout = DBI->connect(sprintf('dbi:Pg:dbname=%s;host=%s;port=%s', @ENV{qw(PD_TEST_DB PD_TEST_PGHOST PD_TEST_PGPORT)}),
        $ENV{PD_TEST_PGUSER} // 'pharmadesk', '', { RaiseError => 1, PrintError => 0, AutoCommit => 0 });
    $fanout->do('SELECT pd_notify_fanout_lock(false)');
    db_do(q{SET lock_timeout = '300ms'});
    my $err = eval { db_do('DELETE FROM tickets WHERE id = ?', $y->{id}); 1 } ? '' : $@;
    db_do('RESET lock_timeout');
    like $err, qr/lock timeout/, 'no ticket is deleted while a fan-out is under way';
    my $did = $fanout->selectrow_array(q{INSERT INTO notify_deliveries (event, ticket_id, user_id, channel, status)
        VALUES ('public_reply', ?, ?, 'portal', 'sent') RETURNING id}, undef, $y->{id}, user_id('expert'));
    $fanout->commit;
    $fanout->disconnect;
    is api('admin', DELETE => "/api/tickets/$y->{id}")->status, 204, '... once it committed, the ticket is deleted';
    is db_value('SELECT count(*) FROM notify_deliveries WHERE id = ?', $did), 0, '... with what the fan-out wrote';

    # an event whose ticket is gone by the time it is fanned out
    my $gone = db_value('SELECT max(id) + 1000 FROM tickets');
    db_do(q{INSERT INTO notify_outbox (event, ticket_id) VALUES ('public_reply', ?)}, $gone);
    ok wait_until(sub { !db_value('SELECT count(*) FROM notify_outbox WHERE ticket_id = ?', $gone) }, 15),
        "an event of a ticket that is gone is taken from the outbox";
    is db_value('SELECT count(*) FROM notify_deliveries WHERE ticket_id = ?', $gone), 0, '... and notifies nobody';
}

# ---- the auto-close is an event like any other ----------------------------------

{
    my $x = ticket_for('cust_a');
    db_do(q{UPDATE tickets SET status = 'solved', tech_id = ?, expert_id = ?, solved_at = now() - interval '8 days'
            WHERE id = ?}, $tech, user_id('expert'), $x->{id});
    ok wait_until(sub { db_value('SELECT status FROM tickets WHERE id = ?', $x->{id}) eq 'closed' }, 15),
        'a solved ticket closes by itself';
    is_deeply on_portal($x->{id}, 'auto_closed'), [qw(cust_a expert)], '... and its customer and expert hear of it';
}

done_testing;
