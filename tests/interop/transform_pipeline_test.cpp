// SPDX-License-Identifier: MIT
// The numbers ssw-run sends a vendor are the numbers `ssw-transform apply --config --pipeline`
// prints: a sipp caller through a mapping gateway, a sipp vendor that logs what it receives,
// and the CLI on the same ssw.conf and rule file.
#include "support/background_process.hpp"
#include "support/helpers.hpp"
#include "support/temp_dir.hpp"
#include "support/tool_runner.hpp"

#include <catch2/catch.hpp>

#include <csignal>
#include <filesystem>
#include <fstream>
#include <regex>
#include <thread>

using namespace std::chrono_literals;

TEST_CASE("interop::transform: the numbers a vendor receives equal ssw-transform's output",
          "[interop][b2bua][transform]")
{
    const std::string sipp = ssw::test::require_program("sipp", "sip-tester");
    ssw::test::temp_dir work;
    const int sip_port = ssw::test::free_port();
    const int vendor_port = ssw::test::free_port();
    std::ofstream(work.path() / "site.rules") << "plan cust-in\n"
                                                 "    add 1 len=10\n"
                                                 "end\n"
                                                 "plan vendor-out\n"
                                                 "    strip 00 len>3\n"
                                                 "    add 9999 len>3\n"
                                                 "end\n"
                                                 "plan pai\n"
                                                 "    add + len>3\n"
                                                 "end\n";
    const auto conf = work.path() / "ssw.conf";
    std::ofstream(conf) << "cdr = " << (work.path() / "cdr.db").string() << "\n"
                        << "bindings = " << (work.path() / "bindings.db").string() << "\n"
                        << "rules = site.rules\n"
                        << "[listen]\nudp = 127.0.0.1:" << sip_port << "\n"
                        << "[mapping-gateway cust]\nnetwork = 127.0.0.1/32\ncaller-plan = cust-in\n"
                        << "[routing-gateway vendor]\naddress = 127.0.0.1:" << vendor_port
                        << "\nprefix = *\ncallee-plan = vendor-out\npai-plan = pai\n";

    // What the CLI says the vendor gets.
    ssw::test::tool_call cli;
    cli.args = {"apply", "--config", conf.string(), "--pipeline", "--from",
                "cust",  "--to",     "vendor",      "--json"};
    cli.stdin_text = "4930000001 0044123456789\n";
    const auto expected = ssw::test::run_tool(SSW_TRANSFORM_BIN, cli);
    INFO(expected.out << expected.err);
    REQUIRE(expected.exit_code == 0);
    std::smatch m;
    REQUIRE(std::regex_search(expected.out, m,
                              std::regex("\"caller\":\"([^\"]*)\",\"callee\":\"([^\"]*)\","
                                         "\"pai\":\"([^\"]*)\"")));
    const std::string caller = m[1], callee = m[2], pai = m[3];
    CHECK(caller == "14930000001");
    CHECK(callee == "44123456789"); // the first rule that matches decides (ssw-rules(5))
    CHECK(pai == "+14930000001");

    // What the daemon sends.
    ssw::test::background_process daemon(
        SSW_RUN_BIN, {"--config", conf.string(), "--log-level", "info"}, work.path().string());
    REQUIRE(daemon.wait_for_stderr("listening", 10s));
    const auto vendor_log = work.path() / "vendor.log";
    ssw::test::background_process vendor(
        sipp, {"-sf", std::string(SSW_TEST_DATA_DIR) + "/sipp/uas_200_delay.xml", "-i", "127.0.0.1",
               "-p", std::to_string(vendor_port), "-m", "1", "-nostdin", "-trace_msg",
               "-message_file", vendor_log.string(), "-timeout", "30s"});
    std::this_thread::sleep_for(300ms);
    ssw::test::tool_call call;
    call.args = {"-sf",
                 std::string(SSW_TEST_DATA_DIR) + "/sipp/uac_load.xml",
                 "-s",
                 "0044123456789",
                 "-i",
                 "127.0.0.1",
                 "-p",
                 std::to_string(ssw::test::free_port()),
                 "-m",
                 "1",
                 "-d",
                 "200",
                 "-nostdin",
                 "-timeout",
                 "20s",
                 "-timeout_error",
                 "127.0.0.1:" + std::to_string(sip_port)};
    call.timeout_seconds = 40;
    const auto placed = ssw::test::run_tool(sipp, call);
    INFO(placed.out << placed.err);
    CHECK(placed.exit_code == 0);
    vendor.stop(SIGTERM, 5s);
    daemon.stop(SIGTERM, 5s);
    const auto received = ssw::test::read_text(vendor_log);
    INFO(received);
    std::smatch invite;
    REQUIRE(std::regex_search(received, invite, std::regex("INVITE sip:([^@]*)@")));
    CHECK(invite[1] == callee);
    std::smatch from;
    REQUIRE(std::regex_search(received, from, std::regex("From: [^\\r\\n]*<sip:([^@]*)@")));
    CHECK(from[1] == caller);
    std::smatch asserted;
    REQUIRE(std::regex_search(received, asserted,
                              std::regex("P-Asserted-Identity: [^\\r\\n]*<sip:([^@]*)@")));
    CHECK(asserted[1] == pai);
}
