// SPDX-License-Identifier: MIT
// ssw-run --demo between a sipp caller and two sipp vendor gateways on loopback: the first
// rejects with 503, the second answers; check the call, what each gateway saw and the CDR.
#include "support/background_process.hpp"
#include "support/tool_runner.hpp"

#include <ssw/cdr/writer.hpp>
#include <ssw/core/atomic_file.hpp>

#include <catch2/catch.hpp>

#include <csignal>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <stdlib.h>
#include <thread>

using namespace std::chrono_literals;

namespace {

const std::string sipp = "/usr/bin/sipp";

std::string scenario(const std::string& name)
{
    return std::string(SSW_TEST_DATA_DIR) + "/sipp/" + name;
}

std::string slurp(const std::filesystem::path& p)
{
    std::ifstream in(p, std::ios::binary);
    std::ostringstream s;
    s << in.rdbuf();
    return s.str();
}

std::size_t count(const std::string& text, const std::string& needle)
{
    std::size_t n = 0;
    for (auto pos = text.find(needle); pos != std::string::npos; pos = text.find(needle, pos + 1)) {
        ++n;
    }
    return n;
}

// A vendor gateway played by sipp on a fixed demo port, logging the messages it saw.
std::unique_ptr<ssw::test::background_process> vendor(const std::string& xml, int port,
                                                      const std::filesystem::path& log)
{
    return std::make_unique<ssw::test::background_process>(
        sipp, std::vector<std::string>{"-sf", scenario(xml), "-i", "127.0.0.1", "-p",
                                       std::to_string(port), "-m", "1", "-nostdin", "-trace_msg",
                                       "-message_file", log.string(), "-timeout", "40s"});
}

struct temp_work {
    temp_work()
    {
        std::string tmpl = (std::filesystem::temp_directory_path() / "ssw-interop-XXXXXX").string();
        path = mkdtemp(tmpl.data());
    }
    ~temp_work()
    {
        std::error_code ec;
        std::filesystem::remove_all(path, ec);
    }
    std::filesystem::path path;
};

// One call through ssw-run --demo: vendor scenarios on 5090 and 5091, a caller scenario,
// extra daemon arguments; what each side saw and the CDR export afterwards.
struct call_run {
    int caller_exit = -1;
    int daemon_exit = -1;
    std::string seen1, seen2, cdr_json, daemon_log;
    std::uint64_t cdr_rows = 0;
};

call_run run_call(const std::string& vendor1, const std::string& vendor2,
                  const std::string& caller_xml, const std::string& expected_code,
                  const std::vector<std::string>& daemon_args)
{
    call_run r;
    // The demo's vendors are fixed at 5090 and 5091: one test at a time may play them
    // (ctest -j runs test cases in parallel processes).
    auto ports = ssw::core::file_lock::acquire(std::filesystem::temp_directory_path() /
                                               "ssw-demo-vendor-ports");
    REQUIRE(ports);
    temp_work work;
    const int port = ssw::test::free_port();
    std::vector<std::string> args{"--demo", "--listen", "udp:127.0.0.1:" + std::to_string(port)};
    args.insert(args.end(), daemon_args.begin(), daemon_args.end());
    ssw::test::background_process daemon(SSW_RUN_BIN, args, work.path.string());
    REQUIRE(daemon.wait_for_stderr("listening", 10s));
    const auto log1 = work.path / "vendor1.log";
    const auto log2 = work.path / "vendor2.log";
    auto v1 = vendor(vendor1, 5090, log1);
    auto v2 = vendor(vendor2, 5091, log2);
    std::this_thread::sleep_for(300ms); // let both bind

    std::string xml = slurp(scenario(caller_xml));
    for (auto pos = xml.find("EXPECTED_CODE"); pos != std::string::npos;
         pos = xml.find("EXPECTED_CODE")) {
        xml.replace(pos, 13, expected_code);
    }
    const auto caller_file = work.path / caller_xml;
    std::ofstream(caller_file, std::ios::binary) << xml;

    ssw::test::tool_call caller;
    caller.args = {"-sf",
                   caller_file.string(),
                   "-s",
                   "4930123456",
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
                   "127.0.0.1:" + std::to_string(port)};
    caller.working_directory = work.path.string();
    caller.timeout_seconds = 40;
    r.caller_exit = ssw::test::run_tool(sipp, caller).exit_code;
    std::this_thread::sleep_for(300ms); // the last ACK/BYE exchanges with the vendors
    v1->stop(SIGTERM, 5s);
    v2->stop(SIGTERM, 5s);
    r.seen1 = slurp(log1);
    r.seen2 = slurp(log2);
    r.daemon_exit = daemon.stop(SIGTERM, 10s);
    r.daemon_log = daemon.stderr_text();
    std::ostringstream rows;
    if (const auto n = ssw::cdr::export_records(
            work.path / "ssw-cdr.db", ssw::cdr::export_format::json, std::nullopt, rows)) {
        r.cdr_rows = *n;
    }
    r.cdr_json = rows.str();
    return r;
}

bool has(const std::string& text, const std::string& needle)
{
    return text.find(needle) != std::string::npos;
}

} // namespace

TEST_CASE("interop::sipp_call_failover: 503 from the first vendor, the second answers, one CDR "
          "with both attempts",
          "[interop][b2bua]")
{
    const auto r = run_call("uas_503.xml", "uas_200_delay.xml", "call_auth.xml", "", {});
    INFO(r.daemon_log);
    INFO(r.seen1);
    INFO(r.seen2);
    INFO(r.cdr_json);
    CHECK(r.caller_exit == 0);
    CHECK(count(r.seen1, "INVITE sip:4930123456@127.0.0.1:5090 SIP/2.0") >= 1);
    CHECK(count(r.seen1, "ACK sip:4930123456@127.0.0.1:5090 SIP/2.0") >= 1);
    CHECK(count(r.seen1, "CANCEL ") == 0);
    CHECK(count(r.seen2, "INVITE sip:4930123456@127.0.0.1:5091 SIP/2.0") >= 1);
    CHECK(count(r.seen2, "ACK ") >= 1);
    CHECK(count(r.seen2, "BYE ") >= 1);
    CHECK(r.daemon_exit == 0);
    CHECK(r.cdr_rows == 1);
    CHECK(has(r.cdr_json, "\"demo-vendor-5090\""));
    CHECK(has(r.cdr_json, "\"demo-vendor-5091\""));
    CHECK(has(r.cdr_json, "\"callee_sent\":\"4930123456\""));
    CHECK(has(r.cdr_json, "\"final_code\":200"));
    CHECK(has(r.cdr_json, "\"final_code\":503"));
    CHECK(has(r.cdr_json, "\"release_cause\":\"bye\""));
}

TEST_CASE("interop::sipp_call_failover: a vendor that never answers is left after the INVITE "
          "timeout, 486 stops",
          "[interop][b2bua]")
{
    const auto r = run_call("uas_no_answer.xml", "uas_486.xml", "call_fail.xml", "486",
                            {"--param", "SS_SIP_TIMEOUT_INVITE=1"});
    INFO(r.daemon_log);
    INFO(r.seen1);
    INFO(r.seen2);
    INFO(r.cdr_json);
    CHECK(r.caller_exit == 0);
    CHECK(count(r.seen1, "INVITE sip:4930123456@127.0.0.1:5090 SIP/2.0") >= 2); // retransmitted
    CHECK(count(r.seen1, "CANCEL ") == 0);
    CHECK(count(r.seen2, "INVITE sip:4930123456@127.0.0.1:5091 SIP/2.0") == 1);
    CHECK(count(r.seen2, "ACK ") == 1);
    CHECK(r.cdr_rows == 1);
    CHECK(has(r.cdr_json, "\"end_reason\":\"invite_timeout\""));
    CHECK(has(r.cdr_json, "\"stop_rule\":\"user_busy\""));
}

TEST_CASE("interop::sipp_call_failover: a ringing vendor is cancelled at the ringing timeout, the "
          "next says 404",
          "[interop][b2bua]")
{
    const auto r = run_call("uas_180_timeout.xml", "uas_404.xml", "call_fail.xml", "404",
                            {"--param", "SS_SIP_TIMEOUT_RINGING=1"});
    INFO(r.daemon_log);
    INFO(r.seen1);
    INFO(r.seen2);
    INFO(r.cdr_json);
    CHECK(r.caller_exit == 0);
    CHECK(count(r.seen1, "CANCEL sip:4930123456@127.0.0.1:5090 SIP/2.0") >= 1);
    CHECK(count(r.seen1, "ACK sip:4930123456@127.0.0.1:5090 SIP/2.0") >= 1); // for the 487
    CHECK(count(r.seen2, "INVITE sip:4930123456@127.0.0.1:5091 SIP/2.0") == 1);
    CHECK(r.cdr_rows == 1);
    CHECK(has(r.cdr_json, "\"end_reason\":\"ringing_timeout\""));
    CHECK(has(r.cdr_json, "\"final_code\":404"));
}

TEST_CASE("interop::sipp_call_failover: 183 with SDP commits, the vendor's 503 reaches the caller",
          "[interop][b2bua]")
{
    const auto r = run_call("uas_183_sdp_503.xml", "uas_200_delay.xml", "call_fail.xml", "503", {});
    INFO(r.daemon_log);
    INFO(r.seen1);
    INFO(r.seen2);
    INFO(r.cdr_json);
    CHECK(r.caller_exit == 0);
    CHECK(count(r.seen2, "INVITE ") == 0);
    CHECK(r.cdr_rows == 1);
    CHECK(has(r.cdr_json, "\"stop_rule\":\"committed_sdp\""));
}

TEST_CASE("interop::sipp_call_failover: a demo account calling from 127.0.0.1 is challenged "
          "(the vendors' address alone does not make it trusted)",
          "[interop][b2bua]")
{
    // The authenticated INVITE goes to the demo vendors' ports: hold them like run_call does.
    auto ports = ssw::core::file_lock::acquire(std::filesystem::temp_directory_path() /
                                               "ssw-demo-vendor-ports");
    REQUIRE(ports);
    temp_work work;
    const int port = ssw::test::free_port();
    ssw::test::background_process daemon(
        SSW_RUN_BIN, {"--demo", "--listen", "udp:127.0.0.1:" + std::to_string(port)},
        work.path.string());
    REQUIRE(daemon.wait_for_stderr("listening", 10s));
    const auto seen = work.path / "caller.log";
    ssw::test::tool_call caller;
    // No vendor answers: the call itself cannot complete, only the challenge matters here.
    caller.args = {"-sf",
                   scenario("call_auth.xml"),
                   "-s",
                   "4930123456",
                   "-i",
                   "127.0.0.1",
                   "-p",
                   std::to_string(ssw::test::free_port()),
                   "-m",
                   "1",
                   "-nostdin",
                   "-trace_msg",
                   "-message_file",
                   seen.string(),
                   "-timeout",
                   "3s",
                   "127.0.0.1:" + std::to_string(port)};
    caller.working_directory = work.path.string();
    caller.timeout_seconds = 20;
    (void)ssw::test::run_tool(sipp, caller);
    daemon.stop(SIGTERM, 10s);
    const auto text = slurp(seen);
    INFO(text);
    CHECK((has(text, "SIP/2.0 401 ") || has(text, "SIP/2.0 407 ")));
    CHECK(count(text, "INVITE sip:4930123456@127.0.0.1:") >= 2); // the answer with credentials
    CHECK(has(text, "Authorization: Digest username=\"1000\""));
}
