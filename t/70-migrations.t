#!/usr/bin/perl
# scripts/migrate against the live test database: a second run applies
# nothing, and a failing migration leaves neither its objects nor its record.
use strict;
use warnings;
use lib "$ENV{PD_ROOT}/t/lib";
use Test::More;
use File::Copy qw(copy);
use File::Temp qw(tempdir);
use PD::Test;
use PD::Fixtures;

my $root = $ENV{PD_ROOT};
my $migrate = "$root/scripts/migrate";
ok -x $migrate, 'scripts/migrate is executable';

# The libpq environment the script documents, pointing at the test database.
local $ENV{PGHOST} = $ENV{PD_TEST_PGHOST};
local $ENV{PGPORT} = $ENV{PD_TEST_PGPORT};
local $ENV{PGDATABASE} = $ENV{PD_TEST_DB};
local $ENV{PGUSER} = $ENV{PD_TEST_PGUSER} // 'pharmadesk';

# Runs the script with its output captured; returns (exit code, output).
sub run_migrate {
    my @args = @_;
    my $pid = open(my $fh, '-|') // die "fork: $!";
    if (!$pid) {
        open STDERR, '>&', \*STDOUT;
        exec $migrate, @args or do { print "exec: $!\n"; exit 127 };
    }
    my $out = do { local $/; <$fh> } // '';
    close $fh;
    return ($? >> 8, $out);
}

opendir my $dh, "$root/sql/migrations" or die "sql/migrations: $!";
my @real = sort grep { /^\d{4}_.+\.sql$/ } readdir $dh;
closedir $dh;
ok @real >= 1, 'the project has migrations (' . scalar(@real) . ')';

my $recorded = sub { db_value('SELECT count(*) FROM schema_migrations') };
my $rows_before = $recorded->();
is $rows_before, scalar(@real), 'every migration is recorded in schema_migrations';
my $schema = sub {
    join ',', map { $_->[0] } db_query(
        q{SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' ORDER BY table_name});
};
my $tables_before = $schema->();

# ---- a second run does nothing ----------------------------------------------

{
    my ($rc, $out) = run_migrate();
    is $rc, 0, 'running migrate again: exit 0' or diag $out;
    like $out, qr/migrations: 0 applied, ${\ scalar @real} already present/, '... applies nothing'
        or diag $out;
    unlike $out, qr/^applied /m, '... reports no migration as applied';
    is $recorded->(), $rows_before, '... records nothing new';
    is $schema->(), $tables_before, '... and the schema is as it was';
    is api('cust_a', GET => '/api/me')->status, 200, 'the server is unaffected';
}

# ---- a broken migration -----------------------------------------------------

my $probe = 'pd_broken_probe_' . $$;
{
    my $dir = tempdir('pd-migrations-XXXXXX', TMPDIR => 1, CLEANUP => 1);
    copy("$root/sql/migrations/$_", "$dir/$_") or die "copy $_: $!" for @real;
    open my $fh, '>', "$dir/9999_broken.sql" or die "9999_broken.sql: $!";
    print {$fh} <<"SQL";
-- creates a table, then fails: the table must not survive
CREATE TABLE $probe (id integer PRIMARY KEY);
INSERT INTO $probe VALUES (1);
SELECT 1 / 0;
SQL
    close $fh;

    my ($rc, $out) = run_migrate('--dir', $dir);
    isnt $rc, 0, 'a failing migration: non-zero exit' or diag $out;
    like $out, qr/division by zero/, '... PostgreSQL says why';
    like $out, qr/rolled back|not recorded/, '... and migrate says it left nothing';
    ok !defined db_value('SELECT to_regclass(?)', "public.$probe"), '... the table it created does not exist';
    is db_value(q{SELECT count(*) FROM schema_migrations WHERE version = '9999'}), 0, '... no schema_migrations row for 9999';
    is $recorded->(), $rows_before, '... the other records untouched';
    is $schema->(), $tables_before, '... the schema is as it was';

    # the failure is not remembered: the next run tries again, and fails again
    my ($rc2, $out2) = run_migrate("--dir=$dir");
    isnt $rc2, 0, 'a second run retries the broken migration and fails again';
    like $out2, qr/0 applied, ${\ scalar @real} already present/, '... having applied nothing';
}

{
    my ($rc, $out) = run_migrate('--dir', "/nonexistent-$$");
    isnt $rc, 0, 'a directory that does not exist: non-zero exit';
    my ($rc2) = run_migrate('--bogus');
    isnt $rc2, 0, 'an unknown argument: non-zero exit';
}

# ---- the database as an argument ---------------------------------------------

{
    my $conninfo = "host=$ENV{PD_TEST_PGHOST} port=$ENV{PD_TEST_PGPORT} dbname=$ENV{PD_TEST_DB} user="
        . ($ENV{PD_TEST_PGUSER} // 'pharmadesk');
    # the environment names a database that does not exist: only the
    # argument can lead to the right one
    local $ENV{PGDATABASE} = "pd_no_such_db_$$";
    my ($rc0, $out0) = run_migrate();
    isnt $rc0, 0, 'the libpq environment decides without an argument (here: a missing database)';
    like $out0, qr/pd_no_such_db_$$/, '... and psql names it' or diag $out0;

    for my $args (["$conninfo"], ['--dbname', $conninfo], ["--dbname=$conninfo"], ['-d', $conninfo],
                  ["postgresql:///$ENV{PD_TEST_DB}?host=$ENV{PD_TEST_PGHOST}&port=$ENV{PD_TEST_PGPORT}"
                   . '&user=' . ($ENV{PD_TEST_PGUSER} // 'pharmadesk')]) {
        my ($rc, $out) = run_migrate(@$args);
        is $rc, 0, "the database given as @$args[0 .. $#$args - 1] a connection string: exit 0" or diag $out;
        like $out, qr/migrations: 0 applied, ${\ scalar @real} already present/, '... and it is the test database';
    }
    my ($rc2, $out2) = run_migrate($conninfo, '--dbname', $conninfo);
    is $rc2, 2, 'the database given twice: exit 2';
    like $out2, qr/given twice/, '... saying so';
    my ($rc3) = run_migrate('--dbname=');
    is $rc3, 2, 'an empty connection string: exit 2';
    my ($rc4, $out4) = run_migrate('--help');
    is $rc4, 0, '--help: exit 0';
    like $out4, qr/CONNINFO/, '... describes the connection string';
    like $out4, qr{\Q$root\E/sql/migrations}, '... and, in the source tree, the tree\'s migrations';
}

# The installed script (pharmadesk-migrate, built by make) is this one with
# the installed migrations directory written in.
SKIP: {
    my $built = ($ENV{PD_BUILD_DIR} // $root) . '/pharmadesk-migrate';
    skip 'pharmadesk-migrate is not built', 2 unless -x $built;
    my $out = qx{"$built" --help 2>&1};
    is $? >> 8, 0, 'pharmadesk-migrate --help: exit 0';
    like $out, qr{^Usage: pharmadesk-migrate .*defaults to /\S+/pharmadesk/sql/migrations\.$}ms,
        '... defaulting to the installed migrations' or diag $out;
}

is api('cust_a', GET => '/api/tickets', query => { limit => 1 })->status, 200, 'the server is still fine';

done_testing;
