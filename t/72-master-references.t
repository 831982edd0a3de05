#!/usr/bin/perl
# The master data that creates name (users, pharmacies, org units, modules,
# categories) is checked without row locks (migration 0095): a write that
# names a missing row is refused with the foreign key's error code; a
# master row that something names cannot be deleted (nor its id changed);
# a deletion waits for the writes in flight and then sees them; and a
# create leaves no lock on the rows it names.
use strict;
use warnings;
use lib "$ENV{PD_ROOT}/t/lib";
use Test::More;
use DBI;
use PD::Test;
use PD::Fixtures;

sub connection {
    return DBI->connect(sprintf('dbi:Pg:dbname=%s;host=%s;port=%s', @ENV{qw(PD_TEST_DB PD_TEST_PGHOST PD_TEST_PGPORT)}),
        $ENV{PD_TEST_PGUSER} // 'pharmadesk', '', { RaiseError => 1, PrintError => 0, AutoCommit => 1 });
}

my $MISSING = 999_999_999;
my $t = new_ticket('cust_a', title => tag('Referensi'));
my $tid = $t->{id};
ok $tid, 'a ticket through the API';

# A ticket row written by hand from the API's one, one column changed.
my $COPY = q{INSERT INTO tickets (number, pharmacy_id, pic_name, contact, module_id, category_id, title,
                                  description, source, created_by, org_unit_id, expert_id)
             SELECT number || '-' || %s, %s, pic_name, contact, %s, %s, title, description, source, %s, %s, %s
             FROM tickets WHERE id = ?};
sub copy_with {
    my ($column, $value) = @_;
    my %v = (pharmacy_id => 'pharmacy_id', module_id => 'module_id', category_id => 'category_id',
             created_by => 'created_by', org_unit_id => 'org_unit_id', expert_id => 'expert_id');
    $v{$column} = $value;
    my $n = int(rand(1e9));
    return sprintf $COPY, "'$n'", @v{qw(pharmacy_id module_id category_id created_by org_unit_id expert_id)};
}

# ---- a write naming a missing row is refused ------------------------------------------------

for my $column (qw(pharmacy_id module_id category_id created_by org_unit_id expert_id)) {
    my $err = db_error(copy_with($column, $MISSING), $tid);
    like $err // '', qr/tickets\.$column = $MISSING names a row that does not exist/,
        "a ticket naming a missing $column is refused";
    is db_state(), '23503', '... with the foreign key\'s error code';
}
is db_error(copy_with(expert_id => user_id('expert')), $tid), undef, 'a ticket naming rows that exist is written';

for my $column (qw(pharmacy_id module_id category_id customer_id expert_id tech_id org_unit_id)) {
    my $err = db_error("UPDATE tickets SET $column = ? WHERE id = ?", $MISSING, $tid);
    like $err // '', qr/tickets\.$column = $MISSING names a row/, "changing a ticket's $column to a missing row is refused";
    is db_state(), '23503', '... 23503';
}
is db_error('UPDATE tickets SET expert_id = ? WHERE id = ?', user_id('expert'), $tid), undef,
    'changing it to a user who exists is done';
is db_error('UPDATE tickets SET title = title WHERE id = ?', $tid), undef, 'an update that names nothing new is done';

like db_error(q{INSERT INTO ticket_activities (ticket_id, user_id, kind, visibility) VALUES (?, ?, 'system', 'internal')},
              $tid, $MISSING) // '', qr/ticket_activities\.user_id = $MISSING names a row/,
    'a timeline entry by a missing user is refused';
is db_error(q{INSERT INTO ticket_activities (ticket_id, user_id, kind, visibility) VALUES (?, NULL, 'system', 'internal')},
            $tid), undef, '... by the system (no user) it is written';
like db_error(q{INSERT INTO idempotency_keys (user_id, key, fingerprint) VALUES (?, 'k', 'f')}, $MISSING) // '',
    qr/idempotency_keys\.user_id = $MISSING names a row/, 'an idempotency key of a missing user is refused';
like db_error(q{INSERT INTO visitors (ticket_id, name, purpose, org_unit_id, source) VALUES (?, 'Tamu', 'Rapat', ?, 'walkin')},
              $tid, $MISSING) // '', qr/visitors\.org_unit_id = $MISSING names a row/,
    'a visitor for a missing unit is refused';
is db_state(), '23503', '... 23503';

# ---- a named master row is not deleted --------------------------------------------------------

my $ph = pharmacy_id('APT-A');
for my $case (['pharmacies', $ph], ['ticket_modules', module_id('Penjualan')], ['ticket_categories', category_id('Bug Sistem')],
              ['users', user_id('cust_a')]) {
    my ($table, $id) = @$case;
    my $err = db_error("DELETE FROM $table WHERE id = ?", $id);
    like $err // '', qr/$table $id is still named by \w+; deactivate it instead/, "deleting a row of $table tickets name is refused";
    is db_state(), '23503', '... 23503';
    # the ids are identity columns: a new one is the only change there is
    like db_error("UPDATE $table SET id = DEFAULT WHERE id = ?", $id) // '', qr/still named by/, '... and so is changing its id';
}

{
    my $code = 'R' . int(rand(1e6));
    my $unused = db_value(q{INSERT INTO pharmacies (code, name) VALUES (?, 'Apotek Tanpa Tiket') RETURNING id}, $code);
    is db_error('DELETE FROM pharmacies WHERE id = ?', $unused), undef, 'a pharmacy nothing names is deleted';
    my $user = db_value(q{INSERT INTO users (username, name) VALUES (?, 'Sekali Pakai') RETURNING id}, tag('once'));
    db_do(q{INSERT INTO idempotency_keys (user_id, key, fingerprint) VALUES (?, 'k1', 'f')}, $user);
    is db_error('DELETE FROM users WHERE id = ?', $user), undef, 'a user named only by idempotency keys is deleted';
    is db_value('SELECT count(*) FROM idempotency_keys WHERE user_id = ?', $user), 0, '... and the keys go along';
}

# ---- a deletion waits for a write in flight, then sees it ----------------------------------------

{
    my $code = 'W' . int(rand(1e6));
    my $fresh = db_value(q{INSERT INTO pharmacies (code, name) VALUES (?, 'Apotek Baru') RETURNING id}, $code);
    my $writer = connection();
    $writer->begin_work;
    $writer->do(copy_with(pharmacy_id => $fresh), undef, $tid);
    is $writer->selectrow_array('SELECT xmax FROM pharmacies WHERE id = ?', undef, $fresh), 0,
        'a ticket written and not yet committed leaves no lock on its pharmacy';
    # a user the indexes show named is refused without waiting for the locks
    db_do(q{SET lock_timeout = '2s'});
    like db_error('DELETE FROM users WHERE id = ?', user_id('cust_a')) // '', qr/is still named by/,
        'deleting a user with a timeline is refused at once, with a write in flight';
    db_do('RESET lock_timeout');
    my $deleter = connection();
    # no bind values: DBD::Pg sends a statement with them synchronously
    $deleter->do("DELETE FROM pharmacies WHERE id = $fresh", { pg_async => DBD::Pg::PG_ASYNC() });
    select undef, undef, undef, 0.5;
    ok !$deleter->pg_ready, 'deleting the pharmacy waits for the write in flight';
    $writer->commit;
    my $err = eval { $deleter->pg_result; 1 } ? undef : $@;
    like $err // '', qr/pharmacies $fresh is still named by tickets/, '... and, once it commits, is refused';
    is db_value('SELECT count(*) FROM tickets WHERE pharmacy_id = ?', $fresh), 1, '... the ticket names it';
    db_do('DELETE FROM tickets WHERE pharmacy_id = ?', $fresh);
    is db_error('DELETE FROM pharmacies WHERE id = ?', $fresh), undef, 'without the ticket the pharmacy is deleted';
    $_->disconnect for $writer, $deleter;
}

# ---- creates through the API leave no locks -----------------------------------------------------

{
    my $reader = connection();
    my $before = $reader->selectrow_array('SELECT xmax FROM pharmacies WHERE id = ?', undef, $ph);
    my $c = new_ticket('cust_a', title => tag('Tanpa kunci'));
    ok $c->{id}, 'a create through the API';
    is $reader->selectrow_array('SELECT xmax FROM pharmacies WHERE id = ?', undef, $ph), $before,
        '... wrote no lock into its pharmacy\'s row';
    $reader->disconnect;
}

db_do(q{DELETE FROM tickets WHERE number LIKE ?}, $t->{number} . '-%');

done_testing();
