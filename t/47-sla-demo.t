#!/usr/bin/perl
# The demo data on a fresh database, as scripts/demo loads it: its tickets'
# service levels replayed from their timelines show every state a target
# can be in, running, at risk, paused, breached and met.
use strict;
use warnings;
use lib "$ENV{PD_ROOT}/t/lib";
use Test::More;
use PD::Test;
use PD::Scratch;

my $scratch = PD::Scratch->new('pd_demo', qr/^0001_/);
my ($rc, $out) = $scratch->migrate_rest;
is $rc, 0, 'the migrations apply to a fresh database' or diag $out;
($rc, $out) = $scratch->psql_file("$ENV{PD_ROOT}/sql/demo/demo_data.sql");
is $rc, 0, 'the demo data loads' or diag $out;
my $dbh = $scratch->dbh;
my %n = map { @$_ } @{ $dbh->selectall_arrayref(q{
    SELECT s.state, count(*) FROM tickets t CROSS JOIN LATERAL (VALUES
        (CASE WHEN t.status = 'waiting_customer' THEN 'paused'
              WHEN t.status IN ('open', 'in_review', 'in_progress') AND t.sla_due_at <= now() THEN 'breached'
              WHEN t.status IN ('open', 'in_review', 'in_progress') AND t.sla_risk_at <= now() THEN 'at_risk'
              WHEN t.status IN ('open', 'in_review', 'in_progress') THEN 'running'
              WHEN t.sla_met THEN 'met'
              WHEN t.status IN ('solved', 'closed') THEN 'met late' ELSE 'stopped' END)) AS s (state)
    GROUP BY 1}) };
diag join ', ', map { "$_ $n{$_}" } sort keys %n;
ok $n{$_}, "demo tickets $_" for qw(running at_risk paused breached met);
is $dbh->selectrow_array(q{SELECT count(*) FROM tickets WHERE sla_policy_id IS NULL}), 0, 'every ticket has its service levels';
is $dbh->selectrow_array(q{SELECT count(*) FROM ticket_activities WHERE kind = 'sla'}), 0, '... and no alarm of the past';
ok $dbh->selectrow_array(q{SELECT count(*) FROM tickets t JOIN sla_policies p ON p.id = t.sla_policy_id
    WHERE p.name = 'Kontrak Emas'}), 'the GOLD contract\'s policy governs some';
ok $dbh->selectrow_array(q{SELECT count(*) FROM tickets WHERE escalated_at IS NOT NULL
    AND status IN ('open', 'in_review', 'in_progress', 'waiting_customer')}), 'one is escalated';

undef $dbh;
undef $scratch;
done_testing;
