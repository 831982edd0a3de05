package PD::Cluster;

# The cluster of scripts/cluster for a test: started with the test data
# (t/fixtures.sql, the test accounts) on ports of its own, in a directory
# of its own under TMPDIR, and destroyed when the test ends (PD_KEEP=1
# keeps it stopped, for a post-mortem).
#
#   my $c = PD::Cluster->start;
#   $c->{url}                 HAProxy's address
#   $c->node_url(1)           a node's own
#   $c->psql_primary($sql)    one value, from the server that is primary

use strict;
use warnings;

use Carp qw(croak);
use File::Path ();
use File::Temp qw(tempdir);
use JSON ();
use LWP::UserAgent;
use Time::HiRes qw(time sleep);
use PD::Test ();

# Ports of the cluster's own (scripts/cluster takes PD_CLUSTER_PORT and the
# ten above it).
my $PORT = $ENV{PD_TEST_CLUSTER_PORT} // 20050;
my @instances;

sub start {
    my ($class, %opt) = @_;
    my $dir = tempdir('pd-cluster-XXXXXX', TMPDIR => 1, CLEANUP => 0);
    chmod 0755, $dir;
    my $self = bless {
        dir    => $dir,
        port   => $PORT,
        url    => "http://127.0.0.1:$PORT",
        issuer => 'https://127.0.0.1:' . ($PORT + 8),
        idp    => 'http://127.0.0.1:' . ($PORT + 7),
        owner  => $$,
    }, $class;
    push @instances, $self;
    # background work every second, as scripts/test has it
    local $ENV{PD_MAINTENANCE_INTERVAL} = 1;
    local $ENV{PD_NOTIFY_INTERVAL} = 1;
    local $ENV{PD_NOTIFY_RETRY_DELAY} = 1;
    local $ENV{PD_SLA_INTERVAL} = 1;
    # stopped at the end even when it started only in part
    $self->{started} = 1;
    my ($rc, $out) = $self->run('start');
    croak "scripts/cluster start: exit $rc\n$out" if $rc;
    return $self;
}

# scripts/cluster COMMAND for this cluster: its exit code and output.
sub run {
    my ($self, $cmd) = @_;
    local $ENV{PD_CLUSTER_DIR} = $self->{dir};
    local $ENV{PD_CLUSTER_PORT} = $self->{port};
    local $ENV{PD_CLUSTER_DATA} = 'test';
    return PD::Test::capture("$ENV{PD_ROOT}/scripts/cluster", $cmd);
}

sub node_url { my ($self, $n) = @_; 'http://127.0.0.1:' . ($self->{port} + 3 + $n) }
sub node_dir { my ($self, $n) = @_; "$self->{dir}/node$n" }
sub pg_port { my ($self, $s) = @_; $self->{port} + ($s eq 'a' ? 2 : 3) }

# psql as postgres on server a or b: one value, or undef when it fails.
sub psql_on {
    my ($self, $s, $sql, $db) = @_;
    my ($rc, $out) = PD::Test::capture('psql', '-X', '-qtA', '-h', "$self->{dir}/pg$s", '-p', $self->pg_port($s),
        '-U', 'postgres', '-d', $db // 'pharmadesk', '-c', $sql);
    return undef if $rc;
    chomp $out;
    return $out;
}

# Which server is primary now ('a' or 'b'), and which standby.
sub primary {
    my ($self) = @_;
    for my $s (qw(a b)) {
        my $v = $self->psql_on($s, 'SELECT pg_is_in_recovery()', 'postgres');
        return $s if defined $v && $v eq 'f';
    }
    return undef;
}
sub standby { my ($self) = @_; ($self->primary // 'a') eq 'a' ? 'b' : 'a' }
sub psql_primary { my ($self, $sql) = @_; $self->psql_on($self->primary // croak('no primary'), $sql) }
sub psql_standby { my ($self, $sql) = @_; $self->psql_on($self->standby, $sql) }

# The postmaster's pid of server a or b.
sub pg_pid {
    my ($self, $s) = @_;
    open my $fh, '<', "$self->{dir}/pg$s/data/postmaster.pid" or return;
    my $pid = <$fh>;
    chomp $pid;
    return $pid;
}

sub node_pid {
    my ($self, $n) = @_;
    open my $fh, '<', $self->node_dir($n) . '/httpd.pid' or return;
    my $pid = <$fh>;
    chomp $pid;
    return $pid;
}

# Lines of a node's access log matching $re.
sub access_count {
    my ($self, $n, $re) = @_;
    open my $fh, '<', $self->node_dir($n) . '/access.log' or return 0;
    return scalar grep { $_ =~ $re } <$fh>;
}

# An access token for a test user from the cluster's provider.
sub token {
    my ($self, $user) = @_;
    my $res = LWP::UserAgent->new(timeout => 10)->post("$self->{idp}/test/token",
        'Content-Type' => 'application/json', Content => JSON->new->encode({ username => $user }));
    croak 'test token: ' . $res->status_line unless $res->is_success;
    return JSON->new->decode($res->decoded_content)->{access_token};
}

# Error lines of both nodes' logs that no pattern of @expected explains.
sub unexpected_errors {
    my ($self, @expected) = @_;
    my @bad;
    for my $n (1, 2) {
        open my $fh, '<', $self->node_dir($n) . '/error.log' or next;
        while (my $line = <$fh>) {
            next unless $line =~ /\[(?:[\w.-]+:)?(?:error|crit|alert|emerg)\]|Segmentation fault|exit signal/;
            next if grep { $line =~ $_ } @expected;
            chomp $line;
            push @bad, "node$n: $line";
        }
    }
    return @bad;
}

sub stop {
    my ($self) = @_;
    # a forked child (a client of the test) never stops its parent's cluster
    return unless $self->{started} && $self->{owner} == $$;
    $self->{started} = 0;
    my ($rc, $out) = $self->run($ENV{PD_KEEP} ? 'stop' : 'destroy');
    warn "scripts/cluster stop: exit $rc\n$out" if $rc;
    if ($ENV{PD_KEEP}) {
        Test::More::diag("the cluster's state is kept in $self->{dir}");
    } else {
        File::Path::remove_tree($self->{dir});
    }
}

END {
    my $rc = $?;
    $_->stop for @instances;
    $? = $rc;
}

1;
