#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Builds and runs bench/pcap_read_bench (ssw::pcap frames/s on a synthetic SIP capture) and,
# when tshark is installed, times `tshark -r FILE -T fields -e udp.srcport` on the same file.
# Usage: bench/pcap_read_bench.sh [FRAMES]   (default 2000000)
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
frames=${1:-2000000}
build="$root/build/bench"
cmake -S "$root" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=Release -DSSW_BUILD_BENCH=ON \
      -DSSW_BUILD_TESTS=OFF >/dev/null
cmake --build "$build" --target pcap_read_bench >/dev/null
file=$(mktemp --suffix=.pcap)
trap 'rm -f "$file"' EXIT
"$build/bench/pcap_read_bench" --frames "$frames" --keep "$file"
if command -v tshark >/dev/null; then
    start=$(date +%s.%N)
    n=$(tshark -r "$file" -T fields -e udp.srcport 2>/dev/null | wc -l)
    end=$(date +%s.%N)
    awk -v n="$n" -v s="$start" -v e="$end" \
        'BEGIN { printf "tshark fields:   %10.0f frames/s  (%d frames, %.1f s)\n", n / (e - s), n, e - s }'
fi
