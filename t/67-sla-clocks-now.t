#!/usr/bin/perl
# Every calendar's business clock at the current minute, read once per
# statement (migration 0071): the same readings as each calendar's own
# probe, none for a calendar whose spans do not reach now, and a ticket's
# time left and pause the same either way, whatever its status.
use strict;
use warnings;
use lib "$ENV{PD_ROOT}/t/lib";
use Test::More;
use PD::Test;

my $now = q{date_trunc('minute', now())};

# Tickets in every state the columns distinguish: running, waiting for the
# customer (a pause under way), solved.
my @t = map { new_ticket('cust_a', title => "Jam bisnis $_") } 1 .. 3;
is api('expert', PATCH => "/api/tickets/$t[1]{id}", json => { status => 'in_review' })->status, 200,
    'a ticket is taken into review';
db_do(q{UPDATE tickets SET status = 'waiting_customer', sla_stopped_at = now() - interval '2 hours' WHERE id = ?},
      $t[1]{id});
db_do(q{UPDATE tickets SET status = 'solved', solved_at = now() WHERE id = ?}, $t[2]{id});

my @calendars = db_query(qq{SELECT c.id, (pd_sla_clocks_now() ->> c.id::text)::bigint,
                                   (SELECT k.clock FROM pd_sla_clock(c.id, $now) k)
                            FROM sla_calendars c ORDER BY c.id});
ok @calendars >= 1, 'there are calendars (' . scalar(@calendars) . ')';
for my $c (@calendars) {
    my ($id, $once, $probe) = @$c;
    ok defined $once && defined $probe && $once == $probe, "calendar $id: the reading taken once is its own probe's";
}

# A calendar whose spans do not reach the current minute reads as NULL, as
# the probe's empty answer did.
my $bare = db_value(q{INSERT INTO sla_calendars (name) VALUES ('Tanpa jam kerja') RETURNING id});
db_do(q{DELETE FROM sla_calendar_spans WHERE calendar_id = ?}, $bare);
is db_value(q{SELECT (pd_sla_clocks_now() -> ?::text) IS NULL}, $bare), 1, 'a calendar without spans has no reading';
is db_value(qq{SELECT (SELECT k.clock FROM pd_sla_clock(?, $now) k) IS NULL}, $bare), 1, '... as its probe has none';
db_do(q{DELETE FROM sla_calendars WHERE id = ?}, $bare);

# The columns a ticket read shows, computed the old way (a probe per ticket)
# and the new, for every ticket of the test database.
my $differ = db_value(qq{
    SELECT count(*) FROM tickets t
    WHERE (t.first_response_due_at IS NOT NULL
           AND (SELECT k.clock FROM pd_sla_clock(t.sla_calendar_id, $now) k)
               IS DISTINCT FROM ((SELECT pd_sla_clocks_now()) ->> t.sla_calendar_id::text)::bigint)});
is $differ, 0, 'every ticket with service levels reads the same clock either way';
my $tickets = db_value(q{SELECT count(*) FROM tickets WHERE first_response_due_at IS NOT NULL});
ok $tickets >= 3, "... $tickets tickets with service levels compared";

# Through the API: the time left runs for the open ticket, the pause under
# way counts for the waiting one.
my $open = api('expert', GET => "/api/tickets/$t[0]{id}");
is $open->status, 200, 'the open ticket reads';
my $fr = $open->json->{sla}{first_response} // {};
ok defined $fr->{remaining_minutes} && defined $fr->{target_minutes}
    && $fr->{remaining_minutes} > 0 && $fr->{remaining_minutes} <= $fr->{target_minutes},
    '... with time left on its first response, at most the target' or diag explain $fr;
my $waiting = api('expert', GET => "/api/tickets/$t[1]{id}");
is $waiting->status, 200, 'the waiting ticket reads';
my $paused = $waiting->json->{sla}{paused_minutes};
ok defined $paused && $paused >= 0, "... with its pause counted ($paused minutes)" or diag explain $waiting->json->{sla};
my $list = api('expert', GET => '/api/tickets', query => { status => 'waiting_customer', limit => 5 });
is $list->status, 200, 'a list of waiting tickets reads';
is_deeply [grep { $_->{id} == $t[1]{id} } @{ $list->json->{items} }]->[0]{sla}, $waiting->json->{sla},
    '... showing the waiting ticket\'s service levels as its own page does';

done_testing;
