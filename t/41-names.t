#!/usr/bin/perl
# Names beside ids in tickets come from a per-process cache that is exact:
# after a rename through the API, the very next read in every Apache process
# shows the new name (the name version, migration 0007).
use strict;
use warnings;
use utf8;
use lib "$ENV{PD_ROOT}/t/lib";
use Test::More;
use PD::Test;
use PD::Fixtures;

my $tag = tag('Nama');
my $pharmacy = pharmacy_id('APT-B');
my $cust = user_id('cust_b');
my $t = api('expert', POST => '/api/tickets', json => ticket_body('expert',
    pharmacy_id => $pharmacy, customer_id => $cust, title => $tag))->json;
ok $t && $t->{id}, 'a ticket of APT-B for cust_b';
my $id = $t->{id};
my $module = $t->{module}{id};
my $category = $t->{category}{id};

my %before = (
    pharmacy => db_value('SELECT name FROM pharmacies WHERE id = ?', $pharmacy),
    module   => db_value('SELECT name FROM ticket_modules WHERE id = ?', $module),
    category => db_value('SELECT name FROM ticket_categories WHERE id = ?', $category),
    color    => db_value('SELECT color FROM ticket_categories WHERE id = ?', $category),
    customer => db_value('SELECT name FROM users WHERE id = ?', $cust),
);
END {
    # leave the fixtures as the other files know them
    db_do('UPDATE pharmacies SET name = ? WHERE id = ?', $before{pharmacy}, $pharmacy) if $before{pharmacy};
    db_do('UPDATE ticket_modules SET name = ? WHERE id = ?', $before{module}, $module) if $before{module};
    db_do('UPDATE ticket_categories SET name = ?, color = ? WHERE id = ?', $before{category},
          $before{color}, $category) if $before{category};
    db_do('UPDATE users SET name = ? WHERE id = ?', $before{customer}, $cust) if $before{customer};
}

# many requests, so that every process and thread has the names cached
for (1 .. 40) {
    api('expert', GET => "/api/tickets/$id");
    api('cust_b', GET => '/api/tickets', query => { limit => 5 });
}
my $r = api('expert', GET => "/api/tickets/$id");
is $r->json->{pharmacy}{name}, $before{pharmacy}, 'before: the pharmacy name';
is $r->json->{customer}{name}, $before{customer}, 'before: the customer name';

# a user unknown to a process's cache (created after it filled) is found too
my $u = api('admin', POST => '/api/users', json => { username => lc($tag) =~ s/[^a-z0-9]/_/gr,
    name => "Baru $tag", role => 'customer', pharmacy_id => $pharmacy })->json;
my $t2 = api('expert', POST => '/api/tickets', json => ticket_body('expert',
    pharmacy_id => $pharmacy, customer_id => $u->{id}, title => "$tag 2"))->json;
is $t2->{customer}{name}, "Baru $tag", 'a new customer is named on the ticket at once';

my $version = db_value('SELECT version FROM name_version');
is api('admin', PATCH => "/api/pharmacies/$pharmacy", json => { name => "Apotek $tag" })->status, 200,
    'an admin renames the pharmacy';
is api('admin', PATCH => "/api/ticket-modules/$module", json => { name => "Modul $tag" })->status, 200,
    '... the module';
is api('admin', PATCH => "/api/ticket-categories/$category",
       json => { name => "Kategori $tag", color => '#010203' })->status, 200, '... the category and its color';
is api('admin', PATCH => "/api/users/$cust", json => { name => "Pelanggan $tag" })->status, 200,
    '... and the customer';
ok db_value('SELECT version FROM name_version') > $version, 'the name version moved';

my ($stale_get, $stale_list) = (0, 0);
for (1 .. 40) {
    my $g = api('expert', GET => "/api/tickets/$id")->json;
    $stale_get++ unless $g->{pharmacy}{name} eq "Apotek $tag" && $g->{module}{name} eq "Modul $tag"
        && $g->{category}{name} eq "Kategori $tag" && $g->{category}{color} eq '#010203'
        && $g->{customer}{name} eq "Pelanggan $tag";
    my $l = api('cust_b', GET => '/api/tickets', query => { limit => 5 })->json;
    my ($mine) = grep { $_->{id} == $id } @{ $l->{items} };
    $stale_list++ unless $mine && $mine->{pharmacy}{name} eq "Apotek $tag"
        && $mine->{customer}{name} eq "Pelanggan $tag";
}
is $stale_get, 0, 'every ticket read after the renames shows the new names';
is $stale_list, 0, 'every list after the renames shows them too';

# a change that is not a rename does not empty the caches
$version = db_value('SELECT version FROM name_version');
is api('admin', PATCH => "/api/users/$cust", json => { email => 'b@test.example.org' })->status, 200,
    'changing an e-mail address';
is db_value('SELECT version FROM name_version'), $version, '... leaves the name version alone';

done_testing;
