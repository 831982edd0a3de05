#!/usr/bin/perl
# Idempotency-Key on POST /api/tickets and POST /api/tickets/{id}/comments:
# a retry returns the first answer and never creates a second object, also
# when retries race.
use strict;
use warnings;
use lib 't/lib';
use Test::More;
use PD::Test;
use PD::Fixtures qw(is_error tag ticket_body);

sub post {
    my ($user, $key, $body, $path) = @_;
    return api($user, POST => $path // '/api/tickets', json => $body,
        (defined $key ? (headers => { 'Idempotency-Key' => $key }) : ()));
}
sub count_titled { db_value('SELECT count(*) FROM tickets WHERE title = ?', $_[0]) }

# ---- a retry -----------------------------------------------------------------

my $title = tag('Sekali');
my $body = ticket_body('cust_a', title => $title);
my $key = "k-$$-1";
my $first = post('cust_a', $key, $body);
is $first->status, 201, 'a create with a key: 201';
ok !defined $first->header('Idempotent-Replayed'), '... not a replay';
my $again = post('cust_a', $key, $body);
is $again->status, 201, 'the same request again: 201';
is $again->header('Idempotent-Replayed'), 'true', '... marked as a replay';
is $again->json->{id}, $first->json->{id}, '... the same ticket';
is $again->json->{number}, $first->json->{number}, '... with the same number';
is $again->header('Location'), $first->header('Location'), '... the same Location';
is $again->header('ETag'), $first->header('ETag'), '... and ETag';
is count_titled($title), 1, 'one ticket exists';

is_error post('cust_a', $key, ticket_body('cust_a', title => tag('Lain'))), 422, 'idempotency_key_reused',
    'Idempotency-Key', 'the key with another body: 422';
my $other = post('cust_a2', $key, $body);
is $other->status, 201, 'the same key from another user is theirs';
isnt $other->json->{id}, $first->json->{id}, '... a ticket of their own';
ok !defined $other->header('Idempotent-Replayed'), '... not a replay';

# ---- refused requests free the key ---------------------------------------------

{
    my $k = "k-$$-2";
    my $t2 = tag('Perbaikan');
    is_error post('cust_a', $k, ticket_body('cust_a', title => '')), 422, 'validation_failed', 'title',
        'a refused create with a key: 422';
    my $ok = post('cust_a', $k, ticket_body('cust_a', title => $t2));
    is $ok->status, 201, 'the corrected retry with the same key: 201';
    ok !defined $ok->header('Idempotent-Replayed'), '... done, not replayed';
    is count_titled($t2), 1, '... once';
}

# ---- bad keys ---------------------------------------------------------------------

for my $bad ('', 'dengan spasi', 'x' x 256, "tab\there", "\x{e9}t\x{e9}") {
    (my $shown = substr($bad, 0, 20)) =~ s/[^\x21-\x7e]/?/g;
    my $r = api('cust_a', POST => '/api/tickets', json => $body, headers => { 'Idempotency-Key' => $bad });
    is_error $r, 400, 'invalid_parameter', 'Idempotency-Key', "Idempotency-Key '$shown': 400";
}
is post('cust_a', 'x' x 255, ticket_body('cust_a', title => tag('Panjang')))->status, 201, 'a 255-character key: 201';

# ---- racing retries ---------------------------------------------------------------

{
    my $t3 = tag('Balapan');
    my $b3 = ticket_body('cust_a', title => $t3);
    my $k = "k-$$-race";
    my @r = parallel(8, sub { my $r = post('cust_a', $k, $b3); [$r->status, $r->json && $r->json->{id}] });
    is_deeply [map { $_->[0] } @r], [(201) x 8], 'eight racing retries: all 201';
    my %ids = map { ($_->[1] // 'none') => 1 } @r;
    is scalar(keys %ids), 1, '... all the same ticket';
    is count_titled($t3), 1, '... and one ticket exists';
}

# ---- comments -------------------------------------------------------------------

{
    my $id = post('cust_a', undef, ticket_body('cust_a', title => tag('Balasan')))->json->{id};
    my $path = "/api/tickets/$id/comments";
    my $c1 = post('cust_a', "c-$$", { body => 'Sudah dicoba' }, $path);
    is $c1->status, 201, 'a comment with a key: 201';
    my $c2 = post('cust_a', "c-$$", { body => 'Sudah dicoba' }, $path);
    is_deeply [$c2->status, $c2->json->{id}, $c2->header('Idempotent-Replayed')], [201, $c1->json->{id}, 'true'],
        '... the retry replays it';
    my $k = "c2-$$";    # $$ inside the children would be theirs
    my @r = parallel(6, sub { post('cust_a', $k, { body => 'Balapan komentar' }, $path)->status });
    is_deeply \@r, [(201) x 6], 'racing comment retries: all 201';
    is db_value(q{SELECT count(*) FROM ticket_activities WHERE ticket_id = ? AND kind = 'comment'}, $id), 2,
        '... two comments in all, one per key';
    is_error post('cust_a', "c-$$", { body => 'Sudah dicoba' }, "/api/tickets/$id/comments?x=1"), 400,
        'unknown_parameter', undef, 'query parameters are still checked first';
}

# ---- no key, and expiry ------------------------------------------------------------

{
    my $t4 = tag('TanpaKunci');
    post('cust_a', undef, ticket_body('cust_a', title => $t4)) for 1 .. 2;
    is count_titled($t4), 2, 'without a key, two posts make two tickets';

    my $t5 = tag('Kedaluwarsa');
    my $b5 = ticket_body('cust_a', title => $t5);
    post('cust_a', "old-$$", $b5);
    db_do(q{UPDATE idempotency_keys SET created_at = now() - interval '25 hours' WHERE key = ?}, "old-$$");
    my $r = post('cust_a', "old-$$", $b5);
    is $r->status, 201, 'a key older than a day: 201';
    ok !defined $r->header('Idempotent-Replayed'), '... is claimed afresh';
    is count_titled($t5), 2, '... and makes a new ticket';
}

done_testing;
