#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# RTP payload encryption benchmark: cipher throughput per mode at 160 and 1200-byte payloads,
# as a ratio to `openssl speed -evp aes-128-ctr` at the same block size, and whole-file
# `rtpcrypt decrypt` MB/s on a large generated capture.
# Usage: bench/rtp_crypto_bench.sh [BUILD_DIR] [SECONDS]   (BUILD_DIR defaults to ./build)
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
build=${1:-$root/build}
secs=${2:-2}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

lib_dir=$(dirname "$(find "$build/libcommon" -name 'libssw-common.so*' | head -n1)")
c++ -std=c++20 -O2 -I "$root/libcommon/include" "$root/bench/rtp_crypto_bench.cpp" \
    -L "$lib_dir" -Wl,-rpath,"$lib_dir" -lssw-common -o "$work/rtp_crypto_bench"

echo "== payload cipher throughput (${secs}s per case)"
"$work/rtp_crypto_bench" "$secs" | tee "$work/ours.txt"

echo "== openssl speed -evp aes-128-ctr"
for size in 160 1200; do
    kbs=$(openssl speed -evp aes-128-ctr -bytes "$size" -seconds "$secs" 2>/dev/null |
          awk '/^aes-128-ctr/ {v=$NF; sub(/k$/, "", v); print v}')
    openssl_mbs=$(awk -v k="$kbs" 'BEGIN {printf "%.1f", k * 1000 / 1e6}')
    echo "openssl aes-128-ctr $size bytes: $openssl_mbs MB/s"
    grep -E " $size bytes" "$work/ours.txt" | while read -r _ mode name bytes _ _ _ mbs _; do
        awk -v m="$mode" -v n="$name" -v b="$size" -v ours="$mbs" -v ref="$openssl_mbs" \
            'BEGIN {printf "  mode %s %-6s %5d bytes: %7.1f MB/s = %5.1f%% of openssl aes-128-ctr\n", m, n, b, ours, 100 * ours / ref}'
    done
done

echo "== whole-file rtpcrypt decrypt"
rtpcrypt="$build/tools/rtpcrypt"
"$rtpcrypt" wrap "$root/tests/data/rtp/speech-en-8s.ulaw" --both --repeat 100 \
    --mode 3 --key 0123456789abcdef -o "$work/big.pcap"
size=$(stat -c %s "$work/big.pcap")
for mode in 3; do
    start=$(date +%s.%N)
    "$rtpcrypt" decrypt --mode "$mode" --key 0123456789abcdef "$work/big.pcap" -o "$work/out.pcap"
    end=$(date +%s.%N)
    awk -v s="$size" -v a="$start" -v b="$end" \
        'BEGIN {printf "decrypt mode 3: %.1f MB capture (%d packets) in %.2f s = %.1f MB/s\n", s / 1e6, 79800, b - a, s / 1e6 / (b - a)}'
done
start=$(date +%s.%N)
"$rtpcrypt" diagnose "$work/big.pcap" --key 0123456789abcdef > /dev/null
end=$(date +%s.%N)
awk -v s="$size" -v a="$start" -v b="$end" 'BEGIN {printf "diagnose (1 candidate key): %.2f s = %.1f MB/s\n", b - a, s / 1e6 / (b - a)}'
