#!/usr/bin/perl
# GET /api/tickets/{id}/activities: the timeline, oldest first, in pages;
# customers never see an internal entry.
use strict;
use warnings;
use lib 't/lib';
use Test::More;
use MIME::Base64 ();
use PD::Test;
use PD::Fixtures qw(is_error tag create_ticket all_pages);

my $t = create_ticket('cust_a', title => tag('Timeline'))->json;
my $id = $t->{id};
my $path = "/api/tickets/$id/activities";

is api('expert', PATCH => "/api/tickets/$id", json => { status => 'in_review', note => 'Cek dulu versi aplikasinya' })
    ->status, 200, 'the expert reviews with a note';
is api('cust_a', PATCH => "/api/tickets/$id", json => { note => 'Versi 5.2.1, Pak' })->status, 200,
    'the customer replies';
is api('expert', PATCH => "/api/tickets/$id", json => { priority => 'high' })->status, 200, 'the expert raises the priority';

my @staff = @{ api('expert', GET => $path)->json->{items} };
# the new priority's targets, recomputed by the system, come last
is_deeply [map { $_->{kind} } @staff], [qw(created status_changed note comment field_changed system)],
    'staff see every entry, oldest first';
my ($note) = grep { $_->{kind} eq 'note' } @staff;
is $note->{visibility}, 'internal', 'the staff note is internal';
is $note->{body}, 'Cek dulu versi aplikasinya', '... with its text';
is_deeply [$note->{actor}{name}, $note->{actor}{staff}], ['Expert Satu', JSON::true], '... by the expert, marked staff';
my ($reply) = grep { $_->{kind} eq 'comment' } @staff;
is_deeply [$reply->{visibility}, $reply->{actor}{name}, $reply->{actor}{staff}],
    ['public', 'Customer Alpha', JSON::false], 'the customer\'s reply is public and not staff';
my ($status) = grep { $_->{kind} eq 'status_changed' } @staff;
is_deeply [@$status{qw(field old_value new_value)}], [qw(status open in_review)], 'a status change names both statuses';
ok $_->{created_at}, "entry $_->{id} has its time" for @staff;

my @cust = @{ api('cust_a', GET => $path)->json->{items} };
is_deeply [map { $_->{kind} } @cust], [qw(created status_changed comment field_changed system)],
    'the customer sees the same timeline without the internal note';
ok !(grep { $_->{visibility} ne 'public' } @cust), '... nothing internal at all';
unlike api('cust_a', GET => $path)->body, qr/Cek dulu/, '... not even its text';
is scalar @{ api('cust_a2', GET => $path)->json->{items} }, 5, 'another customer of the same pharmacy sees it too';

# pages
my ($items, $responses) = all_pages('expert', $path, { limit => 2 });
is_deeply [map { $_->{id} } @$items], [map { $_->{id} } @staff], 'pages of 2 walk the whole timeline in order';
is scalar @$responses, 3, '... in three pages';
($items) = all_pages('cust_a', $path, { limit => 1 });
is_deeply [map { $_->{id} } @$items], [map { $_->{id} } @cust], 'a customer\'s pages of 1 skip the internal entry';
is_error api('expert', GET => $path, query => { cursor => 'bm9wZQ' }), 400, 'invalid_parameter', 'cursor',
    'a forged cursor: 400';
is_error api('expert', GET => $path, query => { limit => 0 }), 400, 'invalid_parameter', 'limit', 'limit 0: 400';
is_error api('expert', GET => $path, query => { q => 'x' }), 400, 'unknown_parameter', undef, 'an unknown parameter: 400';

# ---- the numbers a customer sees say nothing of entries they cannot see -----------

# A reply, an internal note, a reply: the customer's numbers run on without
# a gap, in the timeline, in what creating an entry answers and in the
# cursors, and match what they would be had no note been written.
{
    my $c = create_ticket('cust_a', title => tag('Celah'))->json->{id};
    my $cpath = "/api/tickets/$c/activities";
    my $first = api('cust_a', POST => "/api/tickets/$c/comments", json => { body => 'Balasan satu' })->json;
    is api('expert', POST => "/api/tickets/$c/comments", json => { body => 'Catatan internal', visibility => 'internal' })
        ->status, 201, 'the expert writes an internal note in between';
    api('cust_a', PATCH => "/api/tickets/$c", json => { note => 'Balasan dua lewat PATCH' });
    my $third = api('cust_a', POST => "/api/tickets/$c/comments", json => { body => 'Balasan tiga' })->json;
    my @mine = @{ api('cust_a', GET => $cpath)->json->{items} };
    is_deeply [map { $_->{id} } @mine], [1 .. scalar @mine], 'a customer\'s timeline numbers its entries 1, 2, 3 ... without a gap';
    is_deeply [$first->{id}, $third->{id}], [2, 4], '... as do the answers that created them';
    my @all = @{ api('expert', GET => $cpath)->json->{items} };
    is_deeply [map { $_->{id} } @all], [1 .. scalar @all], 'staff number every entry the same way, the note included';
    my ($cust_items, $pages) = all_pages('cust_a', $cpath, { limit => 1 });
    my @cursors = map { $_->json->{next} // () } @$pages;
    my @numbers = map { my $p = MIME::Base64::decode_base64url($_); [$p =~ /(\d+)/g] } @cursors;
    ok !(grep { grep { $_ > @mine } @$_ } @numbers), '... and a customer\'s cursors hold no number beyond those they see'
        or diag explain \@numbers;
    is_deeply [map { $_->{id} } @$cust_items], [map { $_->{id} } @mine], '... walking them one by one';
}

# someone else's ticket, and none
is_error api('cust_b', GET => $path), 404, 'not_found', undef, 'another pharmacy\'s timeline: 404';
is_error api('expert', GET => '/api/tickets/999999999/activities'), 404, 'not_found', undef, 'no such ticket: 404';
is_error api(undef, GET => $path), 401, 'unauthenticated', undef, 'anonymous: 401';
is_error api('expert', POST => $path, json => {}), 405, 'method_not_allowed', undef, 'the timeline is read-only: 405';
is_error api('admin', DELETE => $path), 405, 'method_not_allowed', undef, '... even for an admin';

done_testing;
