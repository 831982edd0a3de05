#!/usr/bin/perl
# POST /api/tickets/{id}/comments: public replies and internal notes, who
# may write which, what a reply does to the ticket, and what a note must not.
use strict;
use warnings;
use lib 't/lib';
use Test::More;
use PD::Test;
use PD::Fixtures qw(is_error tag create_ticket);

sub new_id { create_ticket('cust_a', title => tag('Komentar'))->json->{id} }
sub comment { my ($user, $id, %b) = @_; api($user, POST => "/api/tickets/$id/comments", json => \%b) }
sub ticket { my ($user, $id) = @_; api($user, GET => "/api/tickets/$id") }
sub kinds {
    my ($user, $id) = @_;
    [map { $_->{kind} } @{ api($user, GET => "/api/tickets/$id/activities")->json->{items} }];
}

# ---- a customer's reply ------------------------------------------------------

my $id = new_id();
my $before = ticket('cust_a', $id);
my $r = comment('cust_a', $id, body => "Struk masih tidak keluar.\nSudah restart printer.");
is $r->status, 201, 'a customer replies: 201';
is_deeply [@{ $r->json }{qw(kind visibility body)}], ['comment', 'public', "Struk masih tidak keluar.\nSudah restart printer."],
    '... a public comment with its text, line breaks kept';
is_deeply [$r->json->{actor}{name}, $r->json->{actor}{staff}], ['Customer Alpha', JSON::false], '... by the customer';
my $after = ticket('cust_a', $id);
isnt $after->header('ETag'), $before->header('ETag'), '... the ticket\'s ETag moves';
ok !defined $after->json->{first_response_at}, '... a customer\'s reply is no first response';
is_error comment('cust_a', $id, body => 'rahasia', visibility => 'internal'), 403, 'field_forbidden', 'visibility',
    'a customer\'s internal note: 403';

# ---- a staff note changes nothing a customer sees ----------------------------

$before = ticket('cust_a', $id);
$r = comment('expert', $id, body => 'Kemungkinan driver printer lama', visibility => 'internal');
is $r->status, 201, 'the expert writes an internal note: 201';
is_deeply [@{ $r->json }{qw(kind visibility)}, $r->json->{actor}{staff}], ['note', 'internal', JSON::true],
    '... a note, internal, by staff';
$after = ticket('cust_a', $id);
is $after->header('ETag'), $before->header('ETag'), '... the ticket\'s ETag does not move';
is $after->json->{updated_at}, $before->json->{updated_at}, '... nor its updated_at';
is api('cust_a', GET => "/api/tickets/$id", headers => { 'If-None-Match' => $before->header('ETag') })->status, 304,
    '... so the customer\'s cached copy stays valid';
is_deeply kinds('cust_a', $id), [qw(created comment)], '... and their timeline does not show it';
{
    my ($item) = grep { $_->{id} == $id }
        @{ api('cust_a', GET => '/api/tickets', query => { sort => 'updated_at', limit => 100 })->json->{items} };
    is $item->{updated_at}, $before->json->{updated_at}, '... nor their list, sorted by updated_at';
}
is_deeply kinds('expert', $id), [qw(created comment note)], 'staff see it';
$before = ticket('cust_a', $id);
is api('expert', PATCH => "/api/tickets/$id", json => { note => 'Catatan lewat PATCH' })->status, 200,
    'a staff note through PATCH: 200';
is ticket('cust_a', $id)->header('ETag'), $before->header('ETag'), '... leaves the ETag alone as well';
is_deeply kinds('expert', $id), [qw(created comment note note)], '... and is on the staff timeline';

# ---- a staff reply is the first response ---------------------------------------

$r = comment('expert', $id, body => 'Mohon kirim foto layar errornya.');
is $r->status, 201, 'the expert replies publicly: 201';
is_deeply [@{ $r->json }{qw(kind visibility)}, $r->json->{actor}{staff}], ['comment', 'public', JSON::true],
    '... a public comment marked staff';
my $first = ticket('expert', $id)->json->{first_response_at};
ok $first, '... the ticket\'s first response is set';
comment('expert', $id, body => 'Ditunggu ya.');
is ticket('expert', $id)->json->{first_response_at}, $first, '... and a later reply does not move it';

# ---- a reply to a ticket waiting for the customer -------------------------------

{
    my $t = new_id();
    is api('expert', PATCH => "/api/tickets/$t", json => { status => 'in_progress', tech_id => user_id('tech'),
        note => 'Cek printer.' })->status,
        200, 'forwarded to the tech';
    is api('tech', PATCH => "/api/tickets/$t", json => { status => 'waiting_customer' })->status, 200,
        'the tech waits for the customer';
    comment('cust_a', $t, body => 'Ini fotonya.');
    is ticket('cust_a', $t)->json->{status}, 'in_progress', 'the customer\'s reply hands it back: in_progress';
    my @tl = @{ api('expert', GET => "/api/tickets/$t/activities")->json->{items} };
    is_deeply [@{ $tl[-1] }{qw(kind old_value new_value)}, $tl[-1]{actor}{name}],
        ['status_changed', 'waiting_customer', 'in_progress', 'Customer Alpha'], '... recorded on the timeline';

    my $u = new_id();
    api('expert', PATCH => "/api/tickets/$u", json => { status => 'in_review' });
    api('expert', PATCH => "/api/tickets/$u", json => { status => 'waiting_customer' });
    comment('cust_a2', $u, body => 'Versi 5.2.1');
    is ticket('cust_a', $u)->json->{status}, 'in_review', 'with no tech assigned it goes back to review';
    comment('expert', $u, body => 'Baik.');
    is ticket('cust_a', $u)->json->{status}, 'in_review', 'a staff reply moves nothing';

    # the same reply sent as a note through PATCH moves the ticket the same way
    my $v = new_id();
    api('expert', PATCH => "/api/tickets/$v", json => { status => 'in_progress', tech_id => user_id('tech'),
        note => 'Cek printer.' });
    api('tech', PATCH => "/api/tickets/$v", json => { status => 'waiting_customer' });
    my $r = api('cust_a', PATCH => "/api/tickets/$v", json => { note => 'Sudah saya coba, masih error.' });
    is $r->status, 200, 'a customer\'s note through PATCH on a waiting ticket: 200';
    is $r->json->{status}, 'in_progress', '... hands it back as a comment does: in_progress';
    my @vl = @{ api('expert', GET => "/api/tickets/$v/activities")->json->{items} };
    is_deeply [map { [ @{$_}{qw(kind new_value visibility)} ] } @vl[-2, -1]],
        [['status_changed', 'in_progress', 'public'], ['comment', undef, 'public']],
        '... recorded as the move and the public reply';
    my $w = new_id();
    api('expert', PATCH => "/api/tickets/$w", json => { status => 'in_review' });
    api('expert', PATCH => "/api/tickets/$w", json => { status => 'waiting_customer' });
    is api('cust_a', PATCH => "/api/tickets/$w", json => { note => 'Versi 5.2.1' })->json->{status}, 'in_review',
        '... and to review when no tech is assigned';
    api('expert', PATCH => "/api/tickets/$w", json => { status => 'waiting_customer' });
    is api('expert', PATCH => "/api/tickets/$w", json => { note => 'Menunggu jawaban.' })->status, 200,
        'a staff note on a waiting ticket: 200';
    is ticket('cust_a', $w)->json->{status}, 'waiting_customer', '... moves nothing';
}

# ---- who may write -------------------------------------------------------------

{
    my $t = new_id();
    is_error comment('tech', $t, body => 'x'), 403, 'not_assigned', undef, 'a tech not assigned: 403 not_assigned';
    db_do('UPDATE tickets SET tech_id = ? WHERE id = ?', user_id('tech'), $t);
    is comment('tech', $t, body => 'Sedang dicek', visibility => 'internal')->status, 201, 'the assigned tech: 201';
    is_error comment('manager', $t, body => 'x'), 403, 'forbidden', undef, 'a manager: 403';
    is_error comment('cust_b', $t, body => 'x'), 404, 'not_found', undef, 'another pharmacy\'s customer: 404';
    is_error comment('expert', 999999999, body => 'x'), 404, 'not_found', undef, 'no such ticket: 404';
    is_error api(undef, POST => "/api/tickets/$t/comments", json => { body => 'x' }), 401, 'unauthenticated', undef,
        'anonymous: 401';

    api('admin', PATCH => "/api/tickets/$t", json => { status => 'cancelled' });
    is_error comment('cust_a', $t, body => 'Halo?'), 409, 'ticket_closed', undef, 'a reply on a cancelled ticket: 409';
    is_error comment('expert', $t, body => 'Halo?'), 409, 'ticket_closed', undef, '... a staff reply too';
    is comment('expert', $t, body => 'Catatan akhir', visibility => 'internal')->status, 201, '... a staff note is still taken';
}

# ---- a finished ticket takes no reply by any path -------------------------------

# A customer's note through PATCH is a public reply: the same rule as the
# comments endpoint, so a closed or cancelled ticket refuses it too.
for my $final (qw(closed cancelled)) {
    my $t = new_id();
    db_do('UPDATE tickets SET status = ? WHERE id = ?', $final, $t);
    my $etag = ticket('cust_a', $t)->header('ETag');
    is_deeply ticket('cust_a', $t)->json->{allowed}{comment}, [], "... a $final ticket offers the customer no reply";
    is_deeply ticket('expert', $t)->json->{allowed}{comment}, ['internal'], '... and staff internal notes only';
    is_error api('cust_a', PATCH => "/api/tickets/$t", json => { note => 'Masih error, tolong dicek lagi.' }),
        409, 'ticket_closed', undef, "a customer's note through PATCH on a $final ticket: 409";
    is_deeply kinds('expert', $t), [qw(created)], '... nothing reaches the timeline';
    is ticket('cust_a', $t)->header('ETag'), $etag, '... and the ticket is as it was';
    is api('expert', PATCH => "/api/tickets/$t", json => { note => 'Arsip: dicek ulang.' })->status, 200,
        "... a staff note through PATCH on a $final ticket is taken (internal)";
    is_deeply kinds('expert', $t), [qw(created note)], '... as an internal note';
}

# ---- bad input -------------------------------------------------------------------

{
    my $t = new_id();
    is_error comment('cust_a', $t), 422, 'validation_failed', 'body', 'no body: 422';
    is_error comment('cust_a', $t, body => ''), 422, 'validation_failed', 'body', 'an empty body: 422';
    is_error comment('cust_a', $t, body => 'x' x 20001), 422, 'validation_failed', 'body', '20,001 characters: 422';
    is comment('cust_a', $t, body => "\x{e9}" x 20000)->status, 201, '20,000 characters (40,000 bytes): 201';
    is_error comment('cust_a', $t, body => 'x', visibility => 'secret'), 422, 'validation_failed', 'visibility',
        'an unknown visibility: 422';
    is_error comment('cust_a', $t, body => 'x', kind => 'note'), 422, 'unknown_field', 'kind', 'an unknown member: 422';
    is_error comment('cust_a', $t, body => ['x']), 422, 'validation_failed', 'body', 'a body that is no string: 422';
    is_error api('cust_a', POST => "/api/tickets/$t/comments", body => 'x', content_type => 'text/plain'), 415,
        'unsupported_media_type', undef, 'text/plain: 415';
    is_error api('cust_a', POST => "/api/tickets/$t/comments", body => '{"body":', content_type => 'application/json'),
        400, 'bad_json', undef, 'broken JSON: 400';
    is_deeply kinds('expert', $t), [qw(created comment)], 'only the good one was recorded';
}

done_testing;
