// SPDX-License-Identifier: MIT
// A routing gateway reached over TCP: ssw-run opens the connection itself (nobody connected
// to it first), sends the INVITE, ACK and BYE on it, and the caller on UDP gets the answer.
#include "support/background_process.hpp"
#include "support/helpers.hpp"
#include "support/temp_dir.hpp"
#include "support/tool_runner.hpp"

#include <catch2/catch.hpp>

#include <csignal>
#include <filesystem>
#include <fstream>
#include <thread>

using namespace std::chrono_literals;

using ssw::test::count;

TEST_CASE("interop::sipp_call_tcp_vendor: ssw-run connects to a TCP vendor and the call completes",
          "[interop][b2bua]")
{
    const std::string sipp = ssw::test::require_program("sipp", "sip-tester");
    ssw::test::temp_dir work;
    const int sip_port = ssw::test::free_port();
    const int vendor_port = ssw::test::free_port();
    const auto conf = work.path() / "ssw.conf";
    std::ofstream(conf) << "cdr = " << (work.path() / "cdr.db").string() << "\n"
                        << "bindings = " << (work.path() / "bindings.db").string() << "\n"
                        << "[listen]\nudp = 127.0.0.1:" << sip_port
                        << "\ntcp = 127.0.0.1:" << sip_port << "\n[account 1000]\npassword = demo\n"
                        << "[routing-gateway vendor-tcp]\naddress = 127.0.0.1:" << vendor_port
                        << "\ntransport = tcp\nprefix = *\n";
    ssw::test::background_process daemon(
        SSW_RUN_BIN, {"--config", conf.string(), "--log-level", "info"}, work.path().string());
    REQUIRE(daemon.wait_for_stderr("listening", 10s));

    const auto vendor_log = work.path() / "vendor.log";
    ssw::test::background_process vendor(
        sipp, {"-sf", std::string(SSW_TEST_DATA_DIR) + "/sipp/uas_200_delay.xml", "-t", "t1", "-i",
               "127.0.0.1", "-p", std::to_string(vendor_port), "-m", "1", "-nostdin", "-trace_msg",
               "-message_file", vendor_log.string(), "-timeout", "40s"});
    std::this_thread::sleep_for(300ms); // let it listen

    ssw::test::tool_call caller;
    caller.args = {"-sf",
                   std::string(SSW_TEST_DATA_DIR) + "/sipp/call_auth.xml",
                   "-s",
                   "4930123456",
                   "-au",
                   "1000",
                   "-ap",
                   "demo",
                   "-i",
                   "127.0.0.1",
                   "-p",
                   std::to_string(ssw::test::free_port()),
                   "-m",
                   "1",
                   "-nostdin",
                   "-timeout",
                   "30s",
                   "-timeout_error",
                   "127.0.0.1:" + std::to_string(sip_port)};
    caller.working_directory = work.path().string();
    caller.timeout_seconds = 40;
    const int caller_exit = ssw::test::run_tool(sipp, caller).exit_code;
    std::this_thread::sleep_for(300ms);
    vendor.stop(SIGTERM, 5s);
    const auto seen = ssw::test::read_text(vendor_log);
    const int daemon_exit = daemon.stop(SIGTERM, 10s);
    INFO(daemon.stderr_text());
    INFO(seen);
    CHECK(caller_exit == 0);
    CHECK(count(seen, "INVITE sip:4930123456@127.0.0.1:" + std::to_string(vendor_port) +
                          ";transport=tcp SIP/2.0") == 1);
    CHECK(count(seen, "Via: SIP/2.0/TCP 127.0.0.1:" + std::to_string(sip_port)) >= 1);
    CHECK(count(seen, "ACK ") == 1);
    CHECK(count(seen, "BYE ") == 1);
    CHECK(daemon_exit == 0);
}
