#!/usr/bin/perl
# Session limits are configuration (OIDCSessionInactivityTimeout,
# OIDCSessionMaxDuration; PD_SESSION_INACTIVITY and PD_SESSION_MAX in the
# scripts). This file restarts Apache with short limits and watches two
# sessions end: one unused, one used until its maximum age.
use strict;
use warnings;
use lib 't/lib';
use Test::More;
use Time::HiRes qw(sleep time);
use PD::Test;
use PD::Fixtures qw(is_error);
use PD::Sso;

my $conf = "$ENV{PD_TEST_RUN_DIR}/auth.conf";
my $original = read_file($conf);
sub write_conf { restart_with($conf, $_[0]) }

# mod_auth_openidc's smallest values: 10 s of inactivity, 15 s of age
my $short = $original;
ok $short =~ s/^OIDCSessionInactivityTimeout .*$/OIDCSessionInactivityTimeout 10/m
    && $short =~ s/^OIDCSessionMaxDuration .*$/OIDCSessionMaxDuration 15/m, 'the limits are in the configuration';
END { write_conf($original) if $original }
write_conf($short);

# Times are taken from each sign-in, which can be slow (a sanitizer build):
# the unused session signs in first, so every check below holds whatever the
# sign-ins cost.
my $idle = PD::Sso->login('tech2');
my $t_idle = time;
my $used = PD::Sso->login('tech');
my $t_used = time;
sub at { my ($when) = @_; my $wait = $when - time; sleep $wait if $wait > 0 }

at($t_used + 6);
is $used->get('/api/me')->status, 200, 'a session used after 6 s: 200';
at($t_idle + 11.5);
is_error $idle->get('/api/me'), 401, 'unauthenticated', undef, 'a session unused for over 10 s: 401';
is $used->get('/api/me')->status, 200, '... while the one used since then still works';
at($t_used + 16.5);
is_error $used->get('/api/me'), 401, 'unauthenticated', undef, 'a session older than 15 s: 401 though in use';

done_testing;
