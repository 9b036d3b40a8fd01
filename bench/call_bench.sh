#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Call setups per second and concurrent calls through ssw-run (B2BUA) and through Kamailio
# (stateful proxy: tm, record-route, failure_route to the second gateway on 503), with one
# failover per call: gateway 1 answers 503, gateway 2 answers 200. Same sipp scenarios, same
# machine, one worker each (ssw-run is one event-loop thread plus its CDR writer; Kamailio
# gets children=1). Prints both and the ratio.
#
# Usage: bench/call_bench.sh [CALLS] [RATE] [CONCURRENT] [HOLD_S]
#   phase 1 (setup rate): CALLS calls offered at RATE/s, answered at once, no hold
#   phase 2 (concurrency): up to CONCURRENT calls at once, answered after 1 s, held HOLD_S s
# Environment: SSW_RUN=path to an ssw-run binary (default: build a Release one in build/bench).
set -euo pipefail
cd "$(dirname "$0")/.."
calls=${1:-20000}
rate=${2:-2000}
concurrent=${3:-5000}
hold=${4:-10}
scripts/install-deps.sh --bench
if [[ -z "${SSW_RUN:-}" ]]; then
    cmake -S . -B build/bench -G Ninja -DCMAKE_BUILD_TYPE=Release -DSSW_BUILD_TESTS=OFF >/dev/null
    cmake --build build/bench --target ssw-run >/dev/null
    SSW_RUN=build/bench/tools/ssw-run
fi
sippdir=tests/data/sipp
work=$(mktemp -d)
# KEEP=1 keeps the work directory (configurations, logs, sipp statistics and errors).
trap 'kill $(jobs -p) 2>/dev/null || true; [[ -n "${KEEP:-}" ]] && echo "kept $work" || rm -rf "$work"' EXIT
ssw_port=15070
kam_port=15080
gw1=15090
gw2=15091
hz=$(getconf CLK_TCK)

cat > "$work/ssw.conf" <<CONF
cdr = $work/cdr.db
bindings = $work/bindings.db
[listen]
udp = 127.0.0.1:$ssw_port
[mapping-gateway bench]
network = 127.0.0.1/32
[routing-gateway first]
address = 127.0.0.1:$gw1
prefix = *
priority = 1
[routing-gateway second]
address = 127.0.0.1:$gw2
prefix = *
priority = 2
CONF

# The same failover as a stateful proxy: the INVITE goes to gateway 1; a 503 there makes the
# failure route send it to gateway 2. Record-Route keeps ACK and BYE on the proxy, as they
# are on the B2BUA.
cat > "$work/kamailio.cfg" <<KAM
#!KAMAILIO
listen=udp:127.0.0.1:$kam_port
children=1
disable_tcp=yes
log_stderror=yes
debug=0
mpath="/usr/lib/x86_64-linux-gnu/kamailio/modules/"
loadmodule "sl.so"
loadmodule "tm.so"
loadmodule "rr.so"
loadmodule "pv.so"
loadmodule "maxfwd.so"
loadmodule "siputils.so"
loadmodule "textops.so"
request_route {
    if (!mf_process_maxfwd_header("10")) {
        sl_send_reply("483", "Too Many Hops");
        exit;
    }
    if (has_totag()) {
        if (loose_route()) {
            t_relay();
            exit;
        }
        if (is_method("ACK") && t_check_trans()) {
            t_relay();
        }
        exit;
    }
    if (is_method("CANCEL")) {
        if (t_check_trans()) {
            t_relay();
        }
        exit;
    }
    if (!is_method("INVITE")) {
        sl_send_reply("405", "Method Not Allowed");
        exit;
    }
    t_check_trans();
    record_route();
    \$du = "sip:127.0.0.1:$gw1";
    t_on_failure("NEXT_GATEWAY");
    t_relay();
}
failure_route[NEXT_GATEWAY] {
    if (t_is_canceled()) {
        exit;
    }
    if (t_check_status("503")) {
        \$du = "sip:127.0.0.1:$gw2";
        t_relay();
    }
}
KAM

cpu_ticks() { # pids... -> utime+stime of all their threads, in clock ticks
    local total=0 p
    for p in "$@"; do
        [[ -r /proc/$p/stat ]] || continue
        total=$((total + $(awk '{print $14 + $15}' "/proc/$p/stat")))
    done
    echo $total
}

# One run against the server on `port` whose processes are `pids`: calls, rate, limit,
# answer delay (ms), hold (ms). Prints "ok elapsed_s cpu_s max_concurrent".
run_load() {
    local port=$1 pids=$2 n=$3 r=$4 l=$5 answer=$6 hold_ms=$7 start end c0 c1
    # 4 MB socket buffers: one sipp socket stands for many phones or gateways, and bursts of
    # answers must not overflow its default 208 kB (capped at net.core.rmem_max).
    sipp -sf $sippdir/uas_503.xml -i 127.0.0.1 -p $gw1 -m "$n" -buff_size 4194304 -nostdin \
        -timeout 600s >/dev/null 2>&1 &
    local v1=$!
    sipp -sf $sippdir/uas_load_answer.xml -i 127.0.0.1 -p $gw2 -m "$n" -d "$answer" \
        -buff_size 4194304 -nostdin -timeout 600s >/dev/null 2>&1 &
    local v2=$!
    sleep 0.5
    rm -f "$work/stat.csv"
    # shellcheck disable=SC2086
    c0=$(cpu_ticks $pids)
    start=$(date +%s.%N)
    sipp -sf $sippdir/uac_load.xml -s 4930123456 -i 127.0.0.1 -p 16000 -m "$n" -r "$r" -l "$l" \
        -d "$hold_ms" -buff_size 4194304 -nostdin -timeout 600s -trace_stat -fd 1 -stf "$work/stat.csv" \
        -trace_err -error_file "$work/errors-$port-$n.log" \
        "127.0.0.1:$port" >/dev/null 2>&1 || true
    end=$(date +%s.%N)
    # shellcheck disable=SC2086
    c1=$(cpu_ticks $pids)
    kill $v1 $v2 2>/dev/null || true
    wait $v1 $v2 2>/dev/null || true
    # sipp's statistics: column 16 SuccessfulCall(C), column 14 CurrentCall.
    local ok peak
    ok=$(tail -1 "$work/stat.csv" | awk -F';' '{print $16}')
    peak=$(awk -F';' 'NR > 1 && $14 + 0 > m {m = $14 + 0} END {print m + 0}' "$work/stat.csv")
    # When calls failed, sipp waits them out: then the wall time is taken up to the last
    # successful call (sipp's statistics rows, 1 s apart), so that a few failures do not hide
    # the rate of the others. Otherwise it is the whole run.
    local ok_s=""
    if [[ "$ok" != "$n" ]]; then
        ok_s=$(awk -F';' -v ok="$ok" 'NR > 1 && $16 + 0 >= ok {
            split($5, t, ":"); print t[1] * 3600 + t[2] * 60 + t[3] + t[4] / 1e6; exit }' "$work/stat.csv")
    fi
    [[ -n "$ok_s" ]] || ok_s=$(echo "$end - $start" | bc)
    echo "$ok $ok_s $(echo "($c1 - $c0) / $hz" | bc -l) $peak $(echo "$end - $start" | bc)"
}

"$SSW_RUN" --config "$work/ssw.conf" --log-level warning 2>"$work/ssw.log" &
ssw_pid=$!
kamailio -f "$work/kamailio.cfg" -DD -E -m 512 -M 64 2>"$work/kamailio.log" &
kam_pid=$!
sleep 2
kill -0 $ssw_pid || { echo "ssw-run did not start:"; cat "$work/ssw.log"; exit 1; }
kill -0 $kam_pid || { echo "kamailio did not start:"; cat "$work/kamailio.log"; exit 1; }
kam_pids="$kam_pid $(pgrep -P $kam_pid | tr '\n' ' ')"

echo "phase 1: $calls calls offered at $rate/s, one failover each (503 then 200), no hold"
read -r s_ok s_s s_cpu _ s_all < <(run_load $ssw_port "$ssw_pid" "$calls" "$rate" 10000 0 0)
sleep 1
read -r k_ok k_s k_cpu _ k_all < <(run_load $kam_port "$kam_pids" "$calls" "$rate" 10000 0 0)
s_rate=$(echo "$s_ok / $s_s" | bc -l)
k_rate=$(echo "$k_ok / $k_s" | bc -l)
printf 'ssw-run : %6d/%d ok in %6.2f s (run %6.2f s) = %5.0f setups/s, %6.2f CPU s = %5.0f setups per CPU-second\n' \
    "$s_ok" "$calls" "$s_s" "$s_all" "$s_rate" "$s_cpu" "$(echo "$s_ok / $s_cpu" | bc -l)"
printf 'kamailio: %6d/%d ok in %6.2f s (run %6.2f s) = %5.0f setups/s, %6.2f CPU s = %5.0f setups per CPU-second\n' \
    "$k_ok" "$calls" "$k_s" "$k_all" "$k_rate" "$k_cpu" "$(echo "$k_ok / $k_cpu" | bc -l)"
printf 'ratio ssw/kamailio: %.2f (wall rate), %.2f (per CPU-second)\n' \
    "$(echo "$s_rate / $k_rate" | bc -l)" "$(echo "($s_ok / $s_cpu) / ($k_ok / $k_cpu)" | bc -l)"

# ssw-run keeps ended calls 32 s (64*T1) to absorb retransmissions: let phase 1's go, so that
# phase 2 measures its own calls only.
sleep 20
n2=$((concurrent * 3 / 2))
r2=$((concurrent / (hold + 2) + 1))
echo "phase 2: up to $concurrent calls at once ($n2 calls at $r2/s, answer after 1 s, hold $hold s)"
read -r s_ok s_s s_cpu s_peak _ < <(run_load $ssw_port "$ssw_pid" "$n2" "$r2" "$concurrent" 1000 $((hold * 1000)))
ssw_rss=$(awk '/VmHWM/ {print $2}' /proc/$ssw_pid/status)
sleep 1
read -r k_ok k_s k_cpu k_peak _ < <(run_load $kam_port "$kam_pids" "$n2" "$r2" "$concurrent" 1000 $((hold * 1000)))
# shellcheck disable=SC2086
kam_rss=$(cat $(for p in $kam_pids; do echo /proc/$p/status; done) 2>/dev/null | awk '/VmHWM/ {s += $2} END {print s}')
printf 'ssw-run : %6d/%d ok, %5d concurrent at peak, %6.2f CPU s, peak RSS %s kB\n' \
    "$s_ok" "$n2" "$s_peak" "$s_cpu" "$ssw_rss"
printf 'kamailio: %6d/%d ok, %5d concurrent at peak, %6.2f CPU s, peak RSS %s kB (all processes)\n' \
    "$k_ok" "$n2" "$k_peak" "$k_cpu" "$kam_rss"
printf 'ratio ssw/kamailio: %.2f (concurrent calls held), %.2f (calls per CPU-second)\n' \
    "$(echo "$s_peak / $k_peak" | bc -l)" "$(echo "($s_ok / $s_cpu) / ($k_ok / $k_cpu)" | bc -l)"
kill $ssw_pid $kam_pid
