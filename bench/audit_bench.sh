#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Times `ssw-trace audit` against `ssw-trace list` on one synthetic SIP capture
# (bench/trace_synth.py: registrations with digest challenges and complete calls), and prints
# messages/s, the ratio and the peak resident memory of each (GNU time), so the claim "audit
# runs at the speed of list with bounded memory" can be checked.
# Usage: bench/audit_bench.sh [SIZE_MB] [SSW_TRACE]   (default 300 MB; the binary defaults to
# build/tools/ssw-trace)
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
size=${1:-300}
bin=${2:-$root/build/tools/ssw-trace}
[ -x "$bin" ] || { echo "audit_bench: $bin not built" >&2; exit 1; }
file=$(mktemp --suffix=.pcap)
trap 'rm -f "$file"' EXIT
msgs=$(python3 "$root/bench/trace_synth.py" "$file" "$size")
echo "capture: $(du -m "$file" | cut -f1) MB, $msgs SIP messages"

# Runs a command with stdout to /dev/null; prints "SECONDS MAX_RSS_KB".
measure() {
    local s e rss=0 tf
    tf=$(mktemp)
    s=$(date +%s.%N)
    if [ -x /usr/bin/time ]; then
        /usr/bin/time -f %M -o "$tf" "$@" >/dev/null 2>&1 || true
        rss=$(tail -n 1 "$tf")
    else
        "$@" >/dev/null 2>&1 || true
    fi
    e=$(date +%s.%N)
    rm -f "$tf"
    awk -v s="$s" -v e="$e" -v r="$rss" 'BEGIN { printf "%.3f %s", e - s, r }'
}

rate() { awk -v n="$msgs" -v t="$1" 'BEGIN { printf "%12.0f", n / t }'; }

read -r t_list m_list <<<"$(measure "$bin" list "$file")"
read -r t_audit m_audit <<<"$(measure "$bin" audit "$file")"
read -r t_json m_json <<<"$(measure "$bin" audit --json "$file")"
echo "ssw-trace list:         $(rate "$t_list") msg/s  (${t_list} s, max RSS ${m_list} KB)"
echo "ssw-trace audit:        $(rate "$t_audit") msg/s  (${t_audit} s, max RSS ${m_audit} KB)"
echo "ssw-trace audit --json: $(rate "$t_json") msg/s  (${t_json} s, max RSS ${m_json} KB)"
awk -v a="$t_audit" -v b="$t_list" 'BEGIN { printf "audit time / list time: %.2f\n", a / b }'
