package PD::OpenAPI;

# Every answer the server tests receive from the API, checked against the
# API's description (htdocs/api/openapi.json), so that the description
# cannot drift from what the server does. PD::Test::api, PD::Sso's requests
# and PD::Fixtures::raw_http call check() with each answer; a mismatch is a
# failed test in the test file that made the request (in a child of
# PD::Test::parallel, which may not report tests, the child dies and
# parallel() fails the parent).
#
# The rules, for a request METHOD PATH and its answer STATUS. PATH is below
# the description's server URL (/api); anything else is not checked.
#   - /api/openapi.json is the description itself (t/15-openapi.t reads it).
#   - HEAD is checked as GET, and its answer must have no body.
#   - 401 may answer any request (authentication comes first, and Apache
#     answers it for requests without credentials): its body must be an
#     Error with code unauthenticated or invalid_token.
#   - OPTIONS on a listed path: 204 without a body. On any other path the
#     rules below apply.
#   - A path that matches no listed path answers 404 with an Error, code
#     not_found.
#   - A listed path without METHOD answers 405 with an Error, code
#     method_not_allowed, and an Allow header.
#   - Otherwise the operation must list STATUS. A response listed with
#     content must come with a body of one of its media types (parameters
#     such as charset aside), and a JSON body must be valid against the
#     media type's schema; a response listed without content must come
#     without a body.
# The description is read and its schemas resolved once per test process.

use strict;
use warnings;

use Carp qw(croak);
use JSON::Validator::Formats;
use JSON::Validator::Schema::Draft201909;
use Mojo::JSON ();
use Test::More ();

my ($doc, $schema, $base, @templates, %schema_at);
my $main_pid = $$;

sub _load {
    return if $doc;
    my $root = $ENV{PD_ROOT} // croak 'PD_ROOT is not set: run the tests through scripts/test';
    my $file = "$root/htdocs/api/openapi.json";
    open my $fh, '<:raw', $file or croak "$file: $!";
    my $text = do { local $/; <$fh> };
    close $fh;
    $doc = Mojo::JSON::decode_json($text);
    $base = $doc->{servers}[0]{url} // croak "$file: no server URL";
    $schema = JSON::Validator::Schema::Draft201909->new($doc);
    # the OpenAPI formats JSON Schema does not define
    $schema->formats({ %{ $schema->formats },
        int32 => JSON::Validator::Formats->can('check_int32'),
        int64 => JSON::Validator::Formats->can('check_int64') });
    $schema->resolve;
    # the route table's {id}: a positive decimal number, no sign, no
    # leading zero, at most 18 digits (pd_parse_id)
    for my $path (sort keys %{ $doc->{paths} }) {
        my $re = join '', map { $_ eq '{id}' ? '[1-9][0-9]{0,17}' : quotemeta $_ } split /(\{id\})/, $path;
        croak "$file: $path has a parameter other than {id}" if $re =~ /\\\{/;
        push @templates, [$path, qr/^$re$/];
    }
}

sub document { _load(); return $doc }

# The object a local reference points at, and its JSON pointer.
sub _deref {
    my ($node, $pointer) = @_;
    my %seen;
    while (ref $node eq 'HASH' && defined $node->{'$ref'}) {
        my $ref = $node->{'$ref'};
        croak "not a local reference: $ref" unless $ref =~ m{^#(/.*)$};
        croak "a reference loop at $ref" if $seen{$ref}++;
        $pointer = $1;
        $node = $doc;
        for my $part (split m{/}, substr($pointer, 1)) {
            $part =~ s/~1/\//g;
            $part =~ s/~0/~/g;
            $node = ref $node eq 'HASH' ? $node->{$part} : undef;
        }
        croak "a reference to nothing: $ref" unless defined $node;
    }
    return ($node, $pointer);
}

# The object a node stands for: the one its local reference ($ref) points
# at, or itself.
sub deref { my ($node) = @_; _load(); return (_deref($node, ''))[0] }

sub _escape { my ($s) = @_; $s =~ s/~/~0/g; $s =~ s{/}{~1}g; return $s }

# The validator's view of the schema at a JSON pointer, resolved once.
sub _schema_at {
    my ($pointer) = @_;
    return $schema_at{$pointer} //= $schema->get($pointer) // croak "no schema at $pointer";
}

# The problems of a JSON body against the schema at a pointer.
sub _validate_json {
    my ($body, $pointer) = @_;
    my $data = eval { Mojo::JSON::decode_json($body) };
    return 'the body is not JSON: ' . ($@ =~ s/ at \S+ line .*//sr) if $@;
    return map { "$_" } $schema->validate($data, _schema_at($pointer));
}

sub _media_type { my ($ct) = @_; return lc((split /;/, $ct // '', 2)[0] =~ s/^\s+|\s+$//gr) }

# The problems of an answer against a response object (or a reference to one).
sub _against_response {
    my ($response, $pointer, $a) = @_;
    ($response, $pointer) = _deref($response, $pointer);
    my $content = $response->{content};
    my $has_body = length($a->{body} // '') > 0;
    if (!$content || !%$content) {
        return $has_body ? ('a body where the description lists none') : ();
    }
    return () if $a->{head};
    return ('no body where the description lists ' . join(', ', sort keys %$content)) unless $has_body;
    my $type = _media_type($a->{content_type});
    return ("Content-Type '" . ($a->{content_type} // '') . "' is not one of " . join(', ', sort keys %$content))
        unless $content->{$type};
    return () unless $type =~ m{^application/(?:.+\+)?json$} && $content->{$type}{schema};
    return _validate_json($a->{body}, "$pointer/content/" . _escape($type) . '/schema');
}

# The problems of an Error answer with one of the codes given.
sub _error_with {
    my ($a, @codes) = @_;
    return () if $a->{head};
    my @why = _validate_json($a->{body} // '', '/components/schemas/Error');
    return @why if @why;
    my $code = Mojo::JSON::decode_json($a->{body})->{error}{code};
    return (grep { $code eq $_ } @codes) ? () : ("error code '$code', expected " . join(' or ', @codes));
}

# check(\%answer): method, path (with or without the query), status,
# content_type, allow (the Allow header), body. Returns the problems found
# (none for an answer the description covers); reports them as a failed
# test.
sub check {
    my ($a) = @_;
    _load();
    my ($path) = split /\?/, $a->{path}, 2;
    return () unless index($path, $base) == 0;
    $path = substr($path, length $base);
    return () unless $path eq '' || $path =~ m{^/};
    return () if $path eq '/openapi.json';
    my $method = lc $a->{method};
    local $a->{head} = $method eq 'head';
    $method = 'get' if $method eq 'head';

    my @why;
    my ($template) = grep { $path =~ $_->[1] } @templates;
    my $item = $template && $doc->{paths}{ $template->[0] };
    if ($a->{head} && length($a->{body} // '')) {
        push @why, 'a body in the answer to HEAD';
    }
    elsif ($a->{status} == 401) {
        push @why, _error_with($a, qw(unauthenticated invalid_token));
    }
    elsif ($method eq 'options' && $item) {
        push @why, "status $a->{status}, expected 204" if $a->{status} != 204;
        push @why, 'a body in the answer to OPTIONS' if length($a->{body} // '');
    }
    elsif (!$item) {
        push @why, "status $a->{status} for a path the description does not list (expected 404)"
            if $a->{status} != 404;
        push @why, _error_with($a, 'not_found');
    }
    elsif (!$item->{$method}) {
        push @why, "status $a->{status} for a method the description does not list at $template->[0] (expected 405)"
            if $a->{status} != 405;
        push @why, 'no Allow header' unless length($a->{allow} // '');
        push @why, _error_with($a, 'method_not_allowed');
    }
    else {
        my $responses = $item->{$method}{responses};
        my $pointer = join '/', '', 'paths', _escape($template->[0]), $method, 'responses', $a->{status};
        if (my $response = $responses->{ $a->{status} }) {
            push @why, _against_response($response, $pointer, $a);
        } else {
            push @why, "status $a->{status} is not listed for " . uc($method) . " $template->[0]";
        }
    }
    _report($a, @why) if @why;
    return @why;
}

sub _report {
    my ($a, @why) = @_;
    my $what = uc($a->{method}) . " $a->{path} -> $a->{status}";
    my $text = join("\n  ", "$what does not match htdocs/api/openapi.json:", @why)
        . "\n  body: " . substr($a->{body} // '', 0, 400);
    # a forked child (PD::Test::parallel) may not report tests: it dies,
    # and the parent fails with its message
    croak $text if $$ != $main_pid;
    local $Test::Builder::Level = $Test::Builder::Level + 3;
    Test::More::ok(0, "$what is as the API description says");
    Test::More::diag($text);
}

1;
