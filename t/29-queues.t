#!/usr/bin/perl
# The work queues on GET /api/tickets: queue=mine, review and unassigned.
use strict;
use warnings;
use lib 't/lib';
use Test::More;
use PD::Test;
use PD::Fixtures qw(is_error tag create_ticket all_pages);

my %uid = map { $_ => user_id($_) } qw(expert2 tech2 tech);
my $P = pharmacy_id('APT-A');
sub make {
    my ($status, %who) = @_;
    my $id = create_ticket('cust_a', title => tag('Antrian'))->json->{id};
    db_do('UPDATE tickets SET status = ?, expert_id = ?, tech_id = ? WHERE id = ?', $status,
        $who{expert} ? $uid{ $who{expert} } : undef, $who{tech} ? $uid{ $who{tech} } : undef, $id);
    return $id;
}
sub ids {
    my ($user, %q) = @_;
    my ($items) = all_pages($user, '/api/tickets', { limit => 100, %q });
    return { map { ($_->{id} => $_) } @$items };
}

my %t = (
    open_free       => make('open'),
    review_owned    => make('in_review', expert => 'expert2'),
    working_tech2   => make('in_progress', expert => 'expert2', tech => 'tech2'),
    waiting_free    => make('waiting_customer', expert => 'expert2'),
    solved_tech2    => make('solved', tech => 'tech2'),
    closed_free     => make('closed'),
);

my $mine = ids('expert2', queue => 'mine');
ok !(grep { ($_->{expert}{id} // 0) != $uid{expert2} } values %$mine), 'an expert\'s mine: only tickets they own';
ok $mine->{ $t{review_owned} } && $mine->{ $t{working_tech2} } && $mine->{ $t{waiting_free} },
    '... all of them';
my $tmine = ids('tech2', queue => 'mine');
ok !(grep { ($_->{tech}{id} // 0) != $uid{tech2} } values %$tmine), 'a tech\'s mine: only tickets assigned to them';
ok $tmine->{ $t{working_tech2} } && $tmine->{ $t{solved_tech2} }, '... all of them';
is scalar(keys %{ ids('tech2', queue => 'mine', status => 'solved') }) >= 1 ? 1 : 0, 1,
    '... combined with a status filter';

my $review = ids('expert', queue => 'review');
ok !(grep { $_->{status} ne 'open' && $_->{status} ne 'in_review' } values %$review),
    'the review queue: open and in_review only';
ok $review->{ $t{open_free} } && $review->{ $t{review_owned} }, '... both of ours in it';

my $free = ids('expert', queue => 'unassigned');
ok !(grep { defined $_->{tech} } values %$free), 'unassigned: no ticket with a tech';
ok !(grep { $_->{status} =~ /^(closed|cancelled|solved|in_progress)$/ } values %$free), '... and only active ones';
ok $free->{ $t{open_free} } && $free->{ $t{waiting_free} } && $free->{ $t{review_owned} }, '... ours in it';
ok !$free->{ $t{closed_free} }, '... not the closed one';

my $cust = ids('cust_a', queue => 'mine');
my $all = ids('cust_a');
is_deeply [sort keys %$cust], [sort keys %$all], 'a customer\'s mine is their pharmacy\'s list';
ok !(grep { $_->{pharmacy}{id} != $P } values %{ ids('cust_a', queue => 'unassigned') }),
    'a customer\'s queues stay within their pharmacy';

my $q = ids('expert', queue => 'review', q => 'Antrian', sort => 'created_at');
ok $q->{ $t{open_free} } && !(grep { $_->{status} !~ /^(open|in_review)$/ } values %$q), 'queues combine with q';

is_error api('expert', GET => '/api/tickets', query => { queue => 'review', status => 'open' }), 400,
    'invalid_parameter', 'status', 'queue=review with a status: 400';
is_error api('tech', GET => '/api/tickets', query => { queue => 'mine', tech_id => $uid{tech2} }), 400,
    'invalid_parameter', 'tech_id', 'a tech\'s mine with a tech_id: 400';
is_error api('expert', GET => '/api/tickets', query => { queue => 'unassigned', tech_id => $uid{tech2} }), 400,
    'invalid_parameter', 'tech_id', 'unassigned with a tech_id: 400';
is_error api('expert', GET => '/api/tickets', query => { queue => 'all' }), 400, 'invalid_parameter', 'queue',
    'an unknown queue: 400';
is api('expert', GET => '/api/tickets', query => { tech_id => $uid{tech2} })->status, 200,
    'a tech_id filter alone still works';

done_testing;
