#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Flood absorption (issue 20): the REGISTER flood from unknown users (one user per request,
# sipp send-only, tests/data/sipp/flood_register_unknown.xml) from 127.0.0.2-5 at increasing
# rates, while account 1000 registers from 127.0.0.1 every 300 ms with digest auth
# (tests/support/sip_client.py). Each server gets one core (taskset -c 1; the flooders and the
# client share core 0) and is started afresh for every rate:
#   ssw-run with SS_REPLY_UNAUTHORIZED Off (unknown sources get no answer),
#   ssw-run with SS_REPLY_UNAUTHORIZED On  (unknown sources get a stateless 401),
#   Kamailio (children=1, registrar + auth, usrloc in memory) with the pike module at its
#     default settings (30 requests per 2 s per source IP, then dropped).
# For each rate it prints the rate sipp actually sent, the known account's registrations ok
# (and the worst latency), the server's CPU (user + system, all its processes, per second of
# flood: 100 % = the whole core), that CPU per flood request in microseconds (for ssw-run per
# request it read, for Kamailio per request sent) and, for ssw-run, how many requests per
# second it read; then, for each server, the highest rate at which the known account still
# had >= 90 % of its registrations ok. taskset keeps the server on core 1 but does not keep
# other work off it: on a shared machine the CPU per request is the figure that compares.
#
# Usage: bench/flood_bench.sh [SECONDS] [RATE...]     (default: 5 s at 5000 10000 20000 40000)
# Environment: SSW_RUN=path to an ssw-run binary (default: build a Release one in build/bench),
#              KEEP=1 keeps the work directory (configurations, logs).
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=${1:-5}
shift || true
rates=("$@")
((${#rates[@]})) || rates=(5000 10000 20000 40000)
scripts/install-deps.sh --bench
if [[ -z "${SSW_RUN:-}" ]]; then
    cmake -S . -B build/bench -G Ninja -DCMAKE_BUILD_TYPE=Release -DSSW_BUILD_TESTS=OFF >/dev/null
    cmake --build build/bench --target ssw-run >/dev/null
    SSW_RUN=build/bench/tools/ssw-run
fi
KAMAILIO=${KAMAILIO:-$(command -v kamailio || echo /usr/sbin/kamailio)}
client=tests/support/sip_client.py
scenario=tests/data/sipp/flood_register_unknown.xml
work=$(mktemp -d)
trap 'kill $(jobs -p) 2>/dev/null || true; [[ -n "${KEEP:-}" ]] && echo "kept $work" || rm -rf "$work"' EXIT
ssw_port=15270
kam_port=15280
sources=4 # 127.0.0.2 .. 127.0.0.5
hz=$(getconf CLK_TCK)

cat > "$work/ssw.conf" <<CONF
bindings = $work/bindings.db
control-socket = $work/ssw-run.ctl
[listen]
udp = 127.0.0.1:$ssw_port
[account 1000]
password = demo
CONF

# Only account 1000 (password demo) can register; everyone else is challenged like an
# unknown user at ssw-run with SS_REPLY_UNAUTHORIZED On, unless pike has blocked the source.
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
loadmodule "pv.so"
loadmodule "usrloc.so"
loadmodule "registrar.so"
loadmodule "auth.so"
loadmodule "textops.so"
loadmodule "pike.so"
modparam("usrloc", "db_mode", 0)
request_route {
    # pike at its defaults: sampling_time_unit 2, reqs_density_per_unit 30, remove_latency 120.
    if (!pike_check_req()) {
        exit;
    }
    if (is_method("REGISTER")) {
        if (\$au != "1000" || !pv_www_authenticate("\$td", "demo", "0")) {
            www_challenge("\$td", "0");
            exit;
        }
        save("location");
        exit;
    }
    sl_send_reply("403", "Forbidden");
}
KAM

# CPU ticks (user + system) of the processes whose command line matches $1.
cpu_ticks() {
    local t=0 p
    for p in $(pgrep -f -- "$1"); do
        t=$((t + $(awk '{print $14 + $15}' "/proc/$p/stat" 2>/dev/null || echo 0)))
    done
    echo "$t"
}

# A number from a flat JSON text: json_num KEY TEXT
json_num() { sed -n "s/.*\"$1\": *\([0-9.]*\).*/\1/p" <<<"$2" | head -1; }

start_server() { # name -> sets srv_pid, srv_port, srv_match
    case $1 in
    ssw-off | ssw-on)
        local policy=Off
        [[ $1 == ssw-on ]] && policy=On
        rm -f "$work/bindings.db"*
        taskset -c 1 "$SSW_RUN" --config "$work/ssw.conf" --param "SS_REPLY_UNAUTHORIZED=$policy" \
            >"$work/$1.log" 2>&1 &
        srv_pid=$!
        srv_port=$ssw_port
        srv_match="$SSW_RUN --config $work/ssw.conf"
        for _ in $(seq 50); do grep -q "listening on" "$work/$1.log" && break; sleep 0.1; done
        ;;
    kamailio)
        taskset -c 1 "$KAMAILIO" -f "$work/kamailio.cfg" -DD -E -m 256 -M 16 >"$work/$1.log" 2>&1 &
        srv_pid=$!
        srv_port=$kam_port
        srv_match="$KAMAILIO -f $work/kamailio.cfg"
        sleep 2
        ;;
    esac
    kill -0 "$srv_pid" 2>/dev/null || { echo "$1 did not start:" >&2; tail "$work/$1.log" >&2; exit 1; }
}

ssw_requests() { # requests + malformed read so far by the ssw-run under test
    local j
    j=$("$SSW_RUN" status --json --control-socket "$work/ssw-run.ctl" 2>/dev/null || true)
    echo $(($(json_num requests "$j" || echo 0) + 0))
}

declare -A best
printf '%-9s %8s %9s %12s %11s %8s %9s %9s %10s\n' server offered sent/s "legit ok" "max lat" "CPU" "us/req" "read/s" "peak RSS"
for server in ssw-off ssw-on kamailio; do
    best[$server]=none
    for rate in "${rates[@]}"; do
        start_server "$server"
        read0=0
        [[ $server == ssw-* ]] && read0=$(ssw_requests)
        taskset -c 0 python3 "$client" register --port "$srv_port" --user 1000 --password demo \
            --interval 0.3 --duration "$(echo "$seconds + 1" | bc)" >"$work/legit.json" 2>"$work/legit.err" &
        legit=$!
        sleep 0.5
        cpu0=$(cpu_ticks "$srv_match")
        t0=$(date +%s.%N)
        each=$((rate / sources))
        for ((i = 0; i < sources; ++i)); do
            taskset -c 0 sipp -sf "$scenario" -s "f$((i + 2))u" -i "127.0.0.$((i + 2))" -p $((16300 + i)) \
                -r "$each" -rp 1000 -m $((each * seconds)) -l $((each * seconds)) -nr -nostdin \
                -buff_size 4194304 -timeout $((seconds + 10))s "127.0.0.1:$srv_port" \
                >"$work/flood-$i.log" 2>&1 &
            pids[i]=$!
        done
        for ((i = 0; i < sources; ++i)); do wait "${pids[i]}" || true; done
        t1=$(date +%s.%N)
        cpu1=$(cpu_ticks "$srv_match")
        read1=0
        [[ $server == ssw-* ]] && read1=$(ssw_requests)
        wait "$legit" || true
        rss="-"
        [[ $server == ssw-* ]] && rss="$(awk '/VmHWM/ {printf "%.1f MB", $2 / 1024}' "/proc/$srv_pid/status")"
        kill "$srv_pid" 2>/dev/null || true
        wait "$srv_pid" 2>/dev/null || true
        sent=0
        for ((i = 0; i < sources; ++i)); do
            n=$(grep -Eo 'REGISTER -+> +[0-9]+' "$work/flood-$i.log" | tail -1 | grep -Eo '[0-9]+$' || echo 0)
            sent=$((sent + n))
        done
        wall=$(echo "$t1 - $t0" | bc -l)
        j=$(cat "$work/legit.json")
        ok=$(json_num ok "$j")
        attempts=$(json_num attempts "$j")
        lat=$(json_num max_latency_ms "$j")
        ratio=$(echo "100 * ${ok:-0} / (${attempts:-0} + 0.000001)" | bc -l)
        cpu=$(echo "100 * ($cpu1 - $cpu0) / $hz / $wall" | bc -l)
        readps="-"
        [[ $server == ssw-* ]] && readps=$(printf '%.0f' "$(echo "($read1 - $read0) / $wall" | bc -l)")
        # CPU per flood request sent (for ssw-run: per request it read), in microseconds.
        n=$sent
        [[ $server == ssw-* ]] && n=$((read1 - read0))
        us=$(echo "1000000 * ($cpu1 - $cpu0) / $hz / ($n + 1)" | bc -l)
        sentps=$(echo "$sent / $wall" | bc -l)
        printf '%-9s %8d %9.0f %5s/%-3s %3.0f%% %8.0f ms %7.0f%% %9.1f %9s %10s\n' "$server" "$rate" \
            "$sentps" "${ok:-0}" "${attempts:-0}" "$ratio" "${lat:-0}" "$cpu" "$us" "$readps" "$rss"
        if (($(echo "$ratio >= 90" | bc -l))); then
            best[$server]="$(printf '%.0f/s sent (%d/s offered)' "$sentps" "$rate")"
        fi
    done
done
echo "highest flood rate with >= 90 % of the known account's registrations ok (one core each):"
for server in ssw-off ssw-on kamailio; do
    printf '  %-9s %s\n' "$server" "${best[$server]}"
done
