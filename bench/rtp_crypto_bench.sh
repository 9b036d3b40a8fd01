#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# RTP payload encryption benchmark: cipher throughput per mode at 160 and 1200-byte payloads,
# as a ratio to `openssl speed -evp aes-128-ctr` at the same block size, and whole-file
# `rtpcrypt decrypt` MB/s on a large generated capture. The headline ratio is the median of
# alternating short runs against an in-process EVP aes-128-ctr loop shaped like
# `openssl speed -evp` (one EVP_EncryptUpdate per block), so load from other processes cancels;
# `openssl speed` itself is run with -elapsed because by default it divides by user CPU time,
# which on a loaded machine is not comparable with wall-clock figures.
# Usage: bench/rtp_crypto_bench.sh [SECONDS]   (per case, default 3)
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
secs=${1:-3}
build="$root/build/bench"
cmake -S "$root" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=Release -DSSW_BUILD_BENCH=ON \
      -DSSW_BUILD_TESTS=OFF >/dev/null
cmake --build "$build" --target rtp_crypto_bench rtpcrypt >/dev/null
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

echo "== payload cipher throughput (${secs}s per case, alternating with the EVP reference)"
"$build/bench/rtp_crypto_bench" "$secs" | tee "$work/ours.txt"

echo "== against the openssl speed command (-elapsed: wall time like ours; run right after, load may differ)"
for size in 160 1200; do
    kbs=$(openssl speed -elapsed -evp aes-128-ctr -bytes "$size" -seconds "$secs" 2>/dev/null |
          awk 'tolower($1) == "aes-128-ctr" {v = $NF; sub(/k$/, "", v); print v}')
    ours=$(awk -v b="$size" '$1 == "mode" && $2 == 3 && $4 == b {print $6}' "$work/ours.txt")
    awk -v k="$kbs" -v o="$ours" -v b="$size" \
        'BEGIN {printf "openssl speed aes-128-ctr %5d bytes: %9.1f MB/s; mode 3 = %5.1f%% of it\n", b, k / 1000, 100 * o / (k / 1000)}'
done

echo "== whole-file rtpcrypt decrypt"
rtpcrypt="$build/tools/rtpcrypt"
"$rtpcrypt" wrap "$root/tests/data/rtp/speech-en-8s.ulaw" --both --repeat 100 \
    --mode 3 --key 0123456789abcdef -o "$work/big.pcap"
size=$(stat -c %s "$work/big.pcap")
for mode in 3; do
    /usr/bin/time -f "%e %U %S" -o "$work/t" \
        "$rtpcrypt" decrypt --mode "$mode" --key 0123456789abcdef "$work/big.pcap" -o "$work/out.pcap"
    read -r wall user sys < "$work/t"
    awk -v s="$size" -v w="$wall" -v u="$user" -v y="$sys" \
        'BEGIN {printf "decrypt mode 3: %.1f MB capture in %.2f s wall (%.2f s CPU) = %.1f MB/s wall, %.1f MB/s per CPU second\n", s / 1e6, w, u + y, s / 1e6 / w, s / 1e6 / (u + y)}'
done
/usr/bin/time -f "%e %U %S" -o "$work/t" "$rtpcrypt" diagnose "$work/big.pcap" --key 0123456789abcdef > /dev/null
read -r wall user sys < "$work/t"
awk -v s="$size" -v w="$wall" -v u="$user" -v y="$sys" \
    'BEGIN {printf "diagnose (1 candidate key): %.2f s wall (%.2f s CPU) = %.1f MB/s per CPU second\n", w, u + y, s / 1e6 / (u + y)}'
