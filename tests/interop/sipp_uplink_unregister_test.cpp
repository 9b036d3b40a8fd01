// SPDX-License-Identifier: MIT
// ssw-run's outbound registration against real registrars on loopback: sipp playing a
// carrier (challenges, a short grant, refresh, the 407-challenged un-REGISTER after SIGTERM),
// and Kamailio from Debian's package with an account for ssw, whose location table the test
// reads before and after ssw-run stops. Also `ssw-run status` over the control socket.
#include "support/background_process.hpp"
#include "support/helpers.hpp"
#include "support/temp_dir.hpp"
#include "support/tool_runner.hpp"

#include <catch2/catch.hpp>

#include <csignal>
#include <filesystem>
#include <fstream>
#include <future>
#include <thread>

using namespace std::chrono_literals;
using ssw::test::background_process;

namespace {

using ssw::test::count;
using ssw::test::has;

void write(const std::filesystem::path& p, const std::string& text)
{
    std::ofstream(p, std::ios::binary) << text;
}

// ssw.conf with one routing gateway registering to 127.0.0.1:`registrar_port`.
std::string uplink_conf(int ssw_port, int registrar_port, const std::string& extra = {})
{
    const std::string registrar = "127.0.0.1:" + std::to_string(registrar_port);
    return extra + "[listen]\nudp = 127.0.0.1:" + std::to_string(ssw_port) + "\n" +
           "[routing-gateway carrier]\naddress = " + registrar + "\nregister-proxy = " + registrar +
           "\nregister-user = ssw\nregister-password = secret\n";
}

} // namespace

TEST_CASE("interop uplink: sipp registrar sees challenge answers, a refresh, and Expires: 0 after "
          "SIGTERM",
          "[interop][uplink][sipp]")
{
    ssw::test::temp_dir dir;
    const int registrar_port = ssw::test::free_port();
    const int ssw_port = ssw::test::free_port();
    write(dir.path() / "ssw.conf", uplink_conf(ssw_port, registrar_port, "unregister-grace = 5\n"));

    ssw::test::tool_call registrar;
    registrar.args = {
        "-sf",        std::string(SSW_TEST_DATA_DIR) + "/sipp/uplink_registrar_uas.xml",
        "-i",         "127.0.0.1",
        "-p",         std::to_string(registrar_port),
        "-m",         "1",
        "-nostdin",   "-timeout",
        "45s",        "-timeout_error",
        "-trace_err", "-error_file",
        "/dev/stderr"};
    registrar.working_directory = dir.path().string();
    registrar.timeout_seconds = 60;
    const std::string sipp_bin = ssw::test::require_program("sipp", "sip-tester");
    auto sipp = std::async(std::launch::async, [registrar, sipp_bin] {
        return ssw::test::run_tool(sipp_bin, registrar);
    });
    std::this_thread::sleep_for(
        300ms); // let sipp bind (a lost first REGISTER is retransmitted anyway)

    background_process ssw(SSW_RUN_BIN,
                           {"--config", (dir.path() / "ssw.conf").string(), "--log-level", "debug"},
                           dir.path().string());
    const bool registered = ssw.wait_for_stderr(
        "gateway carrier: registered as sip:ssw@127.0.0.1:" + std::to_string(ssw_port), 10s);
    INFO(ssw.stderr_text());
    REQUIRE(registered);

    // While registered, `ssw-run status` reads it over the control socket (default path).
    ssw::test::tool_call status;
    status.args = {"status", "--json"};
    status.working_directory = dir.path().string();
    const auto st = ssw::test::run_tool(SSW_RUN_BIN, status);
    INFO(st.err);
    CHECK(st.exit_code == 0);
    CHECK(has(st.out, "\"gateway\":\"carrier\""));
    CHECK(has(st.out, "\"state\":\"registered\""));
    status.args = {"status"};
    const auto text = ssw::test::run_tool(SSW_RUN_BIN, status);
    CHECK(text.exit_code == 0);
    CHECK(has(text.out, "carrier: registered, expires in"));

    // Granted 10 s: the refresh comes within 5 s; wait for its 200, then stop gracefully.
    REQUIRE(ssw.wait_for_stderr("REGISTER CSeq 4 Expires 10 (challenge answer)", 15s));
    ssw.wait_for_stderr("(a line that never comes: reads what follows)", 1s);
    REQUIRE(count(ssw.stderr_text(), "gateway carrier: registered as") == 2);
    const int rc = ssw.stop(SIGTERM, 15s);
    const auto played = sipp.get();
    INFO(ssw.stderr_text());
    INFO(played.err << played.out);
    CHECK(rc == 0);
    CHECK(played.exit_code == 0); // every check of the scenario held, up to the 200 for Expires: 0
    CHECK(has(ssw.stderr_text(), "un-REGISTER confirmed by 200"));
    CHECK(has(ssw.stderr_text(), "graceful stop complete"));
}

TEST_CASE("interop uplink: SS_SIP_USER_AGENT_SEND_UNREGISTER Off exits at once; status without a "
          "daemon fails",
          "[interop][uplink]")
{
    ssw::test::temp_dir dir;
    const int ssw_port = ssw::test::free_port();
    // A registrar that never answers: the daemon keeps trying; stopping must not wait.
    write(dir.path() / "ssw.conf", uplink_conf(ssw_port, ssw::test::free_port()));
    background_process ssw(SSW_RUN_BIN,
                           {"--config", (dir.path() / "ssw.conf").string(), "--param",
                            "SS_SIP_USER_AGENT_SEND_UNREGISTER=Off", "--control-socket",
                            (dir.path() / "ctl").string()},
                           dir.path().string());
    REQUIRE(ssw.wait_for_stderr("control socket: ", 10s));
    ssw::test::tool_call status;
    status.args = {"status", "--control-socket", (dir.path() / "ctl").string()};
    const auto st = ssw::test::run_tool(SSW_RUN_BIN, status);
    CHECK(st.exit_code == 0);
    CHECK(has(st.out, "carrier: registering"));
    const auto t0 = std::chrono::steady_clock::now();
    CHECK(ssw.stop(SIGTERM, 5s) == 0);
    CHECK(std::chrono::steady_clock::now() - t0 < 2s);
    CHECK(has(ssw.stderr_text(), "not registered, nothing to un-REGISTER"));

    const auto none = ssw::test::run_tool(SSW_RUN_BIN, status);
    CHECK(none.exit_code == 69); // unavailable: nobody listens any more
    CHECK(has(none.err, "no ssw-run answers on"));
}

namespace {

// Kamailio as a registrar with one account (ssw / secret), location in memory, its RPC on a
// Unix socket in `dir` for kamcmd.
struct kamailio {
    kamailio(const std::filesystem::path& dir, int port, bool tcp = false)
        : ctl("unix:" + (dir / "kamailio.ctl").string())
    {
        const std::string cfg =
            "#!KAMAILIO\n"
            "listen=" +
            std::string(tcp ? "tcp" : "udp") + ":127.0.0.1:" + std::to_string(port) + "\n" +
            std::string(tcp ? "tcp_children=1\n" : "disable_tcp=yes\n") +
            "children=1\nlog_stderror=yes\ndebug=2\n"
            "mpath=\"/usr/lib/x86_64-linux-gnu/kamailio/modules/\"\n"
            "loadmodule \"kex.so\"\nloadmodule \"ctl.so\"\nloadmodule \"sl.so\"\n"
            "loadmodule \"tm.so\"\nloadmodule \"pv.so\"\nloadmodule \"usrloc.so\"\n"
            "loadmodule \"registrar.so\"\nloadmodule \"auth.so\"\nloadmodule \"textops.so\"\n"
            "modparam(\"ctl\", \"binrpc\", \"" +
            ctl +
            "\")\n"
            "modparam(\"usrloc\", \"db_mode\", 0)\n"
            "request_route {\n"
            "    if (is_method(\"REGISTER\")) {\n"
            "        if ($fU != \"ssw\" || !pv_www_authenticate(\"$td\", \"secret\", \"0\")) {\n"
            "            www_challenge(\"$td\", \"0\");\n"
            "            exit;\n"
            "        }\n"
            "        save(\"location\");\n"
            "        exit;\n"
            "    }\n"
            "    sl_send_reply(\"403\", \"Forbidden\");\n"
            "}\n";
        write(dir / "kamailio.cfg", cfg);
        process = std::make_unique<background_process>(
            ssw::test::require_program("kamailio", "kamailio"),
            std::vector<std::string>{"-f", (dir / "kamailio.cfg").string(), "-DD", "-E", "-m", "64",
                                     "-M", "8", "-Y", dir.string(), "-P",
                                     (dir / "kamailio.pid").string()},
            dir.string());
    }
    ~kamailio()
    {
        if (process) {
            process->stop(SIGTERM, 5s);
        }
    }
    // The location table (usrloc) as kamcmd prints it.
    [[nodiscard]] std::string location() const
    {
        return ssw::test::run_tool(ssw::test::require_program("kamcmd", "kamailio"),
                                   {"-s", ctl, "ul.dump"})
            .out;
    }
    std::string ctl;
    std::unique_ptr<background_process> process;
};

} // namespace

TEST_CASE("interop uplink: Kamailio's location table holds ssw while it runs and not after SIGTERM",
          "[interop][uplink][kamailio]")
{
    const std::string kamcmd = ssw::test::require_program("kamcmd", "kamailio");
    const bool tcp = GENERATE(false, true); // over TCP ssw-run opens the connection itself
    INFO((tcp ? "over TCP" : "over UDP"));
    ssw::test::temp_dir dir;
    const int kam_port = ssw::test::free_port();
    const int ssw_port = ssw::test::free_port();
    kamailio kam(dir.path(), kam_port, tcp);
    // Kamailio is up when its RPC answers.
    bool up = false;
    for (int i = 0; i < 50 && !up; ++i) {
        up = ssw::test::run_tool(kamcmd, {"-s", kam.ctl, "core.version"}).exit_code == 0;
        if (!up) {
            std::this_thread::sleep_for(100ms);
        }
    }
    INFO(kam.process->stderr_text());
    REQUIRE(up);
    CHECK_FALSE(has(kam.location(), "sip:ssw@127.0.0.1"));

    std::string conf = uplink_conf(ssw_port, kam_port);
    if (tcp) {
        conf.replace(conf.find("[routing-gateway"), 0,
                     "tcp = 127.0.0.1:" + std::to_string(ssw_port) + "\n");
        conf += "transport = tcp\n";
    }
    write(dir.path() / "ssw.conf", conf);
    background_process ssw(SSW_RUN_BIN, {"--config", (dir.path() / "ssw.conf").string()},
                           dir.path().string());
    REQUIRE(ssw.wait_for_stderr("gateway carrier: registered as", 10s));
    const auto during = kam.location();
    INFO(during);
    CHECK(has(during, "sip:ssw@127.0.0.1:" + std::to_string(ssw_port)));

    CHECK(ssw.stop(SIGTERM, 10s) == 0);
    INFO(ssw.stderr_text());
    CHECK(has(ssw.stderr_text(), "un-REGISTER confirmed by 200"));
    const auto after = kam.location();
    INFO(after);
    CHECK_FALSE(has(after, "sip:ssw@127.0.0.1:" + std::to_string(ssw_port)));
}
