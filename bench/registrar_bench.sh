#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# REGISTER with digest auth per second through ssw-run and through Kamailio (registrar + auth,
# same accounts and password, one worker process each), same sipp client, same machine.
# Prints both rates and the ratio. Usage: bench/registrar_bench.sh [REGISTERS] [RATE]
set -euo pipefail
cd "$(dirname "$0")/.."
total=${1:-20000}
rate=${2:-4000}
accounts=1000
scripts/install-deps.sh --bench
cmake -S . -B build/bench -G Ninja -DCMAKE_BUILD_TYPE=Release -DSSW_BUILD_TESTS=OFF >/dev/null
cmake --build build/bench --target ssw-run >/dev/null
work=$(mktemp -d)
trap 'kill $(jobs -p) 2>/dev/null || true; rm -rf "$work"' EXIT

# Accounts 100000..100999, password "demo", in both servers.
. bench/registrar_lib.sh
registrar_inputs "$work" 100000 "$accounts" 15170 15180

run_sipp() { # port -> prints "successful elapsed_seconds"
    local port=$1 start end
    start=$(date +%s.%N)
    sipp -sf bench/data/register_each_account.xml -inf "$work/users.csv" -i 127.0.0.1 -p 16110 -r "$rate" -m "$total" \
        -l 2000 -buff_size 4194304 -nostdin -timeout 300s -trace_stat -stf "$work/stat-$port.csv" "127.0.0.1:$port" \
        >"$work/sipp-$port.log" 2>&1 || true
    [ -s "$work/stat-$port.csv" ] || { echo "sipp failed:" >&2; tail -5 "$work/sipp-$port.log" >&2; }
    end=$(date +%s.%N)
    local ok
    ok=$(tail -1 "$work/stat-$port.csv" | awk -F';' '{print $16}')
    echo "$ok $(echo "$end - $start" | bc)"
}

# CPU seconds (user + system) used so far by the processes whose command line matches $1:
# the cost per registration on one core, which other load on the machine does not change much.
cpu_seconds() {
    local ticks=0 p
    for p in $(pgrep -f "$1"); do
        ticks=$((ticks + $(awk '{print $14 + $15}' "/proc/$p/stat")))
    done
    echo "$ticks / $(getconf CLK_TCK)" | bc -l
}

build/bench/tools/ssw-run --config "$work/ssw.conf" --log-level error 2>"$work/ssw.log" &
ssw_pid=$!
kamailio -f "$work/kamailio.cfg" -DD -E -m 256 -M 16 2>"$work/kamailio.log" &
kam_pid=$!
sleep 2
kill -0 $kam_pid || { echo "kamailio did not start:"; cat "$work/kamailio.log"; exit 1; }

ssw_cpu0=$(cpu_seconds "ssw-run --config $work/ssw.conf")
read -r ssw_ok ssw_s < <(run_sipp 15170)
ssw_cpu=$(echo "$(cpu_seconds "ssw-run --config $work/ssw.conf") - $ssw_cpu0" | bc -l)
ssw_rss=$(awk '/VmHWM/ {print $2}' /proc/$ssw_pid/status)
kam_cpu0=$(cpu_seconds "kamailio -f $work/kamailio.cfg")
read -r kam_ok kam_s < <(run_sipp 15180)
kam_cpu=$(echo "$(cpu_seconds "kamailio -f $work/kamailio.cfg") - $kam_cpu0" | bc -l)
ssw_rate=$(echo "$ssw_ok / $ssw_s" | bc -l)
kam_rate=$(echo "$kam_ok / $kam_s" | bc -l)
printf 'REGISTER+auth transactions: %d offered at %d/s over %d accounts\n' "$total" "$rate" "$accounts"
printf 'ssw-run : %6d ok in %6.2f s = %8.0f registrations/s (peak RSS %s kB)\n' "$ssw_ok" "$ssw_s" "$ssw_rate" "$ssw_rss"
printf 'kamailio: %6d ok in %6.2f s = %8.0f registrations/s\n' "$kam_ok" "$kam_s" "$kam_rate"
printf 'ratio ssw/kamailio: %.2f\n' "$(echo "$ssw_rate / $kam_rate" | bc -l)"
printf 'CPU per registration: ssw-run %.1f us, kamailio %.1f us (all its processes); one-core capacity ratio ssw/kamailio: %.2f\n' \
    "$(echo "$ssw_cpu * 1000000 / $ssw_ok" | bc -l)" "$(echo "$kam_cpu * 1000000 / $kam_ok" | bc -l)" \
    "$(echo "($kam_cpu / $kam_ok) / ($ssw_cpu / $ssw_ok)" | bc -l)"
kill $ssw_pid $kam_pid
