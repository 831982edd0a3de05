#!/usr/bin/perl
# Conditional GET on list pages (the portal polls with If-None-Match): an
# ETag from the page's bytes, 304 while nothing the caller may see changed,
# 200 with a new ETag as soon as something did.
use strict;
use warnings;
use lib 't/lib';
use Test::More;
use PD::Test;
use PD::Fixtures qw(tag create_ticket);

sub get { my ($user, $path, $etag, %q) = @_;
    api($user, GET => $path, query => \%q, $etag ? (headers => { 'If-None-Match' => $etag }) : ()) }

# pages are compared whole, and their service level minutes turn with the clock
clear_of_minute_turn(15);
my $title = tag('Daftar ETag');
my $id = create_ticket('cust_a', title => $title)->json->{id};
my %list = (limit => 10);

# ---- the ticket list ---------------------------------------------------------

my $r = get('cust_a', '/api/tickets', undef, %list);
is $r->status, 200, 'a list page: 200';
my $etag = $r->header('ETag');
like $etag // '', qr/^"l[0-9a-f]{64}"$/, '... with an ETag';
is $r->header('Cache-Control'), 'no-store', '... and still no-store';
my $nm = get('cust_a', '/api/tickets', $etag, %list);
is $nm->status, 304, 'If-None-Match with that ETag: 304';
is $nm->body, '', '... without a body';
is $nm->header('ETag'), $etag, '... naming the ETag again';
is get('cust_a', '/api/tickets', qq{"other", W/$etag}, %list)->status, 304, 'a list of tags, one of them weak: 304';
is get('cust_a', '/api/tickets', '*', %list)->status, 304, '"*": 304';
is get('cust_a', '/api/tickets', '"lnope"', %list)->status, 200, 'another tag: 200';
isnt get('cust_a', '/api/tickets', undef, %list, status => 'closed')->header('ETag'), $etag, 'another page, another ETag';

# another pharmacy's work changes nothing a customer may see
create_ticket('cust_b', title => $title);
is get('cust_a', '/api/tickets', $etag, %list)->status, 304, 'another pharmacy\'s new ticket: still 304 for cust_a';
isnt get('expert', '/api/tickets', undef, %list)->header('ETag'), $etag, 'staff see both tickets: another ETag';

is api('expert', PATCH => "/api/tickets/$id", json => { priority => 'urgent' })->status, 200, 'the expert changes the priority';
$r = get('cust_a', '/api/tickets', $etag, %list);
is $r->status, 200, '... the customer\'s list answers 200 again';
isnt $r->header('ETag'), $etag, '... with a new ETag';
is $r->json->{items}[0]{priority}, 'urgent', '... and the new priority';

# ---- the timeline ------------------------------------------------------------

my $path = "/api/tickets/$id/activities";
my $cust = get('cust_a', $path)->header('ETag');
my $staff = get('expert', $path)->header('ETag');
ok $cust && $staff, 'timelines carry ETags';
is get('cust_a', $path, $cust)->status, 304, 'an unchanged timeline: 304';
is api('expert', POST => "/api/tickets/$id/comments", json => { body => 'catatan', visibility => 'internal' })->status, 201,
    'the expert writes an internal note';
is get('cust_a', $path, $cust)->status, 304, '... the customer\'s timeline is still 304: a note leaves no trace';
$r = get('expert', $path, $staff);
is $r->status, 200, '... the staff timeline answers 200';
is $r->json->{items}[-1]{kind}, 'note', '... ending in the note';
is api('cust_a', POST => "/api/tickets/$id/comments", json => { body => 'balasan' })->status, 201, 'the customer replies';
is get('cust_a', $path, $cust)->status, 200, '... their timeline changed';

# ---- name-sorted lists -------------------------------------------------------

$r = get('admin', '/api/users');
ok $r->header('ETag'), 'the user list carries an ETag';
is get('admin', '/api/users', $r->header('ETag'))->status, 304, '... and answers 304 to it';
is api('admin', PATCH => '/api/users/' . user_id('cust_a2'), json => { name => tag('Customer Alpha Dua') })->status, 200,
    'an admin renames a user';
is get('admin', '/api/users', $r->header('ETag'))->status, 200, '... the user list changed';

done_testing;
