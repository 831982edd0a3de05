#!/usr/bin/perl
# Conditional requests read the same way everywhere (RFC 9110 section 13):
# If-None-Match compares entity tags weakly ("W/" or not, the same tag
# matches), If-Match and If-Range strongly (a weak tag never matches); a
# field holds a list of tags or "*"; a value that is not a list of entity
# tags matches nothing. Checked on a ticket (read and write), a list page
# and a download.
use strict;
use warnings;
use lib "$ENV{PD_ROOT}/t/lib";
use Test::More;
use PD::Test;
use PD::Fixtures;

my $id = create_ticket('cust_a', title => tag('Kondisi'))->json->{id};
my $path = "/api/tickets/$id";
my $etag = api('cust_a', GET => $path)->header('ETag');
like $etag, qr/^"[^"]+"$/, 'a ticket has a strong ETag';
my $get = sub { api('cust_a', GET => $path, headers => { 'If-None-Match' => $_[0] })->status };

# ---- If-None-Match on a read -------------------------------------------------

is $get->($etag), 304, 'If-None-Match: the tag: 304';
is $get->("W/$etag"), 304, 'If-None-Match: its weak form: 304 (weak comparison)';
is $get->(qq{"other", $etag}), 304, 'If-None-Match: a list holding it: 304';
is $get->(qq{ "a" ,W/"b",  $etag  }), 304, '... with spaces and weak tags around it: 304';
is $get->('*'), 304, 'If-None-Match: *: 304';
is $get->('"other"'), 200, 'If-None-Match: another tag: 200';
is $get->(qq{"t$id"}), 200, '... a tag it begins with: 200';
is $get->(substr($etag, 1, -1)), 200, 'the tag without its quotes (not an entity tag): 200';
is $get->(qq{$etag, garbage}), 200, 'a list with a malformed member matches nothing: 200';
is $get->(qq{w/$etag}), 200, 'a lower-case w/ is not the weak marker: 200';

# ---- If-Match on a write -------------------------------------------------------

my $patch = sub {
    my ($if_match, $priority) = @_;
    return api('expert', PATCH => $path, json => { priority => $priority },
        headers => { 'If-Match' => $if_match });
};
my $now = sub { api('expert', GET => $path)->header('ETag') };
# a ticket's tag names the reader's role too: the expert's own
my $tag = $now->();
isnt $tag, $etag, "the expert's tag of the ticket is not the customer's";

is_error $patch->("W/$tag", 'high'), 412, 'precondition_failed', undef,
    'If-Match: the weak form of the current tag: 412 (strong comparison)';
is_error $patch->('"other"', 'high'), 412, 'precondition_failed', undef, 'If-Match: another tag: 412';
is_error $patch->('garbage', 'high'), 412, 'precondition_failed', undef, 'If-Match: not an entity tag: 412';
is $now->(), $tag, '... none of them changed the ticket';
is_error $patch->($etag, 'high'), 412, 'precondition_failed', undef,
    "If-Match: the customer's tag on the expert's write: 412";
my $r = $patch->(qq{"other", $tag}, 'high');
is $r->status, 200, 'If-Match: a list holding the current tag: 200';
isnt $r->header('ETag'), $tag, '... and the ticket has a new tag';
is $patch->('*', 'low')->status, 200, 'If-Match: * (the ticket exists): 200';
is_error api('expert', PATCH => $path, json => { priority => 'urgent' }, headers => { 'If-None-Match' => '*' }),
    412, 'precondition_failed', undef, 'If-None-Match: * on a write to an existing ticket: 412';
is_error api('expert', PATCH => $path, json => { priority => 'urgent' },
    headers => { 'If-None-Match' => $now->() }), 412, 'precondition_failed', undef,
    'If-None-Match: the current tag on a write: 412';
is api('expert', PATCH => $path, json => { priority => 'urgent' }, headers => { 'If-None-Match' => '"other"' })
    ->status, 200, 'If-None-Match: another tag on a write: 200';
is_error api('expert', GET => $path, headers => { 'If-Match' => '"other"' }), 412, 'precondition_failed', undef,
    'If-Match on a read that does not match: 412';

# ---- a list page -----------------------------------------------------------------

{
    my %q = (query => { limit => 3 });
    my $tag = api('cust_a', GET => '/api/tickets', %q)->header('ETag');
    is api('cust_a', GET => '/api/tickets', %q, headers => { 'If-None-Match' => "W/$tag" })->status, 304,
        'a list page: the weak form of its tag: 304';
    is api('cust_a', GET => '/api/tickets', %q, headers => { 'If-None-Match' => substr($tag, 0, -2) . '"' })
        ->status, 200, '... a tag one character short: 200';
}

# ---- a download --------------------------------------------------------------------

{
    my $content = join '', map { "baris $_\n" } 1 .. 200;
    my $up = upload('cust_a', $id, [[file => { filename => 'log.txt', content => $content, type => 'text/plain' }]]);
    my $url = $up->json->{items}[0]{download_url};
    my $tag = api('cust_a', GET => $url)->header('ETag');
    my $dl = sub { api('cust_a', GET => $url, headers => {@_}) };
    is $dl->('If-None-Match' => "W/$tag")->status, 304, 'a download: the weak form of its tag: 304';
    is $dl->('If-None-Match' => '"' . substr($tag, 2))->status, 200,
        '... a tag that is its end: 200';
    is $dl->('If-None-Match' => "X/$tag")->status, 200, '... its tag behind something that is not W/: 200';
    my $part = $dl->(Range => 'bytes=0-9', 'If-Range' => $tag);
    is_deeply [$part->status, $part->body], [206, substr($content, 0, 10)], 'If-Range: its tag: the range';
    my $whole = $dl->(Range => 'bytes=0-9', 'If-Range' => "W/$tag");
    is_deeply [$whole->status, length $whole->body], [200, length $content],
        'If-Range: its weak form: the whole file (strong comparison)';
    $whole = $dl->(Range => 'bytes=0-9', 'If-Range' => 'Sun, 06 Nov 1994 08:49:37 GMT');
    is_deeply [$whole->status, length $whole->body], [200, length $content],
        'If-Range: a date (downloads have no Last-Modified): the whole file';
    $whole = $dl->(Range => 'bytes=0-9', 'If-Range' => qq{"x", $tag});
    is_deeply [$whole->status, length $whole->body], [200, length $content],
        'If-Range: a list (it takes one tag): the whole file';
}

done_testing;
