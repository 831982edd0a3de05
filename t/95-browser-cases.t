#!/usr/bin/perl
# A front desk case's own records in headless Chromium (t/browser/cases.mjs,
# which prints TAP): the visitor's page and the letter's, reached from the
# front desk (who is in the building, the inbox) and from the case's ticket
# page; the identity number in full for the receptionist and masked for the
# operator; the photo and the scanned letter; the check-out. Made here
# first: the units, the operator, a visitor with a photo whose case the
# operator works, a letter with its scan, and another unit's letter.
use strict;
use warnings;
use FindBin;
use lib "$FindBin::Bin/lib";
use JSON::PP ();
use MIME::Base64 ();
use Test::More;
use PD::Browser;

PD::Browser::need('axe-core');

require PD::Test;
require PD::Fixtures;

my $stamp = "C$$";
my $fd = PD::Fixtures::front_desk_office("Dinas Uji $stamp", [aptika => "Bidang Aplikasi $stamp", 'bidang'],
    [warroom => "UPT War Room $stamp", 'upt', 'aptika'], [sandi => "Bidang Persandian $stamp", 'bidang']);
my ($aptika, $warroom, $sandi) = @$fd{qw(aptika warroom sandi)};
PD::Test::db_do(q{INSERT INTO users (username, name, role_id, org_unit_id, subject, access_source)
                  VALUES ('operator', 'Operator Satu', 3, ?, ?, 'claims')
                  ON CONFLICT (username) DO UPDATE SET org_unit_id = EXCLUDED.org_unit_id},
                $warroom, PD::Test::subject_of('operator'));

my $made = sub {
    my ($path, $body) = @_;
    my $r = PD::Test::api('expert', POST => $path, json => $body);
    die "$path: $r->{status} $r->{body}" unless $r->{status} == 201;
    return $r->{json};
};
my $visitor = $made->('/api/visitors', { name => "Siti Aminah $stamp", id_number => '3273014501900002',
    institution => 'SMKN 4 Bandung', phone => '+62 812-3456-7890', purpose => 'Konsultasi aplikasi perizinan',
    org_unit_id => $warroom });
my $letter = $made->('/api/surat', { number => "045/DK/$stamp", letter_date => '2026-11-30', sender => 'Kepala Sekolah',
    sender_institution => 'SMKN 4 Bandung', subject => "Permohonan kunjungan industri $stamp",
    summary => 'Empat puluh siswa kelas XI mohon berkunjung ke ruang server.', org_unit_id => $aptika });
my $other = $made->('/api/surat', { number => "099/SD/$stamp", letter_date => '2026-11-29', sender => 'Camat',
    subject => "Undangan rapat $stamp", org_unit_id => $sandi });
# a photo (a small PNG) and the scan (a PDF), the cases' attachments
my $png = MIME::Base64::decode_base64('iVBORw0KGgoAAAANSUhEUgAAABgAAAAYCAIAAABvFaqvAAAELUlEQVR42g3MIbZFAABAwb+DFwRBEARBEARBEARBEARBEATBOYJwgyAIgiAIgiAIgiAIgiAIglV9s4D5+5EL5CK5RC6TK+QquUaukxvkJrlFbpM75C65R+6TB+QheUQekyfkKXlG/vejEChEColCplAoVAqNQqcwKEwKi8KmcChcCo/CpwgoQoqIIqZIKFKKjOKLEEAECWRQQAUNdDDABAtscMAFD3wIIIQIYkgghQy+qBQoRUqJUqZUKFVKjVKnNChNSovSpnQoXUqP0qcMKEPKiDKmTChTyozyiyqBSqSSqGQqhUql0qh0KoPKpLKobCqHyqXyqHyqgCqkiqhiqoQqpcqovqgWqEVqiVqmVqhVao1apzaoTWqL2qZ2qF1qj9qnDqhD6og6pk6oU+qM+osagUakkWhkGoVGpdFodBqDxqSxaGwah8al8Wh8moAmpIloYpqEJqXJaL6oFWhFWolWplVoVVqNVqc1aE1ai9amdWhdWo/Wpw1oQ9qINqZNaFPajPaLOoFOpJPoZDqFTqXT6HQ6g86ks+hsOofOpfPofLqALqSL6GK6hC6ly+i+qBfoRXqJXqZX6FV6jV6nN+hNeovepnfoXXqP3qcP6EP6iD6mT+hT+oz+iwaBQWSQGGQGhUFl0Bh0BoPBZLAYbAaHwWXwGHyGgCFkiBhihoQhZcgYvmgUGEVGiVFmVBhVRo1RZzQYTUaL0WZ0GF1Gj9FnDBhDxogxZkwYU8aM8YsmgUlkkphkJoVJZdKYdCaDyWSymGwmh8ll8ph8poApZIqYYqaEKWXKmL5oFphFZolZZlaYVWaNWWc2mE1mi9lmdphdZo/ZZw6YQ+aIOWZOmFPmjPmLFoFFZJFYZBaFRWXRWHQWg8VksVhsFofFZfFYfJaAJWSJWGKWhCVlyVi+aBVYRVaJVWZVWFVWjVVnNVhNVovVZnVYXVaP1WcNWEPWiDVmTVhT1oz1izaBTWST2GQ2hU1l09h0NoPNZLPYbDaHzWXz2Hy2gC1ki9hitoQtZcvYvmgX2EV2iV1mV9hVdo1dZzfYTXaL3WZ32F12j91nD9hD9og9Zk/YU/aM/YsOgUPkkDhkDoVD5dA4dA6Dw+SwOGwOh8Pl8Dh8joAj5Ig4Yo6EI+XIOL7oFDhFTolT5lQ4VU6NU+c0OE1Oi9PmdDhdTo/T5ww4Q86IM+ZMOFPOjPOLLoFL5JK4ZC6FS+XSuHQug8vksrhsLofL5fK4fK6AK+SKuGKuhCvlyri+6Ba4RW6JW+ZWuFVujVvnNrhNbovb5na4XW6P2+cOuEPuiDvmTrhT7oz7ix6BR+SReGQehUfl0Xh0HoPH5LF4bB6Hx+XxeHyegCfkiXhinoQn5cl4vugVeEVeiVfmVXhVXo1X5zV4TV6L1+Z1eF1ej9fnDXhD3og35k14U96M9x/2pvHf4WA3bgAAAABJRU5ErkJggg==');
my $pdf = "%PDF-1.4\n1 0 obj\n<< /Type /Catalog >>\nendobj\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n";
for my $f ([$visitor->{ticket_id}, 'foto-tamu.png', $png], [$letter->{ticket_id}, 'surat-045.pdf', $pdf]) {
    my $r = PD::Fixtures::upload('expert', $f->[0], [[file => { filename => $f->[1], content => $f->[2] }]]);
    die "upload: $r->{status} $r->{body}" unless $r->{status} == 201;
}
PD::Test::api('expert', PATCH => "/api/tickets/$visitor->{ticket_id}", json => { tech_id => PD::Test::user_id('operator'),
    note => 'Mohon ditemui di lobi.' });
$ENV{PD_TEST_CASES} = JSON::PP->new->utf8->encode({ stamp => $stamp, visitor => $visitor->{id},
    visitor_case => $visitor->{ticket_id}, letter => $letter->{id}, letter_case => $letter->{ticket_id},
    other => $other->{id} });

PD::Browser::run('cases.mjs', 'axe-core');
