// SPDX-License-Identifier: MIT
// ssw-run's registrar against sipp over loopback: digest auth (401 and 407), UDP, TCP, IPv6,
// unregister, wrong passwords until suspension, and silence for unknown sources.
#include "support/background_process.hpp"
#include "support/helpers.hpp"
#include "support/temp_dir.hpp"
#include "support/tool_runner.hpp"

#include <catch2/catch.hpp>

#include <arpa/inet.h>
#include <csignal>
#include <filesystem>
#include <fstream>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <thread>
#include <unistd.h>

using namespace std::chrono_literals;
using ssw::test::background_process;

namespace {

const std::string scenarios = std::string(SSW_TEST_DATA_DIR) + "/sipp/";

// ssw-run --demo on a free port (UDP and TCP), in its own directory.
struct daemon_under_test {
    explicit daemon_under_test(std::vector<std::string> extra = {},
                               const std::string& host = "127.0.0.1")
        : port(ssw::test::free_port())
    {
        const std::string bracketed = host.find(':') != std::string::npos ? "[" + host + "]" : host;
        std::vector<std::string> args{"--demo",
                                      "--listen",
                                      "udp:" + bracketed + ":" + std::to_string(port),
                                      "--listen",
                                      "tcp:" + bracketed + ":" + std::to_string(port),
                                      "--log-level",
                                      "debug"};
        args.insert(args.end(), extra.begin(), extra.end());
        process = std::make_unique<background_process>(SSW_RUN_BIN, args, dir.path().string());
        REQUIRE(process->wait_for_stderr("listening on", 10s));
    }
    ~daemon_under_test()
    {
        if (process) {
            process->stop(SIGTERM, 5s);
        }
    }
    ssw::test::temp_dir dir;
    int port;
    std::unique_ptr<background_process> process;
};

ssw::test::tool_result sipp(const std::string& scenario, const std::string& user,
                            const std::string& password, int remote_port,
                            const std::vector<std::string>& extra = {},
                            const std::string& host = "127.0.0.1", int local_port = 0)
{
    const std::string remote = (host.find(':') != std::string::npos ? "[" + host + "]" : host) +
                               ":" + std::to_string(remote_port);
    std::vector<std::string> args{
        "-sf",
        scenarios + scenario,
        "-s",
        user,
        "-au",
        user,
        "-ap",
        password,
        "-i",
        host,
        "-p",
        std::to_string(local_port != 0 ? local_port : ssw::test::free_port()),
        "-m",
        "1",
        "-timeout",
        "15s",
        "-timeout_error",
        "-nostdin",
        "-trace_err",
        "-error_file",
        "/dev/stderr"};
    args.insert(args.end(), extra.begin(), extra.end());
    args.push_back(remote);
    ssw::test::tool_call call;
    call.args = args;
    call.timeout_seconds = 30;
    return ssw::test::run_tool(ssw::test::require_program("sipp", "sip-tester"), call);
}

// Sends one datagram from a fresh socket and reports whether anything came back in `wait`.
bool any_answer(int port, const std::string& datagram, std::chrono::milliseconds wait)
{
    const int s = ::socket(AF_INET, SOCK_DGRAM, 0);
    sockaddr_in to{};
    to.sin_family = AF_INET;
    to.sin_port = htons(static_cast<std::uint16_t>(port));
    to.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    ::sendto(s, datagram.data(), datagram.size(), 0, reinterpret_cast<sockaddr*>(&to), sizeof to);
    pollfd p{s, POLLIN, 0};
    const bool answered = ::poll(&p, 1, static_cast<int>(wait.count())) > 0;
    ::close(s);
    return answered;
}

std::string unknown_register(int port)
{
    return "REGISTER sip:127.0.0.1:" + std::to_string(port) +
           " SIP/2.0\r\n"
           "Via: SIP/2.0/UDP 127.0.0.1:5999;branch=z9hG4bKscan" +
           std::to_string(port) +
           ";rport\r\n"
           "From: <sip:9999@127.0.0.1>;tag=1\r\nTo: <sip:9999@127.0.0.1>\r\n"
           "Call-ID: scan-" +
           std::to_string(port) +
           "@x\r\nCSeq: 1 REGISTER\r\n"
           "Contact: <sip:9999@127.0.0.1:5999>\r\nUser-Agent: friendly-scanner\r\nContent-Length: "
           "0\r\n\r\n";
}

} // namespace

TEST_CASE("ssw-run: sipp registers with digest auth over UDP and TCP, then unregisters",
          "[interop][sipp]")
{
    daemon_under_test ssw;
    const int phone_port = ssw::test::free_port();
    const auto udp =
        sipp("register_auth.xml", "1000", "demo", ssw.port, {}, "127.0.0.1", phone_port);
    INFO(udp.err << udp.out);
    CHECK(udp.exit_code == 0);
    const auto tcp = sipp("register_auth.xml", "1001", "demo", ssw.port, {"-t", "t1"});
    INFO(tcp.err);
    CHECK(tcp.exit_code == 0);
    const auto unreg =
        sipp("unregister_auth.xml", "1000", "demo", ssw.port, {}, "127.0.0.1", phone_port);
    INFO(unreg.err);
    CHECK(unreg.exit_code == 0);
    REQUIRE(ssw.process->wait_for_stderr("unregistered sip:1000@", 5s));
    CHECK(ssw.process->stderr_text().find("registered 1001 at") != std::string::npos);
}

TEST_CASE("ssw-run: sipp answers a 407 when SS_SIP_AUTHENTICATION_CODE is 407", "[interop][sipp]")
{
    daemon_under_test ssw({"--param", "SS_SIP_AUTHENTICATION_CODE=407"});
    const auto r = sipp("register_auth.xml", "1002", "demo", ssw.port);
    INFO(r.err);
    CHECK(r.exit_code == 0);
}

TEST_CASE("ssw-run: sipp registers over IPv6 loopback", "[interop][sipp]")
{
    daemon_under_test ssw({}, "::1");
    const auto r = sipp("register_auth.xml", "1003", "demo", ssw.port, {}, "::1");
    INFO(r.err);
    CHECK(r.exit_code == 0);
}

TEST_CASE("ssw-run: wrong passwords lead to 403 and suspension; the right one is refused meanwhile",
          "[interop][sipp]")
{
    daemon_under_test ssw;
    const auto guesses = sipp("register_wrong_password.xml", "1004", "guess", ssw.port);
    INFO(guesses.err);
    CHECK(guesses.exit_code == 0);
    REQUIRE(ssw.process->wait_for_stderr("suspension: 6 wrong credentials in one attempt", 5s));
    const auto refused = sipp("register_refused.xml", "1004", "demo", ssw.port);
    INFO(refused.err);
    CHECK(refused.exit_code == 0);
    // Another account from the same address is not affected.
    CHECK(sipp("register_auth.xml", "1005", "demo", ssw.port).exit_code == 0);
}

TEST_CASE("ssw-run: suspension ends after SS_AUTHENTICATION_FAILED_SUSPEND (slow)",
          "[interop][sipp][slow]")
{
    daemon_under_test ssw({"--param", "SS_AUTHENTICATION_FAILED_SUSPEND=60", "--param",
                           "SS_ENDPOINT_REGISTER_SUSPEND=60"});
    REQUIRE(sipp("register_wrong_password.xml", "1006", "guess", ssw.port).exit_code == 0);
    CHECK(sipp("register_refused.xml", "1006", "demo", ssw.port).exit_code == 0);
    std::this_thread::sleep_for(61s);
    const auto r = sipp("register_auth.xml", "1006", "demo", ssw.port);
    INFO(r.err);
    CHECK(r.exit_code == 0);
}

TEST_CASE(
    "ssw-run: unknown sources get 401 when SS_REPLY_UNAUTHORIZED is On, not one byte when Off",
    "[interop][sipp]")
{
    SECTION("On")
    {
        daemon_under_test ssw;
        CHECK(any_answer(ssw.port, unknown_register(ssw.port), 2000ms));
    }
    SECTION("Off, checked on the wire with tcpdump")
    {
        daemon_under_test ssw({"--param", "SS_REPLY_UNAUTHORIZED=Off"});
        ssw::test::temp_dir capture_dir;
        const auto capture = (capture_dir / "lo.pcap").string();
        const std::string tcpdump_bin = ssw::test::require_program("tcpdump", "tcpdump");
        ssw::test::require_root("tcpdump checks the silence on lo");
        background_process tcpdump(tcpdump_bin, {"-i", "lo", "-n", "-U", "-w", capture, "udp",
                                                 "port", std::to_string(ssw.port)});
        REQUIRE(tcpdump.wait_for_stderr("listening on", 10s));
        CHECK_FALSE(any_answer(ssw.port, unknown_register(ssw.port), 1500ms));
        CHECK_FALSE(any_answer(ssw.port, unknown_register(ssw.port), 500ms)); // retransmission too
        // Counted, not logged per packet (a flood must not flood the log): the status says it.
        const auto status = ssw::test::run_tool(
            SSW_RUN_BIN, {"status", "--json", "--control-socket",
                          (ssw.dir.path() / "ssw-run.ctl").string()});
        CHECK_THAT(status.out, Catch::Contains("\"unknown_silent\":2"));
        std::this_thread::sleep_for(300ms);
        tcpdump.stop(SIGINT, 5s);
        const auto from_ssw = ssw::test::run_tool(
            "/bin/sh", {"-c", "'" + tcpdump_bin + "' -n -r " + capture + " udp src port " +
                                  std::to_string(ssw.port) + " 2>/dev/null | wc -l"});
        const auto to_ssw = ssw::test::run_tool(
            "/bin/sh", {"-c", "'" + tcpdump_bin + "' -n -r " + capture + " udp dst port " +
                                  std::to_string(ssw.port) + " 2>/dev/null | wc -l"});
        CHECK(std::stoi(to_ssw.out) == 2);   // both probes reached it
        CHECK(std::stoi(from_ssw.out) == 0); // and it said nothing
        // Known accounts still register.
        CHECK(sipp("register_auth.xml", "1007", "demo", ssw.port).exit_code == 0);
    }
}

TEST_CASE("ssw-run: SIGHUP reloads the configuration; a bad reload keeps the running one",
          "[interop][sipp]")
{
    ssw::test::temp_dir dir;
    const int port = ssw::test::free_port();
    const auto conf = dir / "ssw.conf";
    auto write = [&](const std::string& accounts) {
        std::ofstream(conf) << "[listen]\nudp = 127.0.0.1:" << port << "\n" << accounts;
    };
    write("[account 2000]\npassword = first\n");
    background_process ssw(SSW_RUN_BIN, {"--config", conf.string(), "--log-level", "debug"},
                           dir.path().string());
    REQUIRE(ssw.wait_for_stderr("listening on", 10s));
    CHECK(sipp("register_auth.xml", "2000", "first", port).exit_code == 0);

    write("[account 2000]\npassword = first\n[account 2001]\npassword = second\n");
    ::kill(ssw.pid(), SIGHUP);
    REQUIRE(ssw.wait_for_stderr("configuration reloaded", 5s));
    CHECK(sipp("register_auth.xml", "2001", "second", port).exit_code == 0);

    write("[account 2002]\npasword = typo\n");
    ::kill(ssw.pid(), SIGHUP);
    REQUIRE(ssw.wait_for_stderr("reload refused", 5s));
    CHECK_THAT(ssw.stderr_text(), Catch::Contains("ssw.conf:4: unknown key 'pasword'"));
    CHECK(sipp("register_auth.xml", "2001", "second", port).exit_code == 0);
    CHECK(ssw.stop(SIGTERM, 5s) == 0);
    CHECK_THAT(ssw.stderr_text(), Catch::Contains("stopping on signal 15"));
}
