#!/usr/bin/perl
# The ticket list's case_type filter: visitor, surat, or any case, never a
# helpdesk ticket among them; with the unassigned queue (the front desk's
# inbox) and the subtree filter; an operator still sees only their
# subtree's cases; pages by keyset through the type's own index; a bad
# value is a 400.
use strict;
use warnings;
use utf8;
use lib "$ENV{PD_ROOT}/t/lib";
use Test::More;
use PD::Test;
use PD::Fixtures;

my $fd = front_desk_office('Dinas Uji 58', [aptika => 'Bidang Aplikasi 58', 'bidang'],
                           [sandi => 'Bidang Persandian 58', 'bidang']);
my ($office, $aptika, $sandi) = @$fd{qw(office aptika sandi)};
my $op = "op58_$$";
db_do(q{INSERT INTO users (username, subject, name, role_id, org_unit_id) VALUES (?, ?, 'Operator 58', 3, ?)},
      $op, $op, $aptika);

my $mark = tag('Kasus');
my (%v, %s);
for my $k (qw(a1 a2 a3 b)) {
    my $r = api('expert', POST => '/api/visitors', json => { name => "Tamu $k", purpose => "$mark kunjungan $k",
        org_unit_id => $k eq 'b' ? $sandi : $aptika });
    die $r->body unless $r->status == 201;
    $v{$k} = $r->json->{ticket_id};
}
for my $k (qw(a b)) {
    my $r = api('expert', POST => '/api/surat', json => { number => "005/$k/$$", letter_date => '2026-11-02',
        sender => 'Camat', subject => "$mark surat $k", org_unit_id => $k eq 'a' ? $aptika : $sandi });
    die $r->body unless $r->status == 201;
    $s{$k} = $r->json->{ticket_id};
}
# a helpdesk ticket, and one in the office's unit that is no case
my $plain = create_ticket('expert', title => "$mark tiket biasa")->json->{id};
my $routed = create_ticket('expert', title => "$mark tiket dirutekan")->json->{id};
set_ticket($routed, org_unit_id => $aptika);

sub listed {
    my ($who, %q) = @_;
    my %query = (q => $mark, sort => 'id', order => 'asc', limit => 100, %q);
    delete @query{ grep { !defined $query{$_} } keys %query };
    my $r = api($who, GET => '/api/tickets', query => \%query);
    die $r->body unless $r->status == 200;
    return ids_of($r);
}
sub ids_of { [map { $_->{id} } @{ $_[0]->json->{items} }] }

is_deeply listed('expert', case_type => 'visitor'), [@v{qw(a1 a2 a3 b)}], 'case_type=visitor: the visitors\' cases';
is_deeply listed('expert', case_type => 'surat'), [@s{qw(a b)}], 'case_type=surat: the letters\'';
is_deeply listed('expert', case_type => 'any'), [sort { $a <=> $b } values(%v), values(%s)],
    'case_type=any: every case, neither the helpdesk ticket nor a routed ticket that is no case';
is_deeply listed('expert'), [sort { $a <=> $b } values(%v), values(%s), $plain, $routed], 'without it: all of them';
is_deeply listed('expert', case_type => 'visitor', org_unit_subtree => $aptika), [@v{qw(a1 a2 a3)}],
    '... with a unit\'s subtree';
is_deeply listed('expert', case_type => 'any', q => undef, org_unit_id => $sandi), [$v{b}, $s{b}],
    '... and without a search, by unit';

# the front desk's inbox: new cases no one is assigned yet, newest first
is api('expert', PATCH => "/api/tickets/$v{a2}", json => { tech_id => user_id($op), note => 'Mohon ditemui.' })
    ->status, 200, 'a receptionist assigns one case to the operator';
my $inbox = api('expert', GET => '/api/tickets', query => { queue => 'unassigned', case_type => 'any',
    sort => 'created_at', org_unit_subtree => $office, limit => 100 });
is $inbox->status, 200, 'the inbox: 200';
is_deeply ids_of($inbox), [sort { $b <=> $a } grep { $_ != $v{a2} } values(%v), values(%s)],
    '... the unassigned cases, newest first: not the assigned one, no helpdesk ticket';

# keyset pages through the filter
my @seen;
my $q = { case_type => 'visitor', org_unit_subtree => $office, sort => 'created_at', order => 'asc', limit => 2 };
for (my $n = 0; $n < 5; $n++) {
    my $r = api('expert', GET => '/api/tickets', query => $q);
    push @seen, @{ ids_of($r) };
    my $next = $r->json->{next} or last;
    $q = { %$q, cursor => $next };
}
is_deeply \@seen, [@v{qw(a1 a2 a3 b)}], 'pages of two walk the visitors\' cases oldest first, each once';
# a subtree newest first is read a unit at a time (a walk per unit): the
# same tickets, in the same order, as the filter read otherwise
{
    my @by_id = sort { $b <=> $a } @{ listed('expert', q => undef, org_unit_subtree => $office, limit => 100) };
    my (@walked, $cursor);
    for (my $n = 0; $n < 10; $n++) {
        my $page = api('expert', GET => '/api/tickets', query => { org_unit_subtree => $office, sort => 'created_at',
            limit => 3, ($cursor ? (cursor => $cursor) : ()) });
        is $page->status, 200, "a subtree's page $n: 200" unless $page->status == 200;
        push @walked, @{ ids_of($page) };
        $cursor = $page->json->{next} or last;
    }
    is_deeply \@walked, \@by_id, 'a subtree newest first, in pages of three: every ticket of it once, in order';
    is_deeply listed('expert', q => undef, org_unit_subtree => $aptika, sort => 'created_at', order => 'asc',
                     case_type => 'visitor'),
        [@v{qw(a1 a2 a3)}], '... oldest first, with other filters';
    my $csv = api('expert', GET => '/api/tickets', query => { org_unit_subtree => $aptika, sort => 'created_at',
        format => 'csv' });
    is scalar(grep { /\Q$mark\E/ } split /\n/, $csv->body), 5, '... and exported';
    is_deeply [sort { $a <=> $b } @{ listed($op, q => undef, org_unit_subtree => $office, sort => 'created_at') }],
        [sort { $a <=> $b } @v{qw(a1 a2 a3)}, $s{a}, $routed], '... an operator: their own subtree within it';
}

my $r = api('expert', GET => '/api/tickets', query => { case_type => 'any', count => 'true', q => $mark });
is $r->json->{count}, 6, 'count=true counts through the filter';

# an operator: their subtree's cases only, whatever the filter asks
is_deeply listed($op, case_type => 'any'), [@v{qw(a1 a2 a3)}, $s{a}], 'an operator: their unit\'s cases only';
is_deeply listed($op, case_type => 'surat', org_unit_id => $sandi), [], '... another unit\'s: nothing';
is_deeply listed('cust_a', case_type => 'any'), [], 'a customer: none of the office\'s cases';

# saved views keep it
$r = api('expert', POST => '/api/views', json => { name => "Tamu $$", filters => 'case_type=visitor' });
is $r->status, 201, 'a saved view holds case_type' or diag $r->body;

for my $bad ('letter', '', 'VISITOR', 'visitor,surat') {
    is_error api('expert', GET => '/api/tickets', query => { case_type => $bad }), 400, 'invalid_parameter',
        'case_type', "case_type=$bad: 400";
}

# the indexes the filter pages through, whatever a small table's costs
# would prefer
db_do('ANALYZE tickets');
db_do('SET enable_seqscan = off');
my $plan = join "\n", map { $_->[0] } @{ scalar db_query(q{EXPLAIN SELECT id FROM tickets t
    WHERE t.case_type = ANY ('{surat}'::text[]) ORDER BY t.created_at DESC, t.id DESC LIMIT 26}) };
like $plan, qr/tickets_case_type_idx/, 'one type walks tickets_case_type_idx';
$plan = join "\n", map { $_->[0] } @{ scalar db_query(q{EXPLAIN SELECT id FROM tickets t
    WHERE t.case_type = ANY ('{visitor,surat}'::text[])
      AND t.status = ANY ('{open,in_review,waiting_customer}'::text[])
      AND (t.tech_id = 0 OR t.tech_id IS NULL)
    ORDER BY t.created_at DESC, t.id DESC LIMIT 101}) };
like $plan, qr/tickets_case_active_idx/, 'the inbox walks tickets_case_active_idx';
# ... also with the types and statuses as the list statement takes them:
# text parameters split by string_to_array, planned with their values
db_do('SET plan_cache_mode = force_custom_plan');
db_do(q{PREPARE inbox_probe (varchar, varchar) AS SELECT id FROM tickets t
    WHERE ($1::text IS NULL OR t.case_type = ANY (string_to_array($1::text, ',')))
      AND ($2::text IS NULL OR t.status = ANY (string_to_array($2::text, ',')))
      AND (t.tech_id = 0 OR t.tech_id IS NULL)
    ORDER BY t.created_at DESC, t.id DESC LIMIT 101});
$plan = join "\n", map { $_->[0] }
    @{ scalar db_query(q{EXPLAIN EXECUTE inbox_probe ('visitor,surat', 'open,in_review,waiting_customer')}) };
like $plan, qr/tickets_case_active_idx/, '... also with the values as a list statement takes them';
db_do('DEALLOCATE inbox_probe');
db_do('RESET plan_cache_mode');

done_testing;
