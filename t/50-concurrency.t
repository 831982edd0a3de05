#!/usr/bin/perl
# Concurrency: ticket numbers under parallel creates (no duplicates, no gaps)
# and optimistic locking under parallel conditional updates (one winner).
use strict;
use warnings;
use lib "$ENV{PD_ROOT}/t/lib";
use Test::More;
use PD::Test;
use PD::Fixtures;

my $CLIENTS = 8;
my $EACH = 10;
my @users = qw(cust_a cust_a2 cust_b expert tech admin expert2 tech2);

# ---- parallel creates ----------------------------------------------------------

my $batch = tag('Paralel');
my @results = parallel($CLIENTS, sub {
    my ($i) = @_;
    my $user = $users[$i % @users];
    my @out;
    for my $n (1 .. $EACH) {
        my $r = api($user, POST => '/api/tickets', json => ticket_body($user, title => "$batch c$i n$n"));
        push @out, [$r->status, $r->json ? ($r->json->{id}, $r->json->{number}) : (undef, undef)];
    }
    return \@out;
});

my @all = map { @$_ } @results;
is scalar(@all), $CLIENTS * $EACH, "$CLIENTS clients x $EACH creates answered";
my @not_created = grep { $_->[0] != 201 } @all;
ok !@not_created, 'every create: 201' or diag 'statuses: ' . join ' ', map { $_->[0] } @not_created;

my @numbers = grep { defined } map { $_->[2] } @all;
my %seen;
$seen{$_}++ for @numbers;
is scalar(keys %seen), $CLIENTS * $EACH, 'every number is unique';
ok !(grep { !/^PD-\d{4}-\d{6}$/ } @numbers), 'every number is well-formed';

my %years = map { (/^PD-(\d{4})-/)[0] => 1 } @numbers;
is scalar(keys %years), 1, 'one year for the whole batch';
my ($year) = keys %years;
my @seq = sort { $a <=> $b } map { /-(\d{6})$/ ? $1 + 0 : () } @numbers;
is $seq[-1] - $seq[0] + 1, scalar(@seq), 'the sequences of the batch are consecutive: no gaps';

# the table agrees: the batch's tickets, and nothing else, hold those numbers
my @db = map { $_->[0] } db_query(
    q{SELECT number FROM tickets WHERE number LIKE ? AND split_part(number, '-', 3)::int BETWEEN ? AND ?
      ORDER BY number}, "PD-$year-%", $seq[0], $seq[-1]);
is_deeply \@db, [sort @numbers], 'the numbers between the first and the last are exactly the batch';
is db_value('SELECT count(*) FROM tickets WHERE title LIKE ?', "$batch %"), $CLIENTS * $EACH,
    'every ticket of the batch is stored';
ok db_value('SELECT pd_ticket_seq_last(?)', $year) >= $seq[-1],
    "the year's sequence is at or past the last number";

# A create that fails inside the database after it drew its number (here a
# trigger refuses the INSERT) stores nothing; the numbers of the creates that
# succeed around it stay unique and in order. Such a failure may leave a gap,
# as sequences do (README, "Ticket numbers"); refused creates take no number
# at all (t/11-bad-input.t).
my $poison = "POISON $$";
my $fn = "pd_test_poison_$$";
db_do(qq{CREATE FUNCTION $fn() RETURNS trigger LANGUAGE plpgsql AS \$\$
    BEGIN
        IF NEW.title LIKE '$poison%' THEN RAISE EXCEPTION 'poisoned for the test'; END IF;
        RETURN NEW;
    END \$\$});
db_do(qq{CREATE TRIGGER ${fn}_trg BEFORE INSERT ON tickets FOR EACH ROW EXECUTE FUNCTION $fn()});
sub drop_poison {
    db_do("DROP TRIGGER IF EXISTS ${fn}_trg ON tickets");
    db_do("DROP FUNCTION IF EXISTS $fn()");
}
END { eval { drop_poison() } if $fn }
# No expect_error_log: the module logs the failed INSERT as a warning, which
# the error-log check does not count.
{
    my $before = db_value('SELECT pd_ticket_seq_last(?)', $year);
    my @mixed = parallel($CLIENTS, sub {
        my ($i) = @_;
        my @out;
        for my $n (1 .. 4) {
            my $title = ($i + $n) % 2 ? "$poison c$i n$n" : "$batch mix c$i n$n";
            my $r = api('cust_a', POST => '/api/tickets', json => ticket_body('cust_a', title => $title));
            push @out, [$title =~ /^POISON/ ? 'poison' : 'good', $r->status, $r->json && $r->json->{number}];
        }
        return \@out;
    });
    my @flat = map { @$_ } @mixed;
    my @good = grep { $_->[0] eq 'good' } @flat;
    my @bad = grep { $_->[0] eq 'poison' } @flat;
    ok !(grep { $_->[1] != 201 } @good), 'the good creates among failing ones: all 201';
    ok !(grep { $_->[1] == 201 || $_->[1] < 400 } @bad), 'the poisoned creates: refused';
    is db_value('SELECT count(*) FROM tickets WHERE title LIKE ?', "$poison%"), 0, '... and stored nothing';
    my @s = sort { $a <=> $b } map { $_->[2] =~ /-(\d{6})$/ ? $1 + 0 : () } grep { $_->[1] == 201 } @good;
    my %seen;
    is scalar(grep { !$seen{$_}++ } @s), scalar(@good), 'the good creates got distinct numbers';
    ok @s && $s[0] > $before, '... all drawn after the batch before';
    ok db_value('SELECT pd_ticket_seq_last(?)', $year) >= $s[-1], "... and the year's sequence is past them";
}
drop_poison();
undef $fn;

# ---- parallel conditional updates ----------------------------------------------

{
    my $t = create_ticket('cust_a', title => tag('Balapan'))->json;
    my $etag = api('expert', GET => "/api/tickets/$t->{id}")->header('ETag');
    my $version = db_value('SELECT version FROM tickets WHERE id = ?', $t->{id});
    my @r = parallel($CLIENTS, sub {
        my ($i) = @_;
        my $r = api('expert', PATCH => "/api/tickets/$t->{id}", json => { title => "Pemenang $i" },
            headers => { 'If-Match' => $etag });
        return [$r->status, $r->json && $r->json->{error} ? $r->json->{error}{code} : undef];
    });
    my @won = grep { $r[$_][0] == 200 } 0 .. $#r;
    is scalar(@won), 1, 'same ETag from every client: exactly one write succeeds';
    my @lost = grep { $_->[0] == 412 && ($_->[1] // '') eq 'precondition_failed' } @r;
    is scalar(@lost), $CLIENTS - 1, '... all the others: 412 precondition_failed';
    my $row = (db_query('SELECT version, title FROM tickets WHERE id = ?', $t->{id}))[0];
    is $row->{version}, $version + 1, '... one version step';
    is $row->{title}, 'Pemenang ' . ($won[0] // -1), "... the winner's title";
    is db_value(q{SELECT count(*) FROM ticket_activities WHERE ticket_id = ? AND field = 'title'}, $t->{id}), 1,
        '... one timeline row';
}

# without If-Match every write goes through, one after the other
{
    my $t = create_ticket('cust_a', title => tag('Antre'))->json;
    my $version = db_value('SELECT version FROM tickets WHERE id = ?', $t->{id});
    my @r = parallel($CLIENTS, sub {
        my ($i) = @_;
        return api('expert', PATCH => "/api/tickets/$t->{id}", json => { title => "Judul antre $i" })->status;
    });
    is_deeply \@r, [(200) x $CLIENTS], 'unconditional writes: all 200';
    is db_value('SELECT version FROM tickets WHERE id = ?', $t->{id}), $version + $CLIENTS, '... each one applied';
    is db_value(q{SELECT count(*) FROM ticket_activities WHERE ticket_id = ? AND field = 'title'}, $t->{id}), $CLIENTS,
        '... each on the timeline';
}

done_testing;
