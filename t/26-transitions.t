#!/usr/bin/perl
# What a status change carries besides the status: the technical note of a
# handover, the resolution of a solve, a customer's reason to reject and
# rating to confirm; and the whole ticket story once more through the API as the
# portal drives it, replies by the comments endpoint.
use strict;
use warnings;
use lib 't/lib';
use Test::More;
use PD::Test;
use PD::Fixtures qw(is_error tag create_ticket);

my %uid = map { $_ => user_id($_) } qw(expert tech cust_a);
sub patch { my ($user, $id, $body, %o) = @_; api($user, PATCH => "/api/tickets/$id", json => $body, %o) }
sub status_of { db_value('SELECT status FROM tickets WHERE id = ?', $_[0]) }
sub timeline {
    my ($user, $id) = @_;
    return [map { join ' ', grep { defined } $_->{kind}, $_->{field}, $_->{new_value}, $_->{visibility},
        $_->{body} } @{ api($user, GET => "/api/tickets/$id/activities", query => { limit => 100 })->json->{items} }];
}
sub new_id { create_ticket('cust_a', title => tag('Transisi'))->json->{id} }
sub put_in {
    my ($id, $status) = @_;
    db_do("UPDATE tickets SET status = ?, tech_id = ?, solved_at = CASE WHEN ? IN ('solved','closed') THEN now() END,"
        . ' version = version + 1 WHERE id = ?', $status, $uid{tech}, $status, $id);
}

# ---- handing over to a tech needs a technical note ---------------------------

{
    my $id = new_id();
    is_error patch('expert', $id, { status => 'in_progress', tech_id => $uid{tech} }), 422, 'validation_failed', 'note',
        'forwarding to a tech without a note: 422 naming note';
    is_error patch('expert', $id, { tech_id => $uid{tech} }), 422, 'validation_failed', 'note',
        '... also by assigning the tech, which forwards it';
    is status_of($id), 'open', '... nothing moved';
    is patch('expert', $id, { tech_id => $uid{tech}, note => 'Driver printer versi lama.' })->status, 200,
        'with the note: 200';
    is status_of($id), 'in_progress', '... in progress';
    my ($note) = grep { /^note/ } @{ timeline('expert', $id) };
    is $note, 'note internal Driver printer versi lama.', '... the technical note is internal';
    ok !(grep { /Driver printer/ } @{ timeline('cust_a', $id) }), '... and the customer does not see it';
}

# ---- solving needs a resolution, which the customer sees ------------------------

{
    my $id = new_id();
    put_in($id, 'in_progress');
    is_error patch('tech', $id, { status => 'solved' }), 422, 'validation_failed', 'message',
        'solving without a resolution: 422 naming message';
    is_error patch('tech', $id, { status => 'solved', note => 'internal only' }), 422, 'validation_failed', 'message',
        '... an internal note is no resolution';
    is patch('tech', $id, { status => 'solved', message => 'Printer diganti ke driver 2.1.' })->status, 200,
        'with a resolution: 200';
    ok grep({ $_ eq 'comment resolution public Printer diganti ke driver 2.1.' } @{ timeline('cust_a', $id) }),
        '... the customer sees the resolution on the timeline';

    is_error patch('cust_a', $id, { status => 'in_progress' }), 422, 'validation_failed', 'message',
        'the customer rejects without a reason: 422';
    is patch('cust_a', $id, { status => 'in_progress', message => 'Masih tidak keluar struknya.' })->status, 200,
        'with a reason: 200';
    ok grep({ $_ eq 'comment reason public Masih tidak keluar struknya.' } @{ timeline('expert', $id) }),
        '... the reason is on the timeline';
    ok !defined db_value('SELECT solved_at FROM tickets WHERE id = ?', $id), '... solved_at cleared';

    put_in($id, 'solved');
    is patch('cust_a', $id, { status => 'in_progress', note => 'Masih error.' })->status, 200,
        'a customer\'s note is a reason too (it is public)';
}

# ---- confirming, with a rating ---------------------------------------------------

{
    my $id = new_id();
    put_in($id, 'solved');
    for my $bad (0, 6, '5', 4.5, -1) {
        is_error patch('cust_a', $id, { status => 'closed', rating => $bad }), 422, 'validation_failed', 'rating',
            "rating $bad: 422";
    }
    is status_of($id), 'solved', '... nothing moved';
    my $r = patch('cust_a', $id, { status => 'closed', rating => 5, message => 'Cepat sekali, terima kasih!' });
    is $r->status, 200, 'the customer confirms with a rating and a comment: 200';
    my $tl = timeline('cust_a', $id);
    ok grep({ $_ eq 'field_changed rating 5 public' } @$tl), '... the rating is on the timeline';
    ok grep({ $_ eq 'comment rating_comment public Cepat sekali, terima kasih!' } @$tl), '... with the comment';
    is status_of($id), 'closed', '... closed';

    my $other = new_id();
    put_in($other, 'solved');
    is patch('cust_a', $other, { status => 'closed' })->status, 200, 'confirming without a rating: 200';
    is_error patch('expert', new_id(), { status => 'in_review', rating => 3 }), 422, 'validation_failed', 'rating',
        'a rating on another move: 422';
    is_error patch('expert', new_id(), { message => 'Halo' }), 422, 'validation_failed', 'message',
        'a message without a status change: 422 (replies are comments)';
}

# ---- waiting for the customer, with what is needed -------------------------------

{
    my $id = new_id();
    put_in($id, 'in_progress');
    is patch('tech', $id, { status => 'waiting_customer', message => 'Mohon kirim foto layar error.' })->status, 200,
        'the tech asks the customer: 200';
    ok grep({ $_ eq 'comment message public Mohon kirim foto layar error.' } @{ timeline('cust_a', $id) }),
        '... and the customer sees what is asked';
}

# ---- If-Match on a transition ---------------------------------------------------

{
    my $id = new_id();
    my $etag = api('expert', GET => "/api/tickets/$id")->header('ETag');
    is api('cust_a', POST => "/api/tickets/$id/comments", json => { body => 'Tambahan info' })->status, 201,
        'the customer replies meanwhile';
    is_error patch('expert', $id, { status => 'in_review' }, headers => { 'If-Match' => $etag }), 412,
        'precondition_failed', undef, 'a transition with a stale If-Match: 412';
    is status_of($id), 'open', '... and nothing moved';
    $etag = api('expert', GET => "/api/tickets/$id")->header('ETag');
    is patch('expert', $id, { status => 'in_review' }, headers => { 'If-Match' => $etag })->status, 200,
        '... with the current one: 200';
}

# ---- the whole ticket story, as the portal drives it -------------------------------

{
    my $id = create_ticket('cust_a', title => tag('Cerita'), priority => 'low')->json->{id};
    is patch('expert', $id, { status => 'in_review', priority => 'high', expert_id => $uid{expert} })->status, 200,
        '1. the expert reviews, raises the priority and owns it';
    is patch('expert', $id, { tech_id => $uid{tech}, note => 'Cek konfigurasi printer di kasir 2.' })->status, 200,
        '2. ... and forwards it to the tech with a technical note';
    is patch('tech', $id, { status => 'waiting_customer', message => 'Printer merek apa?' })->status, 200,
        '3. the tech asks for information';
    is api('cust_a', POST => "/api/tickets/$id/comments", json => { body => 'Epson TM-T82.' })->status, 201,
        '4. the customer replies';
    is status_of($id), 'in_progress', '... which hands it back to the tech';
    is patch('tech', $id, { status => 'solved', message => 'Driver Epson dipasang ulang.' })->status, 200,
        '5. the tech solves it';
    is patch('cust_a', $id, { status => 'closed', rating => 4 })->status, 200, '6. the customer confirms with a rating';
    my $t = api('cust_a', GET => "/api/tickets/$id")->json;
    is $t->{status}, 'closed', '7. the ticket is closed';
    ok $t->{first_response_at} && $t->{solved_at} && $t->{closed_at}, '... with its first response, solve and close times';
    my $tl = join "\n", @{ timeline('cust_a', $id) };
    like $tl, qr/^comment message public Printer merek apa\?$/m, '... the customer\'s timeline has the question';
    like $tl, qr/^comment public Epson TM-T82\.$/m, '... their reply';
    like $tl, qr/^comment resolution public Driver Epson dipasang ulang\.$/m, '... the resolution';
    like $tl, qr/^field_changed rating 4 public$/m, '... the rating';
    unlike $tl, qr/konfigurasi printer/, '... and not the technical note';
    is scalar(() = $tl =~ /^status_changed/mg), 6, '... and six status changes';
}

done_testing;
