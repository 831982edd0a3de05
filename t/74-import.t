#!/usr/bin/perl
# POST /api/imports, format "tickets": who may import; the envelope and its
# limits; every field of a ticket and of its events checked as the API
# checks them, and the database's checks (references, conflicts, times);
# a dry run writes nothing; an import keeps numbers, times and the
# timeline, notifies nobody, advances the number sequences and leaves the
# dashboard, reports and service level figures exact; running it again
# creates nothing.
use strict;
use warnings;
use lib "$ENV{PD_ROOT}/t/lib";
use Test::More;
use POSIX ();
use PD::Test;
use PD::Fixtures;

my $seed = new_ticket('cust_a');
my ($PREFIX) = $seed->{number} =~ /^([A-Z0-9]+)-/;
my $YEAR = db_value(q{SELECT extract(year FROM now() AT TIME ZONE 'Asia/Jakarta')::int});
our $SOURCE = 'legacy-' . $$;

# A valid legacy ticket, closed after a reply, a note, an assignment and
# two status changes; %f overrides members (undef deletes one).
sub legacy {
    my (%f) = @_;
    my %t = (
        source_id   => 'K-1',
        created_at  => '2024-03-04T08:00:00+07:00',
        pharmacy    => 'APT-A',
        module      => 'Penjualan',
        category    => 'Bug Sistem',
        priority    => 'high',
        status      => 'closed',
        title       => 'Printer struk macet',
        description => "Struk tidak keluar.\nSudah dicoba restart.",
        pic_name    => 'Budi',
        contact     => '0812-1111-2222',
        app_version => '4.1.0',
        created_by  => 'cust_a',
        customer    => 'cust_a',
        expert      => 'expert',
        tech        => 'tech',
        events      => [
            { kind => 'comment', at => '2024-03-04T09:00:00+07:00', author => 'expert', body => 'Kami cek printernya dulu.' },
            { kind => 'note', at => '2024-03-04T09:05:00+07:00', author => 'expert', body => 'Driver lama, kemungkinan.' },
            { kind => 'assignment', at => '2024-03-04T09:10:00+07:00', author => 'expert', role => 'tech', to => 'tech' },
            { kind => 'status', at => '2024-03-04T09:10:00+07:00', author => 'expert', status => 'in_progress' },
            { kind => 'status', at => '2024-03-05T10:00:00+07:00', author => 'tech', status => 'solved' },
            { kind => 'comment', at => '2024-03-05T10:01:00+07:00', author => 'cust_a', body => 'Sudah normal, terima kasih.' },
            { kind => 'status', at => '2024-03-06T10:00:00+07:00', author => 'cust_a', status => 'closed' },
        ],
        %f,
    );
    delete @t{ grep { !defined $t{$_} } keys %t };
    return \%t;
}

sub import_batch {
    my ($user, $tickets, %opt) = @_;
    return api($user, POST => '/api/imports',
               json => { format => 'tickets', source => $SOURCE, tickets => $tickets, %opt });
}

# What an import would change (the background work's queues come and go
# on their own: what they hold is checked where it matters; its timeline
# entries, the system's, land on other tests' tickets at any moment and are
# left out of the count).
sub footprint {
    return join ',', map { db_value($_) } (
        'SELECT count(*) FROM tickets', 'SELECT count(*) FROM ticket_activities WHERE user_id IS NOT NULL',
        'SELECT count(*) FROM ticket_imports', 'SELECT count(*) FROM ticket_search',
        q{SELECT string_agg(pd_ticket_seq_last(y)::text, '/') FROM generate_series(2019, 2026) y});
}

# ---- who may import --------------------------------------------------------------------

for my $user (qw(expert tech manager cust_a)) {
    is_error import_batch($user, [legacy()], dry_run => JSON::true), 403, 'forbidden', undef, "$user may not import";
}
is api(undef, POST => '/api/imports', json => { format => 'tickets' })->status, 401, 'without a token: 401';
is import_batch('admin', [legacy()], dry_run => JSON::true)->status, 200, 'an admin may';

# ---- the envelope --------------------------------------------------------------------

is_error api('admin', POST => '/api/imports', body => '{"format":', content_type => 'application/json'),
    400, 'bad_json', undef, 'a body that is not JSON';
is_error api('admin', POST => '/api/imports', body => 'format=tickets', content_type => 'text/plain'),
    415, 'unsupported_media_type', undef, 'a body that is not JSON by its type';
is_error api('admin', POST => '/api/imports', json => { format => 'spreadsheet', source => 'x', tickets => [] }),
    422, 'unknown_format', undef, 'an unknown format';
is_error api('admin', POST => '/api/imports', json => { source => 'x', tickets => [legacy()] }),
    422, 'validation_failed', undef, 'no format';
is_error api('admin', POST => '/api/imports', json => { format => 'tickets', tickets => [legacy()] }),
    422, 'validation_failed', undef, 'no source';
is_error api('admin', POST => '/api/imports', json => { format => 'tickets', source => 'x' x 101, tickets => [legacy()] }),
    422, 'validation_failed', undef, 'a source too long';
is_error import_batch('admin', [legacy()], dry_run => 'yes'), 422, 'validation_failed', undef, 'dry_run not a boolean';
is_error import_batch('admin', [legacy()], extra => 1), 422, 'unknown_field', undef, 'an unknown member';
is_error import_batch('admin', []), 422, 'validation_failed', undef, 'no tickets';
is_error import_batch('admin', {}), 422, 'validation_failed', undef, 'tickets not an array';
is_error import_batch('admin', [ map { {} } 1 .. 5001 ]), 413, 'payload_too_large', undef, 'more tickets than a batch holds';
is_error import_batch('admin', [legacy(events => [ map { { kind => 'note', at => '2024-03-04T09:00:00Z', body => 'x' } } 1 .. 1001 ])]),
    413, 'payload_too_large', undef, 'more events than a ticket holds';
is_error import_batch('admin', [ map { legacy(source_id => "E$_", events => [ map { { kind => 'note' } } 1 .. 1000 ]) } 1 .. 51 ]),
    413, 'payload_too_large', undef, 'more events than a batch holds';
{
    my $big = '{"format":"tickets","source":"x","tickets":[' . ('"' . ('x' x 1000) . '",') x 17000 . '1]}';
    is_error api('admin', POST => '/api/imports', body => $big, content_type => 'application/json'),
        413, 'payload_too_large', undef, 'a body over 16 MiB';
}

# ---- every field, checked as the API checks it -----------------------------------------

my $before = footprint();

# [what, overrides, the problem's field, its code]
my @invalid = (
    ['no source id',              { source_id => undef },                       'source_id', 'validation_failed'],
    ['a source id too long',      { source_id => 'x' x 201 },                   'source_id', 'validation_failed'],
    ['an unknown member',         { colour => 'red' },                          'colour', 'unknown_field'],
    ['a number with a space',     { number => 'TKT 1' },                        'number', 'validation_failed'],
    ['a number too long',         { number => 'N' x 65 },                       'number', 'validation_failed'],
    ['no created_at',             { created_at => undef },                      'created_at', 'validation_failed'],
    ['a date without a time',     { created_at => '2024-03-04' },               'created_at', 'validation_failed'],
    ['a time without an offset',  { created_at => '2024-03-04T08:00:00' },      'created_at', 'validation_failed'],
    ['no such day',               { created_at => '2024-02-30T08:00:00Z' },     'created_at', 'validation_failed'],
    ['updated_at not a time',     { updated_at => 'yesterday' },                'updated_at', 'validation_failed'],
    ['solved_at not a string',    { solved_at => 12 },                          'solved_at', 'validation_failed'],
    ['closed_at not a time',      { closed_at => '2024-13-01T00:00:00Z' },      'closed_at', 'validation_failed'],
    ['no pharmacy',               { pharmacy => undef },                        'pharmacy', 'validation_failed'],
    ['a pharmacy not a code',     { pharmacy => 'apt a' },                      'pharmacy', 'validation_failed'],
    ['module and module_id',      { module_id => 1 },                           'module', 'validation_failed'],
    ['no category',               { category => undef },                        'category', 'validation_failed'],
    ['a category id not an id',   { category => undef, category_id => -3 },     'category_id', 'validation_failed'],
    ['a module name too long',    { module => 'm' x 101 },                      'module', 'validation_failed'],
    ['an unknown priority',       { priority => 'critical' },                   'priority', 'validation_failed'],
    ['the legacy status word',    { status => 'Resolved' },                     'status', 'validation_failed'],
    ['no title',                  { title => undef },                           'title', 'validation_failed'],
    ['an empty title',            { title => '   ' },                           'title', 'validation_failed'],
    ['a title too long',          { title => 't' x 201 },                       'title', 'validation_failed'],
    ['a title with a newline',    { title => "a\nb" },                          'title', 'validation_failed'],
    ['a description too long',    { description => 'd' x 20001 },               'description', 'validation_failed'],
    ['no pic_name',               { pic_name => undef },                        'pic_name', 'validation_failed'],
    ['a contact with a control',  { contact => "08\x{07}12" },                  'contact', 'validation_failed'],
    ['an app version too long',   { app_version => 'v' x 51 },                  'app_version', 'validation_failed'],
    ['a creator not a username',  { created_by => 'budi santoso' },             'created_by', 'validation_failed'],
    ['a tech not a string',       { tech => 7 },                                'tech', 'validation_failed'],
    ['events not an array',       { events => 'none' },                         'events', 'validation_failed'],
    ['an event not an object',    { events => ['comment'] },                    'events[0].', 'validation_failed'],
    ['an unknown kind',           { events => [{ kind => 'call', at => '2024-03-04T09:00:00Z' }] }, 'events[0].kind', 'validation_failed'],
    ['an event without a time',   { events => [{ kind => 'note', body => 'x' }] },                  'events[0].at', 'validation_failed'],
    ['a comment without a body',  { events => [{ kind => 'comment', at => '2024-03-04T09:00:00Z' }] }, 'events[0].body', 'validation_failed'],
    ['a note too long',           { events => [{ kind => 'note', at => '2024-03-04T09:00:00Z', body => 'n' x 20001 }] }, 'events[0].body', 'validation_failed'],
    ['a status event without one', { events => [{ kind => 'status', at => '2024-03-04T09:00:00Z' }] }, 'events[0].status', 'validation_failed'],
    ['an unknown status',         { events => [{ kind => 'status', at => '2024-03-04T09:00:00Z', status => 'done' }] }, 'events[0].status', 'validation_failed'],
    ['a body on a status change', { events => [{ kind => 'status', at => '2024-03-04T09:00:00Z', status => 'solved', body => 'x' }] }, 'events[0].body', 'unknown_field'],
    ['an assignment without a role', { events => [{ kind => 'assignment', at => '2024-03-04T09:00:00Z', to => 'tech' }] }, 'events[0].role', 'validation_failed'],
    ['an assignment to a boss',   { events => [{ kind => 'assignment', at => '2024-03-04T09:00:00Z', role => 'boss', to => 'tech' }] }, 'events[0].role', 'validation_failed'],
    ['an assignment without to',  { events => [{ kind => 'assignment', at => '2024-03-04T09:00:00Z', role => 'tech' }] }, 'events[0].to', 'validation_failed'],
    ['an author not a username',  { events => [{ kind => 'note', at => '2024-03-04T09:00:00Z', author => 'a:b', body => 'x' }] }, 'events[0].author', 'validation_failed'],
    # what only the database can tell
    ['an unknown pharmacy',       { pharmacy => 'APT-NOPE' },                   'pharmacy', 'unknown_reference'],
    ['an inactive module',        { module => 'Modul Lama' },                   'module', 'unknown_reference'],
    ['an unknown category id',    { category => undef, category_id => 999999 }, 'category', 'unknown_reference'],
    ['an unknown creator',        { created_by => 'nobody_here' },              'created_by', 'unknown_reference'],
    ["another pharmacy's customer", { customer => 'cust_b' },                   'customer', 'unknown_reference'],
    ['a tech as the expert',      { expert => 'tech' },                         'expert', 'unknown_reference'],
    ['an inactive tech',          { tech => 'inactive' },                       'tech', 'unknown_reference'],
    ['an unknown author',         { events => [{ kind => 'note', at => '2024-03-04T09:00:00Z', author => 'ghost', body => 'x' }] }, 'events[0].author', 'unknown_reference'],
    ['an assignment to a customer', { events => [{ kind => 'assignment', at => '2024-03-04T09:00:00Z', role => 'tech', to => 'cust_a' }] }, 'events[0].to', 'unknown_reference'],
    ['an event before the ticket', { events => [{ kind => 'note', at => '2024-03-01T09:00:00Z', body => 'x' }] }, 'events[0].at', 'validation_failed'],
    ['created in the future',     { created_at => '2099-01-01T00:00:00Z', events => [] }, 'created_at', 'validation_failed'],
    ['updated before created',    { updated_at => '2024-03-01T00:00:00Z' },     'updated_at', 'validation_failed'],
    ['closed before created',     { closed_at => '2024-03-01T00:00:00Z' },      'closed_at', 'validation_failed'],
    ["another ticket's number",   { number => $seed->{number} },                'number', 'conflict'],
);
for my $case (@invalid) {
    my ($what, $over, $field, $code) = @$case;
    for my $dry (JSON::true, JSON::false) {
        my $r = import_batch('admin', [legacy(source_id => 'OK-1'), legacy(%$over)], dry_run => $dry);
        my $report = $dry ? $r->json : ((($r->json // {})->{error} // {})->{report} // {});
        my @p = grep { $_->{index} == 1 } @{ ($report // {})->{problems} // [] };
        my $tag = $dry ? 'dry run' : 'import';
        is $r->status, $dry ? 200 : 422, "$what ($tag): " . ($dry ? 'reported' : 'refused');
        ok((grep { ($_->{field} // '') eq $field && $_->{code} eq $code } @p), "$what ($tag): $field, $code")
            or diag explain $r->json;
        ok !(grep { $_->{index} == 0 } @{ ($report // {})->{problems} // [] }), "$what ($tag): the good row has no problem";
        is $report->{would_create} // 0, 0, "$what ($tag): nothing would be created" if $dry;
    }
}
{
    my $r = import_batch('admin', [legacy(number => 'DUP-1'), legacy(source_id => 'K-2', number => 'DUP-1')], dry_run => JSON::true);
    ok((grep { $_->{field} eq 'number' && $_->{code} eq 'conflict' } @{ $r->json->{problems} }), 'a number twice in a batch');
    $r = import_batch('admin', [legacy(), legacy()], dry_run => JSON::true);
    is scalar(grep { $_->{field} eq 'source_id' && $_->{code} eq 'conflict' } @{ $r->json->{problems} }), 2,
        'a source id twice in a batch, both rows';
    $r = import_batch('admin', [legacy(title => '', pic_name => '', priority => 'x')], dry_run => JSON::true);
    is scalar(@{ $r->json->{problems} }), 3, 'every problem of a row at once';
    is $r->json->{problems}[0]{source_id}, 'K-1', 'a problem names the row by its source id';
}
is footprint(), $before, 'refused batches and dry runs wrote nothing, drew no number, notified nobody';

# ---- a dry run -------------------------------------------------------------------------

my $own_number = sprintf '%s-%d-%06d', $PREFIX, $YEAR, 900000;
my @batch = (
    legacy(number => 'TKT202403040001'),
    legacy(source_id => 'K-2', number => $own_number, status => 'in_progress', priority => 'low',
           created_at => "${YEAR}-01-02T08:00:00+07:00", customer => undef, tech => undef,
           events => [{ kind => 'comment', at => "${YEAR}-01-02T09:00:00+07:00", author => 'expert', body => 'Kunjungan teknisi dijadwalkan.' },
                      { kind => 'status', at => "${YEAR}-01-02T09:30:00+07:00", author => 'expert', status => 'in_progress' }]),
    legacy(source_id => 'K-3', number => "$PREFIX-2019-000050", status => 'open', module_id => module_id('Penjualan'),
           module => undef, created_at => '2019-05-01T10:00:00Z', events => [], tech => undef, expert => undef),
    # a legacy "Closed" ticket with no history of its moves, and no number
    legacy(source_id => 'K-4', number => undef, created_at => '2023-07-01T01:00:00Z',
           closed_at => '2023-07-03T01:00:00Z', events => [], created_by => undef),
);
my $dry = import_batch('admin', \@batch, dry_run => JSON::true);
is $dry->status, 200, 'a dry run';
is $dry->json->{would_create}, 4, 'it says what would be created';
is $dry->json->{already_imported}, 0, 'and that nothing was imported before';
is_deeply $dry->json->{problems}, [], 'with no problem';
is $dry->json->{dry_run}, JSON::true, 'it says it was a dry run';
is footprint(), $before, 'and it wrote nothing';

# ---- the import ------------------------------------------------------------------------

my $r = import_batch('admin', \@batch);
is $r->status, 201, 'the import';
is $r->json->{created}, 4, 'four tickets created';
my %id = map { $_->{source_id} => $_->{id} } @{ $r->json->{tickets} };
is scalar(keys %id), 4, 'each named by its source id';
my %number = map { $_->{source_id} => $_->{number} } @{ $r->json->{tickets} };
is $number{'K-1'}, 'TKT202403040001', 'the original number kept';
like $number{'K-4'}, qr/^\Q$PREFIX\E-2023-\d{6}$/, 'a ticket without a number gets one of its creation year';

my $k1 = api('admin', GET => "/api/tickets/$id{'K-1'}")->json;
is db_value('SELECT created_at = ?::timestamptz FROM tickets WHERE id = ?', '2024-03-04T08:00:00+07:00', $id{'K-1'}), 1,
    'the original creation time kept';
is $k1->{status}, 'closed', 'its status';
is $k1->{priority}, 'high', 'its priority';
is db_value('SELECT solved_at = ?::timestamptz FROM tickets WHERE id = ?', '2024-03-05T10:00:00+07:00', $id{'K-1'}), 1,
    'solved when its history says';
is db_value('SELECT closed_at = ?::timestamptz FROM tickets WHERE id = ?', '2024-03-06T10:00:00+07:00', $id{'K-1'}), 1,
    'closed when its history says';
is db_value('SELECT first_response_at = ?::timestamptz FROM tickets WHERE id = ?', '2024-03-04T09:00:00+07:00', $id{'K-1'}), 1,
    'first answered by the first reply of the staff';
is db_value(q{SELECT string_agg(kind || ':' || coalesce(old_value, '-') || '>' || coalesce(new_value, '-') || ':' || visibility, ' ' ORDER BY seq)
              FROM ticket_activities WHERE ticket_id = ?}, $id{'K-1'}),
   join(' ', 'created:->open:public', 'comment:->-:public', 'note:->-:internal', 'assigned:->' . user_id('tech') . ':public',
        'status_changed:open>in_progress:public', 'status_changed:in_progress>solved:public', 'comment:->-:public',
        'status_changed:solved>closed:public'),
   'the timeline in order, each entry as the API writes it';
is db_value(q{SELECT string_agg(coalesce(public_seq::text, '-'), ',' ORDER BY seq) FROM ticket_activities WHERE ticket_id = ?}, $id{'K-1'}),
   '1,2,-,3,4,5,6,7', 'numbered for staff and for customers';
{
    my $seen = api('cust_a', GET => "/api/tickets/$id{'K-1'}/activities");
    is $seen->status, 200, 'the customer reads the imported timeline';
    ok !(grep { ($_->{visibility} // '') eq 'internal' } @{ $seen->json->{items} }), 'without the internal note';
}
is db_value(q{SELECT string_agg(kind || ':' || coalesce(old_value, '-') || '>' || coalesce(new_value, '-'), ' ' ORDER BY seq)
              FROM ticket_activities WHERE ticket_id = ?}, $id{'K-4'}),
   'created:->open status_changed:open>closed', 'a closed ticket without history is moved to its status by the system';
is db_value('SELECT user_id IS NULL AND created_at = ?::timestamptz FROM ticket_activities WHERE ticket_id = ? AND seq = 2',
            '2023-07-03T01:00:00Z', $id{'K-4'}), 1, 'when it was closed';
is db_value('SELECT source FROM tickets WHERE id = ?', $id{'K-1'}), 'customer', 'opened by a customer';
is db_value('SELECT source FROM tickets WHERE id = ?', $id{'K-4'}), 'internal', 'opened by nobody known: internal';

# no notification of history
is db_value('SELECT count(*) FROM notify_outbox WHERE ticket_id = ANY(?)', [values %id]), 0, 'no outbox row for imported history';
sleep 2;
is db_value('SELECT count(*) FROM notify_deliveries WHERE ticket_id = ANY(?)', [values %id]), 0, 'nobody notified of it';

# the number sequences
cmp_ok db_value('SELECT pd_ticket_seq_last(?)', $YEAR), '>=', 900000, "this year's sequence is past an imported number of ours";
cmp_ok db_value('SELECT pd_ticket_seq_last(2019)'), '>=', 50, "an earlier year's too";
{
    my $next = new_ticket('cust_a');
    my ($seq) = $next->{number} =~ /-(\d+)$/;
    cmp_ok $seq, '>', 900000, 'the next ticket is numbered after it';
}

# service levels: outside them
is_deeply [map { {%$_} } db_query(q{SELECT sla_due_at, first_response_target, resolution_target, sla_met, sla_check_at, first_response_left
                     FROM tickets WHERE id = ?}, $id{'K-1'})],
    [{ sla_due_at => undef, first_response_target => undef, resolution_target => undef, sla_met => 0,
       sla_check_at => undef, first_response_left => undef }], 'an imported closed ticket has no targets, met or breached';
is db_value('SELECT count(*) FROM tickets WHERE id = ANY(?) AND sla_due_at IS NOT NULL', [values %id]), 0,
    'no imported ticket is ever due';

# search finds replies and notes
{
    my $found = api('admin', GET => '/api/tickets', query => { q => 'Kunjungan' });
    ok((grep { $_->{id} == $id{'K-2'} } @{ $found->json->{items} }), 'an imported reply is searchable');
    $found = api('expert', GET => '/api/tickets', query => { q => 'Driver' });
    ok((grep { $_->{id} == $id{'K-1'} } @{ $found->json->{items} }), 'an imported note is, for staff');
    $found = api('cust_a', GET => '/api/tickets', query => { q => 'Driver' });
    ok(!(grep { $_->{id} == $id{'K-1'} } @{ $found->json->{items} }), 'not for the customer');
}

# an imported open ticket is worked like any other, and notifies again
{
    my $p = api('admin', PATCH => "/api/tickets/$id{'K-3'}", json => { tech_id => user_id('tech'), note => 'Cek printer di lokasi.' });
    is $p->status, 200, 'an imported open ticket given to a tech' or diag $p->body;
    is $p->json->{status}, 'in_progress', 'and started';
    ok wait_until(sub { db_value('SELECT count(*) FROM notify_deliveries WHERE ticket_id = ?', $id{'K-3'})
                        + db_value('SELECT count(*) FROM notify_outbox WHERE ticket_id = ?', $id{'K-3'}) > 0 }, 20),
        'which notifies as usual';
    is db_value('SELECT sla_due_at FROM tickets WHERE id = ?', $id{'K-3'}), undef, 'still outside the service levels';
}

# ---- the counts stay exact -----------------------------------------------------------

{
    my $all = db_query('SELECT status, count(*) AS n FROM tickets GROUP BY status');
    my %want = map { $_ => 0 } STATUSES;
    $want{ $_->{status} } = $_->{n} + 0 for @$all;
    my $d = api('admin', GET => '/api/dashboard')->json;
    is $d->{total}, db_value('SELECT count(*) FROM tickets'), 'the dashboard total is a count of the tickets';
    is_deeply $d->{by_status}, \%want, 'and so is each status';
}

sub snapshot {
    my ($sql) = @_;
    return join "\n", map { join '|', map { $_ // '' } @$_ } @{ PD::Test::_dbh()->selectall_arrayref($sql) };
}
ok wait_until(sub { !db_value('SELECT count(*) FROM report_deltas') && !db_value('SELECT count(*) FROM dashboard_deltas')
                    && !db_value('SELECT count(*) FROM sla_compliance_deltas') }, 30), 'the pending counts compacted';
my %kept = (
    dashboard => snapshot('SELECT * FROM dashboard_counts WHERE n <> 0 ORDER BY 1, 2, 3, 4, 5'),
    reports => snapshot('SELECT * FROM report_counts WHERE (n, met, breached, calendar_us, business_us) <> (0, 0, 0, 0, 0) ORDER BY 1, 2, 3, 4, 5, 6, 7, 8, 9, 10'),
    sla => snapshot('SELECT * FROM sla_compliance_counts WHERE (met, breached, taken) <> (0, 0, 0) ORDER BY 1, 2, 3, 4, 5, 6, 7'),
);
ok length $kept{reports}, 'the reports count something';
db_do('SELECT pd_dashboard_rebuild()');
db_do('SELECT pd_report_rebuild()');
db_do('SELECT pd_sla_compliance_rebuild()');
wait_until(sub { !db_value('SELECT count(*) FROM report_deltas') && !db_value('SELECT count(*) FROM dashboard_deltas')
                 && !db_value('SELECT count(*) FROM sla_compliance_deltas') }, 30);
is snapshot('SELECT * FROM dashboard_counts WHERE n <> 0 ORDER BY 1, 2, 3, 4, 5'), $kept{dashboard},
    "the dashboard's counts are those of a recount";
is snapshot('SELECT * FROM report_counts WHERE (n, met, breached, calendar_us, business_us) <> (0, 0, 0, 0, 0) ORDER BY 1, 2, 3, 4, 5, 6, 7, 8, 9, 10'),
    $kept{reports}, "the reports' counts are those of a recount";
is snapshot('SELECT * FROM sla_compliance_counts WHERE (met, breached, taken) <> (0, 0, 0) ORDER BY 1, 2, 3, 4, 5, 6, 7'),
    $kept{sla}, 'the service level figures are those of a recount';

# ---- two imports at the same time ---------------------------------------------------

# Another writer holds a ticket with the batch's number, uncommitted: the
# batch waits for it, then finds the number taken, writes nothing and says
# to run it again.
{
    my $dbh = PD::Test::_dbh();
    $dbh->begin_work;
    $dbh->do(q{INSERT INTO tickets (number, pharmacy_id, pic_name, contact, module_id, category_id, title, description, source)
               SELECT 'RACE-1', p.id, 'x', 'x', m.id, c.id, 'x', 'x', 'internal'
               FROM pharmacies p, ticket_modules m, ticket_categories c
               WHERE p.code = 'APT-A' AND m.name = 'Penjualan' AND c.name = 'Bug Sistem'});
    pipe my $rd, my $wr or die "pipe: $!";
    my $pid = fork // die "fork: $!";
    if (!$pid) {
        close $rd;
        my $r = import_batch('admin', [legacy(source_id => 'RACE', number => 'RACE-1')]);
        print {$wr} $JSON->encode({ status => $r->status, json => $r->json });
        close $wr;
        POSIX::_exit(0);
    }
    close $wr;
    ok wait_until(sub { db_value(q{SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock'}) > 0 }, 20),
        'a batch with the number waits for the other writer';
    $dbh->commit;
    my $got = $JSON->decode(do { local $/; <$rd> });
    waitpid $pid, 0;
    is $got->{status}, 422, 'then finds the number taken and writes nothing';
    like $got->{json}{error}{report}{problems}[0]{message}, qr/at the same time.*run it again/, 'and says to run it again';
    is db_value(q{SELECT count(*) FROM ticket_imports WHERE source = ? AND source_id = 'RACE'}, $SOURCE), 0, 'nothing of it is written';
    db_do(q{DELETE FROM tickets WHERE number = 'RACE-1'});
}

# ---- running it again --------------------------------------------------------------------

my $after = footprint();
my $again = import_batch('admin', \@batch);
is $again->status, 200, 'the same batch again';
is $again->json->{created}, 0, 'creates nothing';
is $again->json->{already_imported}, 4, 'and says each was imported before';
is footprint(), $after, 'and writes nothing';
$again = import_batch('admin', [@batch, legacy(source_id => 'K-5', number => 'TKT202403040005')], dry_run => JSON::true);
is $again->json->{would_create}, 1, 'a batch that grew: only the new row would be created';
is $again->json->{already_imported}, 4, 'the others are known';
is import_batch('admin', [legacy(source_id => 'K-5', number => 'TKT202403040005')])->status, 201, 'and is imported';
{
    local $SOURCE = 'another-helpdesk';
    my $other = import_batch('admin', [legacy(number => 'TKT-OTHER-1')], dry_run => JSON::true);
    is $other->json->{would_create}, 1, 'the same source id from another source is another ticket';
}

done_testing;
