#!/usr/bin/perl
# The functions every single-ticket request calls (migration 0092): the
# scope check inlined into the statement and answering as its old form did
# for every scope and ticket; the ticket number and a unit's subtree as
# before.
use strict;
use warnings;
use lib "$ENV{PD_ROOT}/t/lib";
use Test::More;
use PD::Test;
use PD::Fixtures qw(tag);

# a small tree with tickets in it: root > bidang > seksi, and a second bidang
my $code = tag('SC');
$code =~ s/[^A-Za-z0-9]//g;
my $root = db_value(q{INSERT INTO org_units (code, name, type) VALUES (?, 'Lingkup', 'root') RETURNING id}, "$code-R");
my $bidang = db_value(q{INSERT INTO org_units (code, name, type, parent_id) VALUES (?, 'Bidang', 'bidang', ?) RETURNING id},
                      "$code-B", $root);
my $seksi = db_value(q{INSERT INTO org_units (code, name, type, parent_id) VALUES (?, 'Seksi', 'bidang', ?) RETURNING id},
                     "$code-S", $bidang);
my $other = db_value(q{INSERT INTO org_units (code, name, type, parent_id) VALUES (?, 'Lain', 'bidang', ?) RETURNING id},
                     "$code-O", $root);
my @t = map { new_ticket('cust_a', title => tag("Lingkup $_")) } 1 .. 4;
db_do(q{UPDATE tickets SET org_unit_id = ? WHERE id = ?}, $bidang, $t[0]{id});
db_do(q{UPDATE tickets SET org_unit_id = ? WHERE id = ?}, $seksi, $t[1]{id});
db_do(q{UPDATE tickets SET org_unit_id = ? WHERE id = ?}, $other, $t[2]{id});

# ---- the scope check, against its old form ------------------------------------

# 0 everything, -1 nothing, a pharmacy's id, and -1 - unit for every unit
my @scopes = (0, -1, map({ $_->[0] } db_query(q{SELECT id FROM pharmacies ORDER BY id})),
              map({ -1 - $_->[0] } db_query(q{SELECT id FROM org_units ORDER BY id})));
my $old = q{(s = 0 OR s = t.pharmacy_id
             OR (s < -1 AND t.org_unit_id IS NOT NULL
                 AND EXISTS (SELECT 1 FROM org_units u WHERE u.id = t.org_unit_id AND u.path @> ARRAY[-1 - s])))};
my ($pairs, $differ) = @{ (db_query(qq{
    SELECT count(*), count(*) FILTER (WHERE pd_ticket_in_scope(s, t.pharmacy_id, t.org_unit_id) IS DISTINCT FROM $old)
    FROM tickets t CROSS JOIN unnest(?::bigint[]) AS x (s)}, [@scopes]))[0] };
is $differ, 0, "the scope check answers as its old form for every ticket and scope ($pairs pairs, "
    . scalar(@scopes) . ' scopes)';

my $in = sub { my ($scope, $ticket) = @_;
    db_value(q{SELECT pd_ticket_in_scope(?::bigint, t.pharmacy_id, t.org_unit_id) FROM tickets t WHERE t.id = ?}, $scope, $ticket) };
is $in->(-1 - $bidang, $t[0]{id}), 1, 'a unit\'s scope holds its own ticket';
is $in->(-1 - $bidang, $t[1]{id}), 1, '... and its sub-unit\'s';
is $in->(-1 - $bidang, $t[2]{id}), 0, '... not a sibling unit\'s';
ok !$in->(-1 - $bidang, $t[3]{id}), '... nor a ticket without a unit';
is $in->(-1 - $root, $t[2]{id}), 1, 'the root\'s scope holds every unit\'s ticket';
is $in->(-1 - $seksi, $t[0]{id}), 0, 'a sub-unit\'s scope does not hold its parent\'s ticket';
is $in->(-1, $t[0]{id}), 0, 'scope -1 holds nothing';
is $in->(0, $t[3]{id}), 1, 'scope 0 holds everything';
my $pharmacy = db_value(q{SELECT pharmacy_id FROM tickets WHERE id = ?}, $t[3]{id});
is $in->($pharmacy, $t[3]{id}), 1, 'a pharmacy\'s scope holds its ticket';
is $in->($pharmacy + 100000, $t[3]{id}), 0, '... another pharmacy\'s does not';

# inlined: the statement holds the check's expression, not a call planned
# anew at every execution; a pharmacy's scope folds into a comparison
my $plan = sub { my ($scope) = @_;
    join "\n", map { $_->[0] } db_query(qq{EXPLAIN (VERBOSE, COSTS OFF) SELECT t.id FROM tickets t
        WHERE t.id = $t[0]{id} AND pd_ticket_in_scope(${scope}::bigint, t.pharmacy_id, t.org_unit_id)}) };
my $p = $plan->($pharmacy);
unlike $p, qr/pd_ticket_in_scope/, 'a single-ticket read inlines the scope check' or diag $p;
like $p, qr/pharmacy_id = '?$pharmacy'?|'?$pharmacy'?\S* = t\.pharmacy_id/, '... a pharmacy\'s scope as a comparison' or diag $p;
$p = $plan->(-1 - $bidang);
unlike $p, qr/pd_ticket_in_scope/, '... an operator\'s too' or diag $p;
like $p, qr/pd_org_unit_within/, '... whose unit test is the one call left' or diag $p;
is db_value(q{SELECT l.lanname FROM pg_proc p JOIN pg_language l ON l.oid = p.prolang WHERE p.proname = 'pd_org_unit_within'}),
    'plpgsql', '... a PL/pgSQL function, its plan kept per connection';

# ---- the ticket number and the subtree ------------------------------------------

my %numbers = ('1' => 'BX-2026-000001', '999999' => 'BX-2026-999999', '1000000' => 'BX-2026-1000000',
               '12345678' => 'BX-2026-12345678');
is db_value(q{SELECT pd_ticket_number('BX', 2026, ?::bigint)}, $_), $numbers{$_}, "ticket number $_: $numbers{$_}"
    for sort { $a <=> $b } keys %numbers;
is db_value(q{SELECT pd_ticket_number('PD', 5, 7)}), 'PD-0005-000007', 'a year below 1000 keeps four digits';
is db_value(q{SELECT pd_ticket_number('PD', 2026, NULL) IS NULL}), 1, 'no sequence value, no number';

my $subtrees_differ = db_value(q{
    SELECT count(*) FROM org_units x
    WHERE (SELECT array_agg(v ORDER BY v) FROM unnest(pd_org_subtree(x.id)) v)
          IS DISTINCT FROM (SELECT array_agg(u.id ORDER BY u.id) FROM org_units u WHERE u.path @> ARRAY[x.id])});
is $subtrees_differ, 0, 'every unit\'s subtree is the units whose path holds it';
is_deeply [sort { $a <=> $b } @{ db_value(q{SELECT pd_org_subtree(?)}, $bidang) }], [sort { $a <=> $b } $bidang, $seksi],
    'the bidang\'s subtree: itself and its seksi';
is_deeply db_value(q{SELECT pd_org_subtree(-5)}), [], 'a unit that does not exist: an empty subtree';

# ---- through the API --------------------------------------------------------------

is api('cust_a', GET => "/api/tickets/$t[3]{id}")->status, 200, 'a customer reads their pharmacy\'s ticket';
is api('cust_b', GET => "/api/tickets/$t[3]{id}")->status, 404, '... another pharmacy\'s customer gets a 404';

done_testing;
