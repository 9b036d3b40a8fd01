#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Times `ssw-trace list` and `ssw-trace stats` against `tshark -Y sip -T fields` and
# `tshark -q -z sip,stat` on one synthetic SIP capture (bench/trace_synth.py: registrations with
# digest challenges and complete calls with SDP), and prints messages/s and the ratios.
# Usage: bench/trace_bench.sh [SIZE_MB] [SSW_TRACE]   (default 300 MB; the binary defaults to
# build/tools/ssw-trace, built by the usual `cmake --build build`)
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
size=${1:-300}
bin=${2:-$root/build/tools/ssw-trace}
[ -x "$bin" ] || { echo "trace_bench: $bin not built" >&2; exit 1; }
file=$(mktemp --suffix=.pcap)
trap 'rm -f "$file"' EXIT
msgs=$(python3 "$root/bench/trace_synth.py" "$file" "$size")
echo "capture: $(du -m "$file" | cut -f1) MB, $msgs SIP messages"

# Runs a command with stdout to /dev/null; prints elapsed seconds.
elapsed() {
    local s e
    s=$(date +%s.%N)
    "$@" >/dev/null 2>&1
    e=$(date +%s.%N)
    awk -v s="$s" -v e="$e" 'BEGIN { printf "%.3f", e - s }'
}

rate() { awk -v n="$msgs" -v t="$1" 'BEGIN { printf "%12.0f", n / t }'; }

t_list=$(elapsed "$bin" list "$file")
t_stats=$(elapsed "$bin" stats "$file")
echo "ssw-trace list:   $(rate "$t_list") msg/s  (${t_list} s)"
echo "ssw-trace stats:  $(rate "$t_stats") msg/s  (${t_stats} s)"
if command -v tshark >/dev/null; then
    t_tl=$(elapsed tshark -n -r "$file" -Y sip -T fields -e frame.time_epoch -e ip.src -e ip.dst \
        -e sip.Method -e sip.Status-Code -e sip.Call-ID -e sip.CSeq -e sip.from.user -e sip.to.user)
    t_ts=$(elapsed tshark -n -q -r "$file" -z sip,stat)
    echo "tshark fields:    $(rate "$t_tl") msg/s  (${t_tl} s)"
    echo "tshark sip,stat:  $(rate "$t_ts") msg/s  (${t_ts} s)"
    awk -v a="$t_tl" -v b="$t_list" -v c="$t_ts" -v d="$t_stats" \
        'BEGIN { printf "ratio list/tshark fields: %.1fx   stats/tshark sip,stat: %.1fx\n", a / b, c / d }'
else
    echo "tshark not installed: no ratios"
fi
