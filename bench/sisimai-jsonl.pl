#!/usr/bin/perl
# Runs Debian's sisimai (libsisimai-perl 4.25) over bounce files and prints one JSON line per
# recipient in the form score.py reads, for bench/bounces.sh to compare with mailward.
use strict;
use warnings;
use Sisimai;
use JSON::PP;
use File::Basename qw(basename);

my $json = JSON::PP->new->canonical;
for my $path (@ARGV) {
    my $file = basename($path);
    my $list = eval { Sisimai->make($path, 'delivered' => 1, 'vacation' => 1) };
    if (!$list || !@$list) {
        print $json->encode({ file => $file, reason => undef }), "\n";
        next;
    }
    for my $e (@$list) {
        print $json->encode({
            file       => $file,
            recipient  => $e->recipient->address,
            reason     => $e->reason,
            status     => $e->deliverystatus // '',
            replycode  => '' . ($e->replycode // ''),
            hardbounce => ($e->softbounce // 0) == 0 ? JSON::PP::true : JSON::PP::false,
        }), "\n";
    }
}
