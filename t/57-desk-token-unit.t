#!/usr/bin/perl
# The cmocka unit tests of the desk tokens (t/unit/test_desk_token.c): the
# token's known answer, fresh ids, and every kind of wrong token refused.
use strict; use warnings; use FindBin; use lib "$FindBin::Bin/lib";
use PD::Unit; PD::Unit::run('desk_token');
