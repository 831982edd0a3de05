#!/usr/bin/perl
# POST /api/tickets/bulk: one change for several tickets, each under the
# rules of a single PATCH, in a transaction of its own, each reported; a
# customer may not use it, a tech changes only their own tickets, a bad
# body changes nothing.
use strict;
use warnings;
use lib 't/lib';
use Test::More;
use PD::Test;
use PD::Fixtures qw(is_error tag create_ticket set_ticket activities);

my $T = tag('Massal');
my %uid = map { $_ => user_id($_) } qw(expert expert2 tech tech2);
my @ids = map { create_ticket('cust_a', title => "$T $_")->json->{id} } 1 .. 4;
my $other = create_ticket('cust_b', title => "$T B")->json->{id};
set_ticket($ids[3], status => 'closed', closed_at => '2026-01-01 00:00:00+00');

sub ticket { api('admin', GET => "/api/tickets/$_[0]")->json }
sub bulk { my ($user, $body) = @_; api($user, POST => '/api/tickets/bulk', json => $body) }

# ---- mixed results ---------------------------------------------------------------

my $r = bulk('expert', { ids => [@ids[0 .. 2], 999999999], changes => { priority => 'urgent', expert_id => $uid{expert2} } });
is $r->status, 200, 'a bulk change: 200';
my %res = map { $_->{id} => $_ } @{ $r->json->{results} };
is_deeply [map { $_->{id} } @{ $r->json->{results} }], [@ids[0 .. 2], 999999999], 'each ticket reported, in order';
is $res{$_}{status}, 200, "ticket $_ changed" for @ids[0 .. 2];
is $res{999999999}{status}, 404, 'a ticket that does not exist: 404';
is $res{999999999}{error}{code}, 'not_found', '... with its error';
is $r->json->{changed}, 3, 'three changed';
is $r->json->{failed}, 1, 'one failed';
for my $id (@ids[0 .. 2]) {
    my $t = ticket($id);
    is $t->{priority}, 'urgent', "ticket $id is urgent";
    is $t->{expert}{id}, $uid{expert2}, "... owned by expert2";
}
my @acts = grep { ($_->{field} // '') eq 'priority' } activities($ids[0]);
is scalar(@acts), 1, 'the timeline has the change, as a PATCH would write it';

# the rules of a single PATCH, ticket by ticket: closing works from some
# statuses and not from others
set_ticket($ids[1], status => 'solved', tech_id => $uid{tech}, solved_at => '2026-01-02 00:00:00+00');
$r = bulk('admin', { ids => [@ids[0 .. 3]], changes => { status => 'closed' } });
%res = map { $_->{id} => $_ } @{ $r->json->{results} };
my $single = api('admin', PATCH => "/api/tickets/$ids[0]", json => { status => 'closed' });
isnt $single->status, 200, 'an open ticket is not closed by a PATCH';
is $res{ $ids[0] }{status}, $single->status, 'closing an open ticket answers as the PATCH does';
is $res{ $ids[0] }{error}{code}, ($single->json->{error} // {})->{code}, '... with the same error';
is ticket($ids[1])->{status}, 'closed', 'a solved ticket closed';
is $res{ $ids[1] }{status}, 200, '... reported 200';
is $res{ $ids[3] }{status}, 200, 'an already closed one: no change, 200';

# a tech only on tickets assigned to them
set_ticket($ids[2], status => 'in_progress', tech_id => $uid{tech});
$r = bulk('tech2', { ids => [$ids[2]], changes => { priority => 'low' } });
is $r->json->{results}[0]{status}, 403, 'a tech on another tech\'s ticket: 403 there';
is $r->json->{results}[0]{error}{code}, 'not_assigned', '... not_assigned';
is ticket($ids[2])->{priority}, 'urgent', '... nothing changed';
$r = bulk('tech', { ids => [$ids[2]], changes => { priority => 'low' } });
my $want = api('tech', PATCH => "/api/tickets/$ids[2]", json => { priority => 'low' })->status;
is $r->json->{results}[0]{status}, $want, 'the assigned tech: as their PATCH answers';

# a reference the caller may not name fails that ticket alone
$r = bulk('admin', { ids => [$ids[0]], changes => { tech_id => $uid{expert} } });
$single = api('admin', PATCH => "/api/tickets/$ids[0]", json => { tech_id => $uid{expert} });
is $r->json->{results}[0]{status}, 422, 'an expert named as tech: 422 there';
is $r->json->{results}[0]{status}, $single->status, '... as the PATCH answers';
is $r->json->{results}[0]{error}{code}, $single->json->{error}{code}, '... with its code';
is $r->json->{results}[0]{error}{field}, $single->json->{error}{field}, '... and field';

# ---- refused as a whole -----------------------------------------------------------

is_error bulk('cust_a', { ids => [$ids[0]], changes => { priority => 'low' } }), 403, 'forbidden', undef,
    'a customer may not use it';
is_error bulk('manager', { ids => [$ids[0]], changes => { priority => 'low' } }), 403, 'forbidden', undef,
    'nor a manager';
is_error bulk('expert', { ids => [], changes => { priority => 'low' } }), 422, 'validation_failed', 'ids', 'no ids: 422';
is_error bulk('expert', { ids => [1 .. 101], changes => { priority => 'low' } }), 422, 'validation_failed', 'ids',
    'more than 100 ids: 422';
is_error bulk('expert', { ids => ['x'], changes => { priority => 'low' } }), 422, 'validation_failed', 'ids',
    'an id that is no id: 422';
is_error bulk('expert', { ids => [$ids[0]], changes => {} }), 422, 'validation_failed', 'changes', 'no change: 422';
is_error bulk('expert', { ids => [$ids[0]], changes => { title => 'x' } }), 422, 'unknown_field', 'title',
    'a change bulk does not take: 422';
is_error bulk('expert', { ids => [$ids[0]], changes => { priority => 'asap' } }), 422, 'validation_failed', 'priority',
    'a bad value: 422, nothing changed';
is_error bulk('expert', { ids => [$ids[0]], changes => { priority => 'low' }, x => 1 }), 422, 'unknown_field', 'x',
    'an unknown member: 422';
is_error api('expert', POST => '/api/tickets/bulk', body => 'nope', content_type => 'application/json'), 400,
    'bad_json', undef, 'not JSON: 400';

# a repeated id is changed once
$r = bulk('admin', { ids => [$other, $other], changes => { priority => 'high' } });
is scalar @{ $r->json->{results} }, 1, 'a repeated id: one result';
is ticket($other)->{priority}, 'high', '... and the change made';

done_testing;
