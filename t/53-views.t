#!/usr/bin/perl
# Saved views (/api/views): one's own, shared with one's role, changed only
# by the owner or an admin, their filters checked by the ticket list's own
# parser, counted on demand; someone else's private view is a 404.
use strict;
use warnings;
use lib 't/lib';
use Test::More;
use PD::Test;
use PD::Fixtures qw(is_error tag create_ticket set_ticket);

my $T = tag('Tampilan');
my @t = map { create_ticket('cust_a', title => "$T $_")->json->{id} } 1 .. 3;
set_ticket($t[0], priority => 'urgent');
set_ticket($t[1], priority => 'urgent');

sub view { my ($user, %body) = @_; api($user, POST => '/api/views', json => \%body) }
sub names { my ($user) = @_; [map { $_->{name} } @{ api($user, GET => '/api/views')->json->{items} }] }

# ---- create and read -----------------------------------------------------------

my $r = view('expert', name => "$T urgent", filters => "q=$T&priority=urgent");
is $r->status, 201, 'an expert saves a view';
my $v = $r->json;
like $r->header('Location'), qr{/views/$v->{id}$}, '... with its Location';
ok $v->{mine} && $v->{editable} && !$v->{shared}, '... theirs, editable, not shared';
is $v->{owner}{id}, user_id('expert'), '... owned by them';
ok grep({ $_ eq "$T urgent" } @{ names('expert') }), 'it is in their list';
ok !grep({ $_ eq "$T urgent" } @{ names('expert2') }), 'not in another expert\'s while private';

my $c = api('expert', GET => '/api/views', query => { count => 'true' });
my ($counted) = grep { $_->{id} == $v->{id} } @{ $c->json->{items} };
is $counted->{count}, 2, 'count=true: the view\'s list counted';
ok !$counted->{count_more}, '... exactly';
ok !exists api('expert', GET => '/api/views')->json->{items}[0]{count}, 'no count unless asked';

# ---- validation -----------------------------------------------------------------

is_error view('expert', name => '', filters => ''), 422, 'validation_failed', 'name', 'an empty name: 422';
is_error view('expert', name => 'x' x 81), 422, 'validation_failed', 'name', 'a name of 81 characters: 422';
is_error view('expert', filters => 'status=open'), 422, 'validation_failed', 'name', 'no name: 422';
is_error view('expert', name => "$T b", filters => 'status=nope'), 422, 'validation_failed', 'filters',
    'a status the list refuses: 422';
is_error view('expert', name => "$T c", filters => 'limit=5'), 422, 'validation_failed', 'filters',
    'a page parameter: 422';
is_error view('expert', name => "$T d", filters => 'queue=review&status=open'), 422, 'validation_failed', 'filters',
    'filters that contradict: 422';
is_error view('expert', name => "$T e", filters => 'sort=action&q=x'), 422, 'validation_failed', 'filters',
    'a sort the search refuses: 422';
is_error view('expert', name => "$T f", filters => 'x' x 1001), 422, 'validation_failed', 'filters',
    'filters over 1000 bytes: 422';
is_error view('expert', name => "$T g", colour => 'red'), 422, 'unknown_field', 'colour', 'an unknown member: 422';
is_error view('expert', name => "$T urgent"), 409, 'conflict', 'name', 'a name they use already: 409';
is view('expert2', name => "$T urgent")->status, 201, 'another user may use the name';
is_error view('cust_a', name => "$T s", shared => JSON::PP::true), 403, 'field_forbidden', 'shared',
    'a customer may not share a view';
my $cv = view('cust_a', name => "$T mine", filters => 'sort=waiting');
is $cv->status, 201, 'a customer keeps a view of their own';

# ---- sharing and who changes what --------------------------------------------------

my $s = api('expert', PATCH => "/api/views/$v->{id}", json => { shared => JSON::PP::true });
is $s->status, 200, 'the owner shares it';
ok $s->json->{shared}, '... shared';
my ($seen) = grep { $_->{id} == $v->{id} } @{ api('expert2', GET => '/api/views')->json->{items} };
ok $seen, 'another expert sees it now';
ok !$seen->{mine} && !$seen->{editable}, '... not theirs, not editable';
ok !grep({ $_ eq "$T urgent" && 1 } map { $_->{id} == $v->{id} ? $_->{name} : () } @{ api('tech', GET => '/api/views')->json->{items} }),
    'a tech (another role) does not';
is_error api('expert2', PATCH => "/api/views/$v->{id}", json => { name => 'mine now' }), 403, 'not_owner', undef,
    'another expert may not change it';
is_error api('expert2', DELETE => "/api/views/$v->{id}"), 403, 'not_owner', undef, '... nor delete it';
is_error api('tech', PATCH => "/api/views/$v->{id}", json => { name => 'x' }), 404, 'not_found', undef,
    'a tech cannot find it';
is_error api('cust_a', DELETE => "/api/views/$v->{id}"), 404, 'not_found', undef, 'nor a customer';
my $priv = view('expert2', name => "$T private")->json;
is_error api('expert', PATCH => "/api/views/$priv->{id}", json => { name => 'x' }), 404, 'not_found', undef,
    'someone else\'s private view: 404';
is_error api('admin', DELETE => "/api/views/$priv->{id}"), 404, 'not_found', undef, '... even for an admin';
my $a = api('admin', PATCH => "/api/views/$v->{id}", json => { name => "$T urgent (tidied)" });
is $a->status, 200, 'an admin may change a shared view';
is $a->json->{name}, "$T urgent (tidied)", '... renamed';
is_error api('expert', PATCH => "/api/views/$v->{id}", json => { filters => 'priority=asap' }), 422,
    'validation_failed', 'filters', 'a bad filter on PATCH: 422';
is_error api('expert2', PATCH => "/api/views/$priv->{id}", json => { name => "$T urgent" }), 409, 'conflict', 'name',
    'renaming onto one\'s own other view: 409';
is_error api('expert', PATCH => '/api/views/999999999', json => { name => 'x' }), 404, 'not_found', undef,
    'a view that does not exist: 404';

# the manager cannot change tickets but keeps views
is view('manager', name => "$T m")->status, 201, 'a manager keeps views';

# ---- delete and the cap --------------------------------------------------------------

is api('expert', DELETE => "/api/views/$v->{id}")->status, 204, 'the owner deletes it';
ok !grep({ $_ eq "$T urgent (tidied)" } @{ names('expert2') }), 'gone for the others';
is api('expert', DELETE => "/api/views/$v->{id}")->status, 404, 'deleted twice: 404';

db_do(q{INSERT INTO saved_views (owner_id, name, filters) SELECT ?, 'cap ' || g, '' FROM generate_series(1, 50) g},
      user_id('tech2'));
is_error view('tech2', name => "$T over"), 422, 'validation_failed', undef, 'past 50 views: 422';
db_do(q{DELETE FROM saved_views WHERE owner_id = ?}, user_id('tech2'));
# this file's views go: the menus of later tests are not theirs
db_do(q{DELETE FROM saved_views WHERE name LIKE ?}, "$T%");

done_testing;
