#!/usr/bin/perl
# The QR self check-in's migration (0062) on a database with history: a
# scratch database gets the migrations before it, users (one already named
# qr-checkin), a front desk's audit entries and a visitor's case, then the
# rest. The history stays as it was; the check-in's account is there once,
# inactive, without a subject or a role (nobody signs in as it); the audit
# log takes desk tokens and still every entity it took; the tables refuse
# what they cannot hold; a second run applies nothing.
use strict;
use warnings;
use lib "$ENV{PD_ROOT}/t/lib";
use Test::More;
use PD::Test;
use PD::Scratch;

my $scratch = PD::Scratch->new('pd_qr', qr/_desk_tokens\.sql$/);
ok $scratch, 'the desk tokens\' migration is there' or BAIL_OUT('no *_desk_tokens.sql');

my ($rc, $out) = $scratch->migrate_before;
is $rc, 0, 'the migrations before it apply' or diag $out;
my $dbh = $scratch->dbh;
$dbh->{PrintError} = 0;
my $val = sub { my ($sql, @b) = @_; ($dbh->selectrow_array($sql, undef, @b))[0] };

# ---- the history ---------------------------------------------------------------------

my $admin = $val->(q{INSERT INTO users (username, name, role_id) VALUES ('qr_admin', 'Admin', 1) RETURNING id});
$dbh->do(q{INSERT INTO audit_log (actor_id, action, entity, entity_id, changes)
           VALUES (?, 'create', 'org_unit_contact', 1, '{}')}, undef, $admin);
my $unit = $val->(q{INSERT INTO org_units (code, name, type) VALUES ('QR-ROOT', 'Dinas', 'root') RETURNING id});
my $users = $val->('SELECT count(*) FROM users');
my $audit = $val->('SELECT count(*) FROM audit_log');

($rc, $out) = $scratch->migrate_rest;
is $rc, 0, 'the desk tokens\' migration and the rest apply on it' or diag $out;

is $val->('SELECT count(*) FROM audit_log'), $audit, 'the audit log is as it was';
is $val->('SELECT count(*) FROM users'), $users + 1, 'one user more: the check-in\'s account';
my ($active, $subject, $role) = $dbh->selectrow_array(q{SELECT active, subject, role_id FROM users WHERE username = 'qr-checkin'});
ok !$active && !defined $subject && !defined $role, '... inactive, without a subject or a role: nobody signs in as it';

# ---- what the tables take and refuse --------------------------------------------------

ok $dbh->do(q{INSERT INTO audit_log (actor_id, action, entity, entity_id, changes) VALUES (?, 'create', 'desk_token', 1, '{}')},
            undef, $admin), 'the audit log takes desk tokens';
ok $dbh->do(q{INSERT INTO audit_log (actor_id, action, entity, entity_id, changes) VALUES (?, 'update', 'org_unit', 1, '{}')},
            undef, $admin), '... and still the entities it took before';
my $id = $val->(q{INSERT INTO desk_tokens (public_id, name, org_unit_id, created_by)
                  VALUES ('AAAAAAAAAAAAAAAAAAAAAA', 'Meja', ?, ?) RETURNING id}, $unit, $admin);
ok $id, 'a desk token for a unit';
my $json = $val->('SELECT pd_desk_token_json(?)', $id);
like $json, qr/"active" ?: ?true/, '... in force, as the API shows it';
for my $bad ([q{INSERT INTO desk_tokens (public_id, name, org_unit_id) VALUES ('short', 'x', ?)}, 'a public id of another shape', $unit],
             [q{INSERT INTO desk_tokens (public_id, name) VALUES ('BBBBBBBBBBBBBBBBBBBBBB', 'x')}, 'neither a unit nor a list'],
             [q{INSERT INTO desk_tokens (public_id, name, org_unit_id, unit_choices) VALUES ('CCCCCCCCCCCCCCCCCCCCCC', 'x', ?, ARRAY[1, 2])},
              'a unit and a list at once', $unit],
             [q{INSERT INTO desk_tokens (public_id, name, unit_choices) VALUES ('DDDDDDDDDDDDDDDDDDDDDD', 'x', ARRAY[1])},
              'a list of one'],
             [q{INSERT INTO desk_tokens (public_id, name, org_unit_id) VALUES ('AAAAAAAAAAAAAAAAAAAAAA', 'x', ?)}, 'a public id twice', $unit],
             [q{INSERT INTO checkin_hits (kind, subject, window_start, hits) VALUES ('other', 'x', now(), 1)}, 'a count of another kind']) {
    my ($sql, $name, @b) = @$bad;
    ok !eval { $dbh->do($sql, undef, @b) }, "refused: $name";
}

# ---- again ------------------------------------------------------------------------------

($rc, $out) = $scratch->migrate_rest;
is $rc, 0, 'a second run: exit 0' or diag $out;
like $out, qr/ 0 applied/, '... applying nothing';
is $val->(q{SELECT count(*) FROM users WHERE username = 'qr-checkin'}), 1, '... the account is there once';

done_testing;
