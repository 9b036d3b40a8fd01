#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Memory per registered binding at N bindings (default 100,000): ssw-run and Kamailio each get
# N accounts; one sipp client registers every account once with digest auth; the memory the
# server holds after the transactions have ended, minus what it held before, is divided by N.
# ssw-run: the process's resident set (VmRSS). Kamailio: used shared memory (kamcmd
# core.shmmem) plus the worker's private RSS growth.
# Usage: bench/binding_memory_bench.sh [BINDINGS] [RATE]
set -euo pipefail
cd "$(dirname "$0")/.."
total=${1:-100000}
rate=${2:-4000}
scripts/install-deps.sh --bench
cmake -S . -B build/bench -G Ninja -DCMAKE_BUILD_TYPE=Release -DSSW_BUILD_TESTS=OFF >/dev/null
cmake --build build/bench --target ssw-run >/dev/null
work=$(mktemp -d)
trap 'kill $(jobs -p) 2>/dev/null || true; rm -rf "$work"' EXIT

. bench/registrar_lib.sh
registrar_inputs "$work" 200000 "$total" 15171 15181 "loadmodule \"ctl.so\"
modparam(\"ctl\", \"binrpc\", \"unix:$work/kamailio.ctl\")
modparam(\"usrloc\", \"hash_size\", 14)"

register_all() { # port -> prints the number of successful registrations
    sipp -sf bench/data/register_each_account.xml -inf "$work/users.csv" -i 127.0.0.1 -p 16111 -r "$rate" -m "$total" \
        -l 2000 -buff_size 4194304 -nostdin -timeout 600s -trace_stat -stf "$work/stat-$1.csv" "127.0.0.1:$1" >/dev/null 2>&1 || true
    tail -1 "$work/stat-$1.csv" | awk -F';' '{print $16}'
}
rss_kb() { awk '/VmRSS/ {print $2}' "/proc/$1/status"; }
kam_shm_used() { kamcmd -s "unix:$work/kamailio.ctl" core.shmmem | awk '/used:/ {print $2; exit}'; }
kam_private_kb() { # the RSS of every kamailio process, summed
    local sum=0 p
    for p in $(pgrep -f "kamailio -f $work/kamailio.cfg"); do sum=$((sum + $(rss_kb "$p"))); done
    echo $sum
}

# Transactions (RFC 3261 Timer J: 32 s over UDP) must have ended before the second reading.
settle=40

build/bench/tools/ssw-run --config "$work/ssw.conf" --log-level error 2>"$work/ssw.log" &
ssw_pid=$!
sleep 3
ssw_before=$(rss_kb $ssw_pid)
ssw_ok=$(register_all 15171)
sleep $settle
ssw_after=$(rss_kb $ssw_pid)
ssw_peak=$(awk '/VmHWM/ {print $2}' /proc/$ssw_pid/status)
kill $ssw_pid
wait $ssw_pid 2>/dev/null || true
db_bytes=$(stat -c %s "$work/bindings.db")
# The same daemon restarted on the same store: the bindings are loaded, and nothing of the
# registration burst (transactions, nonces, malloc's high-water mark) is left to count.
build/bench/tools/ssw-run --config "$work/ssw.conf" --log-level error 2>>"$work/ssw.log" &
ssw_pid=$!
sleep 5
ssw_restored=$(rss_kb $ssw_pid)
kill $ssw_pid
wait $ssw_pid 2>/dev/null || true

printf 'bindings: %d offered at %d/s (one per account)\n' "$total" "$rate"
printf 'ssw-run : %6d registered; RSS %d kB -> %d kB after the burst (peak %d kB): %.0f bytes per binding; SQLite file %.1f MB\n' \
    "$ssw_ok" "$ssw_before" "$ssw_after" "$ssw_peak" "$(echo "($ssw_after - $ssw_before) * 1024 / $ssw_ok" | bc -l)" \
    "$(echo "$db_bytes / 1048576" | bc -l)"
printf 'ssw-run : restarted on the same store: RSS %d kB: %.0f bytes per binding held\n' \
    "$ssw_restored" "$(echo "($ssw_restored - $ssw_before) * 1024 / $ssw_ok" | bc -l)"

kamailio -f "$work/kamailio.cfg" -DD -E -m 1024 -M 64 2>"$work/kamailio.log" &
kam_pid=$!
sleep 3
kill -0 $kam_pid || { echo "kamailio did not start:"; cat "$work/kamailio.log"; exit 1; }
kam_shm_before=$(kam_shm_used)
kam_rss_before=$(kam_private_kb)
kam_ok=$(register_all 15181)
sleep $settle
kam_shm_after=$(kam_shm_used)
kam_rss_after=$(kam_private_kb)
kill $kam_pid

printf 'kamailio: %6d registered; shm used %d -> %d bytes: %.0f bytes per binding (process RSS sum %d kB -> %d kB)\n' \
    "$kam_ok" "$kam_shm_before" "$kam_shm_after" "$(echo "($kam_shm_after - $kam_shm_before) / $kam_ok" | bc -l)" \
    "$kam_rss_before" "$kam_rss_after"
