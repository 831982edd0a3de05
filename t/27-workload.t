#!/usr/bin/perl
# GET /api/workload: active tickets per tech and team expert, by status.
use strict;
use warnings;
use lib 't/lib';
use Test::More;
use PD::Test;
use PD::Fixtures qw(is_error tag create_ticket);

sub load_of {
    my ($user, %q) = @_;
    my $r = api('expert', GET => '/api/workload', query => \%q);
    my ($row) = grep { $_->{user}{id} == user_id($user) } @{ $r->json->{items} };
    return $row;
}
sub put {
    my ($status, %who) = @_;
    my $id = create_ticket('cust_a', title => tag('Beban'))->json->{id};
    db_do('UPDATE tickets SET status = ?, tech_id = ?, expert_id = ? WHERE id = ?',
        $status, $who{tech} ? user_id($who{tech}) : undef, $who{expert} ? user_id($who{expert}) : undef, $id);
    return $id;
}

my %before = (tech2 => load_of('tech2'), expert2 => load_of('expert2'));
ok $before{tech2} && $before{expert2}, 'every active tech and team expert is listed, even with nothing to do';
is $before{tech2}{role}, 'tech', '... with their role';
is $before{expert2}{role}, 'team_expert', '... for both roles';

put('in_progress', tech => 'tech2', expert => 'expert2') for 1 .. 3;
put('waiting_customer', tech => 'tech2', expert => 'expert2');
put('solved', tech => 'tech2');
put('in_review', expert => 'expert2');
put('closed', tech => 'tech2', expert => 'expert2');
put('cancelled', expert => 'expert2');

my $t = load_of('tech2');
my %d = map { $_ => ($t->{by_status}{$_} // 0) - ($before{tech2}{by_status}{$_} // 0) }
    qw(in_progress waiting_customer solved closed cancelled);
is_deeply \%d, { in_progress => 3, waiting_customer => 1, solved => 1, closed => 0, cancelled => 0 },
    'the tech\'s active tickets by status; closed and cancelled do not count';
is $t->{total} - $before{tech2}{total}, 5, '... total 5 more';
my $e = load_of('expert2');
is $e->{total} - $before{expert2}{total}, 5, 'the expert\'s owned active tickets: 5 more';
is(($e->{by_status}{in_review} // 0) - ($before{expert2}{by_status}{in_review} // 0), 1, '... one in review');

my $techs = api('expert', GET => '/api/workload', query => { role => 'tech' })->json->{items};
ok !(grep { $_->{role} ne 'tech' } @$techs), 'role=tech lists techs only';
is_deeply [map { $_->{total} } @$techs], [sort { $a <=> $b } map { $_->{total} } @$techs],
    '... the least loaded first';
ok !(grep { $_->{user}{id} == user_id('inactive') } @$techs), '... and no deactivated tech';
ok !(grep { $_->{user}{id} == user_id('admin') } @{ api('admin', GET => '/api/workload')->json->{items} }),
    'admins and managers are not listed';
is_error api('expert', GET => '/api/workload', query => { role => 'customer' }), 400, 'invalid_parameter', 'role',
    'role=customer: 400';
is_error api('expert', GET => '/api/workload', query => { limit => 5 }), 400, 'unknown_parameter', undef,
    'an unknown parameter: 400';
is_error api('cust_a', GET => '/api/workload'), 403, 'forbidden', undef, 'a customer: 403';
is api('manager', GET => '/api/workload')->status, 200, 'a manager reads it';

done_testing;
