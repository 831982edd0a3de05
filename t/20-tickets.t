#!/usr/bin/perl
# Tickets as data: creation by each role, reading one, the list with every
# filter and sort, keyset paging, and deletion. The list tests run over a
# pharmacy this file creates, so tickets of other test files never get in
# the way.
use strict;
use warnings;
use lib "$ENV{PD_ROOT}/t/lib";
use Test::More;
use PD::Test;
use PD::Fixtures;

my $NUMBER = qr/^PD-\d{4}-\d{6}$/;

# ---- a pharmacy and a customer of our own --------------------------------

my $code = 'T20-' . $$;
my $ph = api('admin', POST => '/api/pharmacies', json => { code => $code, name => "Apotek Uji $$" });
is $ph->status, 201, 'a pharmacy for this file' or BAIL_OUT('cannot create a pharmacy: ' . $ph->body);
my $P = $ph->json->{id};

my $cust = 'c20_' . $$;
my $cu = api('admin', POST => '/api/users',
    json => { username => $cust, subject => $cust, name => "Pelanggan $$", role => 'customer',
              pharmacy_id => $P });
is $cu->status, 201, 'a customer of that pharmacy' or BAIL_OUT('cannot create a user: ' . $cu->body);
my $CUST = $cu->json->{id};

# ---- create --------------------------------------------------------------

{
    my $title = tag('Printer');
    my $r = create_ticket('cust_a', title => $title, priority => undef, app_version => undef);
    is $r->status, 201, 'a customer creates: 201';
    my $t = $r->json // {};
    like $t->{number} // '', $NUMBER, '... numbered PREFIX-YEAR-NNNNNN';
    is $r->header('Location'), "/api/tickets/$t->{id}", '... Location names the ticket';
    ok length($r->header('ETag') // ''), '... with an ETag';
    is $t->{status}, 'open', '... status open';
    is $t->{source}, 'customer', '... source customer';
    is $t->{priority}, 'medium', '... priority defaults to medium';
    is $t->{app_version}, '', '... app_version defaults to empty';
    is $t->{title}, $title, '... title as sent';
    is_deeply [@{ $t->{pharmacy} // {} }{qw(id code)}], [pharmacy_id('APT-A'), 'APT-A'], '... for their own pharmacy';
    is $t->{customer} && $t->{customer}{id}, user_id('cust_a'), '... the caller is the customer';
    is $t->{created_by} && $t->{created_by}{id}, user_id('cust_a'), '... and the creator';
    ok !defined $t->{expert} && !defined $t->{tech}, '... nobody assigned yet';
    ok !defined $t->{first_response_at} && !defined $t->{solved_at} && !defined $t->{closed_at},
        '... no response, solution or closing time';
    is $t->{version}, 1, '... version 1';
    like $t->{description} // '', qr/Struk tidak keluar/, '... description included';
    my @acts = activities($t->{id});
    is scalar(@acts), 1, '... one timeline row';
    is_deeply [@{ $acts[0] // [] }[1, 2, 5]], [user_id('cust_a'), 'created', 'open'], '... "created" by the customer';

    my $g = api('cust_a', GET => "/api/tickets/$t->{id}");
    is $g->header('ETag'), $r->header('ETag'), 'GET gives the ETag the create gave';
}

{
    my $r = create_ticket('cust_a', pharmacy_id => pharmacy_id('APT-A'));
    is $r->status, 201, 'a customer naming their own pharmacy: 201';
    is_error api('cust_a', POST => '/api/tickets', json => ticket_body('cust_a', pharmacy_id => pharmacy_id('APT-B'))),
        422, 'unknown_reference', 'pharmacy_id', "a customer naming another pharmacy: 422 unknown_reference";
    is_error api('cust_a', POST => '/api/tickets', json => ticket_body('cust_a', customer_id => user_id('cust_b'))),
        422, 'unknown_reference', 'customer_id', 'a customer naming another customer: 422';
}

# staff create for APT-B: the pharmacy of this file is kept for the list tests
my $B = pharmacy_id('APT-B');
for my $case (['expert', 'team_expert'], ['tech', 'internal'], ['admin', 'internal']) {
    my ($user, $source) = @$case;
    my $r = create_ticket($user, pharmacy_id => $B);
    is $r->status, 201, "$user creates for a pharmacy: 201";
    is $r->json && $r->json->{source}, $source, "... source $source";
    is $r->json && $r->json->{pharmacy}{id}, $B, '... for the pharmacy named';
    ok $r->json && !defined $r->json->{customer}, '... no customer unless named';
    is $r->json && $r->json->{created_by}{id}, user_id($user), "... created by $user";
    is_error api($user, POST => '/api/tickets', json => ticket_body($user, pharmacy_id => undef)),
        422, 'validation_failed', 'pharmacy_id', "$user without pharmacy_id: 422";
}
is_error api('manager', POST => '/api/tickets', json => ticket_body('manager')), 403, 'forbidden', undef,
    'a manager creates nothing: 403';

{
    my $r = create_ticket('expert', pharmacy_id => $B, customer_id => user_id('cust_b'));
    is $r->status, 201, 'staff naming a customer of that pharmacy: 201';
    is $r->json && $r->json->{customer}{id}, user_id('cust_b'), '... who becomes the customer';
    is_error api('expert', POST => '/api/tickets', json => ticket_body('expert', pharmacy_id => $B,
        customer_id => user_id('cust_a'))), 422, 'unknown_reference', 'customer_id',
        'a customer of another pharmacy: 422 unknown_reference';
    is_error api('admin', POST => '/api/tickets', json => ticket_body('admin', pharmacy_id => $B,
        customer_id => user_id('tech'))), 422, 'unknown_reference', 'customer_id', 'a tech as customer: 422';
}

# ---- the list fixture ----------------------------------------------------

my %k;
my @spec = (
    [k1 => $cust,    priority => 'low',    category_id => category_id('Bug Sistem'),         module_id => module_id('Penjualan')],
    [k2 => $cust,    priority => 'high',   category_id => category_id('Error Data'),         module_id => module_id('Stok')],
    [k3 => 'expert', priority => 'urgent', category_id => category_id('Lainnya'),            module_id => module_id('Resep'), customer_id => $CUST],
    [k4 => 'tech',   priority => 'medium', category_id => category_id('Improvement Fitur'),  module_id => module_id('Laporan')],
    [k5 => 'admin',  priority => 'low',    category_id => category_id('Operasional Apotek'), module_id => module_id('Penjualan')],
    [k6 => $cust,    priority => 'medium', category_id => category_id('Bug Sistem'),         module_id => module_id('Stok')],
    [k7 => 'expert', priority => 'high',   category_id => category_id('Bug Sistem'),         module_id => module_id('Pembelian')],
    [k8 => 'admin',  priority => 'urgent', category_id => category_id('Error Data'),         module_id => module_id('Penjualan')],
);
for my $s (@spec) {
    my ($name, $user, %f) = @$s;
    my $r = create_ticket($user, ($user eq $cust ? () : (pharmacy_id => $P)), %f);
    $k{$name} = $r->json && $r->json->{id};
}
ok 8 == grep({ defined } values %k), 'eight tickets for the list';

my %st = (
    k2 => [expert  => { status => 'in_review', expert_id => user_id('expert') }],
    k3 => [expert  => { status => 'in_progress', tech_id => user_id('tech'), expert_id => user_id('expert2'),
                        note => 'Cek driver.' }],
    k4 => [admin   => { status => 'in_progress', tech_id => user_id('tech2'), note => 'Cek driver.' }],
    k5 => [admin   => { status => 'cancelled' }],
    k7 => [expert2 => { status => 'in_review', expert_id => user_id('expert2') }],
);
for my $name (sort keys %st) {
    my ($user, $body) = @{ $st{$name} };
    is api($user, PATCH => "/api/tickets/$k{$name}", json => $body)->status, 200, "$name moved to $body->{status}";
}

# Times in the installation's zone (Asia/Jakarta, +07), with ties, so that
# date filters and the id tie-break are both exercised.
my %created = (
    k1 => '2020-03-01 10:00:00+07', k2 => '2020-03-02 23:30:00+07', k3 => '2020-03-03 00:30:00+07',
    k4 => '2020-03-03 00:30:00+07', k5 => '2020-03-04 12:00:00.000001+07', k6 => '2020-03-04 12:00:00+07',
    k7 => '2020-03-04 12:00:00+07', k8 => '2020-03-05 08:00:00+07',
);
my %updated = (
    k1 => '2020-04-01 09:00:00+07', k2 => '2020-04-01 09:00:00+07', k3 => '2020-03-31 09:00:00+07',
    k4 => '2020-04-02 09:00:00.5+07', k5 => '2020-04-02 09:00:00.500001+07', k6 => '2020-03-30 09:00:00+07',
    k7 => '2020-04-01 09:00:00+07', k8 => '2020-04-03 09:00:00+07',
);
set_ticket($k{$_}, created_at => $created{$_}, updated_at => $updated{$_}) for keys %k;
my %name_of = reverse %k;

# The oracle: the fixture's rows read straight from the table.
my %row = map { $_->{id} => $_ } db_query(
    'SELECT id, status, priority, priority_rank, category_id, module_id, expert_id, tech_id, source,'
    . ' (extract(epoch FROM created_at) * 1000000)::bigint AS created_us,'
    . ' (extract(epoch FROM updated_at) * 1000000)::bigint AS updated_us'
    . ' FROM tickets WHERE pharmacy_id = ?', $P);
is scalar(keys %row), 8, 'the pharmacy holds exactly the fixture';

sub names { join ' ', sort map { $name_of{$_} // "id$_" } @_ }
sub listed {
    my ($q) = @_;
    my ($items, $resp) = all_pages('admin', '/api/tickets', { pharmacy_id => $P, limit => 3, %$q });
    my @bad = grep { $_->status != 200 } @$resp;
    diag 'HTTP ' . $bad[0]->status . ': ' . $bad[0]->body if @bad;
    return @bad ? ('error') : map { $_->{id} } @$items;
}
sub expect { my ($pred) = @_; return grep { $pred->($row{$_}) } keys %row }

my @filters = (
    [{ status => 'open' },                        sub { $_[0]{status} eq 'open' }],
    [{ status => 'in_review' },                   sub { $_[0]{status} eq 'in_review' }],
    [{ status => 'in_progress,cancelled' },       sub { $_[0]{status} =~ /^(in_progress|cancelled)$/ }],
    [{ status => 'open,in_review,in_review' },    sub { $_[0]{status} =~ /^(open|in_review)$/ }],
    [{ status => 'solved' },                      sub { 0 }],
    [{ priority => 'high' },                      sub { $_[0]{priority} eq 'high' }],
    [{ priority => 'urgent' },                    sub { $_[0]{priority} eq 'urgent' }],
    [{ category_id => category_id('Bug Sistem') }, sub { $_[0]{category_id} == category_id('Bug Sistem') }],
    [{ module_id => module_id('Penjualan') },     sub { $_[0]{module_id} == module_id('Penjualan') }],
    [{ expert_id => user_id('expert2') },         sub { ($_[0]{expert_id} // 0) == user_id('expert2') }],
    [{ expert_id => user_id('expert') },          sub { ($_[0]{expert_id} // 0) == user_id('expert') }],
    [{ tech_id => user_id('tech') },              sub { ($_[0]{tech_id} // 0) == user_id('tech') }],
    [{ tech_id => user_id('tech2'), status => 'in_progress' }, sub { ($_[0]{tech_id} // 0) == user_id('tech2') }],
    [{ source => 'customer' },                    sub { $_[0]{source} eq 'customer' }],
    [{ source => 'team_expert' },                 sub { $_[0]{source} eq 'team_expert' }],
    [{ source => 'internal' },                    sub { $_[0]{source} eq 'internal' }],
    [{ priority => 'low', source => 'customer' }, sub { $_[0]{priority} eq 'low' && $_[0]{source} eq 'customer' }],
    [{},                                          sub { 1 }],
);
for my $f (@filters) {
    my ($q, $pred) = @$f;
    my $shown = join('&', map { "$_=$q->{$_}" } sort keys %$q) || 'pharmacy_id only';
    my @want = expect($pred);
    is names(listed($q)), names(@want), "filter $shown: " . scalar(@want) . ' tickets';
}
is names(listed({ source => 'customer', category_id => category_id('Bug Sistem') })), 'k1 k6',
    'customer-sourced Bug Sistem tickets are k1 and k6';

# Dates are days in Asia/Jakarta: k2 (23:30) and k3 (00:30 the next day) are
# on the same UTC day but not on the same local one.
my @dates = (
    [{ created_from => '2020-03-02', created_to => '2020-03-02' }, 'k2'],
    [{ created_from => '2020-03-03' },                             'k3 k4 k5 k6 k7 k8'],
    [{ created_to => '2020-03-03' },                               'k1 k2 k3 k4'],
    [{ created_from => '2020-03-04', created_to => '2020-03-04' }, 'k5 k6 k7'],
    [{ created_from => '2020-03-02T23:00:00+07:00', created_to => '2020-03-03T00:45:00+07:00' }, 'k2 k3 k4'],
    [{ created_from => '2020-03-04T04:59:59Z' },                   'k5 k6 k7 k8'],
    [{ created_to => '2020-03-01T03:30:00.5Z' },                   'k1'],
    [{ created_from => '2020-03-06' },                             ''],
    [{ created_from => '2020-03-03', created_to => '2020-03-02' }, ''],
);
for my $d (@dates) {
    my ($q, $want) = @$d;
    my $shown = join '&', map { "$_=$q->{$_}" } sort keys %$q;
    is names(listed($q)), $want, "created $shown: " . ($want || 'none');
}

# ---- sorting and keyset paging -------------------------------------------

my %key = (
    created_at => sub { $row{ $_[0] }{created_us} },
    updated_at => sub { $row{ $_[0] }{updated_us} },
    priority   => sub { $row{ $_[0] }{priority_rank} },
    id         => sub { $_[0] },
);
for my $sort (qw(created_at updated_at priority id)) {
    for my $order (qw(asc desc)) {
        my ($items, $resp) = all_pages('admin', '/api/tickets',
            { pharmacy_id => $P, sort => $sort, order => $order, limit => 2 });
        my @ids = map { $_->{id} } @$items;
        my @want = sort {
            my $c = $key{$sort}->($a) <=> $key{$sort}->($b) || $a <=> $b;
            $order eq 'asc' ? $c : -$c;
        } keys %row;
        is "@ids", "@want", "sort=$sort order=$order: every ticket once, in order (key, then id)";
        is scalar(@$resp), 4, "sort=$sort order=$order: four pages of two";
        ok !(grep { @{ $_->json->{items} } > 2 } @$resp), "sort=$sort order=$order: no page over the limit";
        ok !defined $resp->[-1]->json->{next}, "sort=$sort order=$order: next is null at the end";
        my @early = grep { !defined $_->json->{next} } @$resp[0 .. $#$resp - 1];
        ok !@early, "sort=$sort order=$order: next is set on every page but the last";
    }
}
{
    my ($def) = all_pages('admin', '/api/tickets', { pharmacy_id => $P });
    my ($exp) = all_pages('admin', '/api/tickets', { pharmacy_id => $P, sort => 'created_at', order => 'desc' });
    is join(' ', map { $_->{id} } @$def), join(' ', map { $_->{id} } @$exp), 'the default is created_at desc';
    my $one = api('admin', GET => '/api/tickets', query => { pharmacy_id => $P, limit => 8 });
    ok $one->json && !defined $one->json->{next}, 'a page that holds everything has next = null';
    $one = api('admin', GET => '/api/tickets', query => { pharmacy_id => $P, limit => 7 });
    ok $one->json && defined $one->json->{next}, 'one row short: next is set';
}
{
    # a walk over a filtered list with ties on the key
    my ($items) = all_pages('admin', '/api/tickets',
        { pharmacy_id => $P, status => 'open,in_review,in_progress', sort => 'updated_at', limit => 1 });
    my @ids = map { $_->{id} } @$items;
    my %u; $u{$_}++ for @ids;
    is names(@ids), names(expect(sub { $_[0]{status} =~ /^(open|in_review|in_progress)$/ })),
        'limit=1 over a filtered list with ties: no gaps';
    ok !(grep { $_ > 1 } values %u), '... and no duplicates';
}

# ---- items ----------------------------------------------------------------

{
    my ($items) = all_pages('admin', '/api/tickets', { pharmacy_id => $P, tech_id => user_id('tech') });
    my ($it) = grep { $_->{id} == $k{k3} } @$items;
    ok $it, 'k3 is in the list';
    $it //= {};
    is_deeply $it->{pharmacy}, { id => $P, code => $code, name => "Apotek Uji $$" }, 'item: pharmacy id, code, name';
    is_deeply $it->{category}, { id => category_id('Lainnya'), name => 'Lainnya', color => '#64748b' },
        'item: category id, name, color';
    is_deeply $it->{module}, { id => module_id('Resep'), name => 'Resep', color => '#a855f7' },
        'item: module id, name, color';
    is_deeply $it->{customer}, { id => $CUST, name => "Pelanggan $$" }, 'item: customer';
    is_deeply $it->{expert}, { id => user_id('expert2'), name => 'Expert Dua' }, 'item: expert';
    is_deeply $it->{tech}, { id => user_id('tech'), name => 'Teknisi Satu' }, 'item: tech';
    is_deeply $it->{created_by}, { id => user_id('expert'), name => 'Expert Satu' }, 'item: created_by';
    is $it->{status}, 'in_progress', 'item: status';
    like $it->{number} // '', $NUMBER, 'item: number';
    my @keys = qw(id number title pic_name contact app_version priority status source version
                  created_at updated_at first_response_at solved_at closed_at);
    is_deeply [grep { !exists $it->{$_} } @keys], [], 'item: every documented member is there';
    ok !exists $it->{description}, 'item: no description in a list';
}

# ---- one ticket -----------------------------------------------------------

{
    my $id = $k{k1};
    my $r = api($cust, GET => "/api/tickets/$id");
    is $r->status, 200, 'the customer reads their ticket';
    ok length($r->json->{description} // ''), '... with its description';
    my $etag = $r->header('ETag');
    ok length($etag // ''), '... and an ETag';
    my $nm = api($cust, GET => "/api/tickets/$id", headers => { 'If-None-Match' => $etag });
    is $nm->status, 304, 'If-None-Match with the current ETag: 304';
    is $nm->body, '', '... no body';
    is $nm->header('ETag'), $etag, '... the ETag again';
    is api($cust, PATCH => "/api/tickets/$id", json => { title => tag('Judul') })->status, 200, 'a change';
    my $after = api($cust, GET => "/api/tickets/$id", headers => { 'If-None-Match' => $etag });
    is $after->status, 200, 'the old ETag no longer matches: 200';
    isnt $after->header('ETag'), $etag, '... with a new ETag';
    is_error api('cust_b', GET => "/api/tickets/$id"), 404, 'not_found', undef, "another pharmacy's customer: 404";
    is_error api('admin', GET => '/api/tickets/999999999'), 404, 'not_found', undef, 'no such ticket: 404';
}

# ---- delete ---------------------------------------------------------------

{
    my $t = create_ticket('cust_a')->json;
    api('expert', PATCH => "/api/tickets/$t->{id}", json => { status => 'in_review', note => 'lihat' });
    ok db_value('SELECT count(*) FROM ticket_activities WHERE ticket_id = ?', $t->{id}) >= 3, 'a ticket with a timeline';
    for my $user (qw(expert tech cust_a manager)) {
        is_error api($user, DELETE => "/api/tickets/$t->{id}"), 403, 'forbidden', undef, "$user may not delete: 403";
    }
    is db_value('SELECT count(*) FROM tickets WHERE id = ?', $t->{id}), 1, '... the ticket is still there';
    my $d = api('admin', DELETE => "/api/tickets/$t->{id}");
    is $d->status, 204, 'admin deletes: 204';
    is $d->body, '', '... no body';
    is_error api('admin', GET => "/api/tickets/$t->{id}"), 404, 'not_found', undef, 'then it is gone: 404';
    is db_value('SELECT count(*) FROM ticket_activities WHERE ticket_id = ?', $t->{id}), 0, '... its timeline too';
    is_error api('admin', DELETE => "/api/tickets/$t->{id}"), 404, 'not_found', undef, 'deleting again: 404';
    is_error api('admin', PATCH => "/api/tickets/$t->{id}", json => { note => 'x' }), 404, 'not_found', undef,
        'patching it: 404';
}

done_testing;
