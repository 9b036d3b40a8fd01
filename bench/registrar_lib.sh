# SPDX-License-Identifier: MIT
# Shared by the registrar benches: the same accounts in ssw-run and in Kamailio (registrar +
# auth, usrloc in memory), and sipp's injection file. Source it, then call
#   registrar_inputs WORK FIRST_ACCOUNT COUNT SSW_PORT KAMAILIO_PORT [KAMAILIO_EXTRA_LINES]
# It writes WORK/ssw.conf, WORK/users.csv and WORK/kamailio.cfg; every account's password is
# "demo". The sipp scenario is bench/data/register_each_account.xml.

registrar_inputs() {
    local work=$1 first=$2 count=$3 ssw_port=$4 kam_port=$5 extra=${6:-}
    {
        echo "bindings = $work/bindings.db"
        echo "[listen]"
        echo "udp = 127.0.0.1:$ssw_port"
        for ((i = 0; i < count; ++i)); do printf '[account %d]\npassword = demo\n' $((first + i)); done
    } > "$work/ssw.conf"
    {
        # field0: the account; field1: sipp's own authentication keyword for it, so each
        # REGISTER authenticates as its own account.
        echo "SEQUENTIAL"
        for ((i = 0; i < count; ++i)); do
            echo "$((first + i));[authentication username=$((first + i)) password=demo]"
        done
    } > "$work/users.csv"
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
modparam("usrloc", "db_mode", 0)
$extra
request_route {
    if (is_method("REGISTER")) {
        if (!pv_www_authenticate("\$td", "demo", "0")) {
            www_challenge("\$td", "0");
            exit;
        }
        save("location");
        exit;
    }
    sl_send_reply("403", "Forbidden");
}
KAM
}
