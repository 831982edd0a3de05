#!/usr/bin/perl
# The cmocka unit tests of one core file (t/unit/test_*.c): see PD::Unit.
use strict; use warnings; use FindBin; use lib "$FindBin::Bin/lib";
use PD::Unit; PD::Unit::run();
