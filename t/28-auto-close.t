#!/usr/bin/perl
# A solved ticket the customer never answers closes by itself after
# PharmadeskAutoCloseDays (7 here), with the system as the actor. The tests'
# Apache runs the maintenance every second (PharmadeskMaintenanceInterval).
use strict;
use warnings;
use lib 't/lib';
use Test::More;
use PD::Test;
use PD::Fixtures qw(tag create_ticket);

sub solved_days_ago {
    my ($days) = @_;
    my $id = create_ticket('cust_a', title => tag('Lama'))->json->{id};
    db_do(q{UPDATE tickets SET status = 'solved', tech_id = ?, solved_at = now() - make_interval(days => ?)
            WHERE id = ?}, user_id('tech'), $days, $id);
    return $id;
}
sub status_of { db_value('SELECT status FROM tickets WHERE id = ?', $_[0]) }

my $stale = solved_days_ago(8);
my $fresh = solved_days_ago(6);
my $waiting = create_ticket('cust_a', title => tag('Menunggu'))->json->{id};
db_do(q{UPDATE tickets SET status = 'waiting_customer', tech_id = ?, updated_at = now() - interval '30 days'
        WHERE id = ?}, user_id('tech'), $waiting);

ok wait_until(sub { status_of($stale) eq 'closed' }, 15), 'a ticket solved 8 days ago closes by itself';
my $t = api('cust_a', GET => "/api/tickets/$stale")->json;
ok $t->{closed_at}, '... with closed_at set';
my @tl = @{ api('cust_a', GET => "/api/tickets/$stale/activities")->json->{items} };
my $last = $tl[-1];
is_deeply [@$last{qw(kind old_value new_value visibility)}], [qw(status_changed solved closed public)],
    '... recorded on the timeline, visible to the customer';
ok !defined $last->{actor}, '... by the system (no actor)';
like $last->{body}, qr/no answer 7 days/, '... saying why';
is status_of($fresh), 'solved', 'a ticket solved 6 days ago stays solved';
is status_of($waiting), 'waiting_customer', 'other statuses are left alone, however old';

# one run at a time: the function gives way when another holds the lock
is db_value('SELECT pd_close_stale_solved(0)'), 0, 'zero days means never';
is db_value(q{SELECT count(*) FROM ticket_activities WHERE ticket_id = ? AND new_value = 'closed'}, $stale), 1,
    'closed once, though every process runs the job';

# the same thread forgets idempotency keys older than a day
{
    my $uid = user_id('cust_a');
    db_do(q{INSERT INTO idempotency_keys (user_id, key, fingerprint, created_at)
            VALUES (?, ?, 'x', now() - interval '25 hours'), (?, ?, 'x', now())}, $uid, "old-$$", $uid, "new-$$");
    ok wait_until(sub { !db_value('SELECT count(*) FROM idempotency_keys WHERE key = ?', "old-$$") }, 15),
        'an idempotency key older than a day is forgotten';
    is db_value('SELECT count(*) FROM idempotency_keys WHERE key = ?', "new-$$"), 1, '... a fresh one is kept';
}

done_testing;
