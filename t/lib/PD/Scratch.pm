package PD::Scratch;

# A scratch database for the tests of a migration on a database with
# history: created on the test cluster, owned by the module's role, given
# the migrations before the one under test, filled by the test, given the
# rest, and dropped when the object goes.
#
#   my $s = PD::Scratch->new('pd_numbers', qr/_timeline_numbers\.sql$/);
#   my ($rc, $out) = $s->migrate_before;
#   $s->dbh->do(...);                      # the history
#   ($rc, $out) = $s->migrate_rest;

use strict;
use warnings;

use Carp qw(croak);
use DBI;
use File::Copy qw(copy);
use File::Temp qw(tempdir);

sub _connect {
    my ($db, $user) = @_;
    return DBI->connect("dbi:Pg:dbname=$db;host=$ENV{PD_TEST_PGHOST};port=$ENV{PD_TEST_PGPORT}", $user, '',
        { RaiseError => 1, PrintError => 0, AutoCommit => 1, pg_enable_utf8 => 1 });
}

# $prefix: the database's name before the process id; $under_test: the
# file name of the first migration under test. undef when there is none.
sub new {
    my ($class, $prefix, $under_test) = @_;
    my $root = $ENV{PD_ROOT};
    opendir my $dh, "$root/sql/migrations" or croak "sql/migrations: $!";
    my @all = sort grep { /^\d{4}_.+\.sql$/ } readdir $dh;
    closedir $dh;
    my ($first) = grep { $all[$_] =~ $under_test } 0 .. $#all;
    return undef unless defined $first;
    my $self = bless { root => $root, all => \@all, first => $first, name => "${prefix}_$$",
                       owner => $ENV{PD_TEST_PGUSER} // 'pharmadesk' }, $class;
    $self->{super} = _connect('postgres', 'postgres');
    $self->{super}->do(qq{CREATE DATABASE "$self->{name}" OWNER "$self->{owner}" ENCODING 'UTF8' TEMPLATE template0});
    return $self;
}

# A command on the scratch database (libpq's environment naming it): its
# exit code and output.
sub _run {
    my ($self, $command) = @_;
    local $ENV{PGHOST} = $ENV{PD_TEST_PGHOST};
    local $ENV{PGPORT} = $ENV{PD_TEST_PGPORT};
    local $ENV{PGDATABASE} = $self->{name};
    local $ENV{PGUSER} = $self->{owner};
    my $out = `$command 2>&1`;
    return ($? >> 8, $out);
}

sub _migrate {
    my ($self, $dir) = @_;
    return $self->_run(qq{"$self->{root}/scripts/migrate" --dir "$dir"});
}

# The migrations before the one under test: scripts/migrate's exit code
# and output.
sub migrate_before {
    my ($self) = @_;
    my $dir = tempdir('pd-scratch-XXXXXX', TMPDIR => 1, CLEANUP => 1);
    for (@{ $self->{all} }[0 .. $self->{first} - 1]) {
        copy("$self->{root}/sql/migrations/$_", "$dir/$_") or croak "copy $_: $!";
    }
    return $self->_migrate($dir);
}

# The rest, the one under test first.
sub migrate_rest {
    my ($self) = @_;
    return $self->_migrate("$self->{root}/sql/migrations");
}

# Runs an SQL file in one transaction, as the module's role, stopping at
# its first error: psql's exit code and output.
sub psql_file {
    my ($self, $file) = @_;
    return $self->_run(qq{"$ENV{PD_TEST_PGBIN}/psql" -q -1 -v ON_ERROR_STOP=1 -f "$file"});
}

# A connection as the module's role.
sub dbh {
    my ($self) = @_;
    return $self->{dbh} //= _connect($self->{name}, $self->{owner});
}

sub DESTROY {
    my ($self) = @_;
    $self->{dbh}->disconnect if $self->{dbh};
    $self->{super}->do(qq{DROP DATABASE IF EXISTS "$self->{name}"}) if $self->{super};
}

1;
