// SPDX-License-Identifier: MIT
// ssw-run between a sipp caller and two sipp vendor gateways on loopback, configured like the
// demo (account 1000, password demo; two vendors tried in turn) but on ports of its own: the
// first vendor rejects with 503, the second answers; check the call, what each gateway saw
// and the CDR.
#include "support/background_process.hpp"
#include "support/helpers.hpp"
#include "support/temp_dir.hpp"
#include "support/tool_runner.hpp"

#include <ssw/cdr/writer.hpp>

#include <catch2/catch.hpp>

#include <csignal>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <thread>

using namespace std::chrono_literals;

namespace {

using ssw::test::count;
using ssw::test::has;
using ssw::test::read_text;

std::string scenario(const std::string& name)
{
    return std::string(SSW_TEST_DATA_DIR) + "/sipp/" + name;
}

std::string sipp()
{
    return ssw::test::require_program("sipp", "sip-tester");
}

// A vendor gateway played by sipp, logging the messages it saw.
std::unique_ptr<ssw::test::background_process> vendor(const std::string& xml, int port,
                                                      const std::filesystem::path& log)
{
    return std::make_unique<ssw::test::background_process>(
        sipp(), std::vector<std::string>{"-sf", scenario(xml), "-i", "127.0.0.1", "-p",
                                         std::to_string(port), "-m", "1", "-nostdin", "-trace_msg",
                                         "-message_file", log.string(), "-timeout", "40s"});
}

// ssw-run with the demo's shape on free ports: account 1000 (password demo), routing
// gateways vendor-1 and vendor-2 (tried in that order) for every number, CDRs in `dir`.
struct switch_under_test {
    explicit switch_under_test(const ssw::test::temp_dir& dir,
                               const std::vector<std::string>& extra_args = {})
        : port(ssw::test::free_port()), vendor1_port(ssw::test::free_port()),
          vendor2_port(ssw::test::free_port())
    {
        const auto conf = dir / "ssw.conf";
        std::ofstream(conf) << "cdr = " << (dir / "ssw-cdr.db").string() << "\n"
                            << "bindings = " << (dir / "ssw-bindings.db").string() << "\n"
                            << "[listen]\nudp = 127.0.0.1:" << port << "\n"
                            << "[account 1000]\npassword = demo\n"
                            << "[routing-gateway vendor-1]\naddress = 127.0.0.1:" << vendor1_port
                            << "\nprefix = *\npriority = 1\n"
                            << "[routing-gateway vendor-2]\naddress = 127.0.0.1:" << vendor2_port
                            << "\nprefix = *\npriority = 2\n";
        std::vector<std::string> args{"--config", conf.string()};
        args.insert(args.end(), extra_args.begin(), extra_args.end());
        process =
            std::make_unique<ssw::test::background_process>(SSW_RUN_BIN, args, dir.path().string());
        REQUIRE(process->wait_for_stderr("listening", 10s));
    }
    // "INVITE sip:4930123456@127.0.0.1:<vendor port> SIP/2.0" and the like.
    [[nodiscard]] std::string request_line(const std::string& method, int vendor_port) const
    {
        return method + " sip:4930123456@127.0.0.1:" + std::to_string(vendor_port) + " SIP/2.0";
    }
    int port;
    int vendor1_port;
    int vendor2_port;
    std::unique_ptr<ssw::test::background_process> process;
};

// One call: vendor scenarios on vendor-1 and vendor-2, a caller scenario, extra daemon
// arguments; what each side saw and the CDR export afterwards.
struct call_run {
    int caller_exit = -1;
    int daemon_exit = -1;
    std::string seen1, seen2, cdr_json, daemon_log;
    std::string invite1, invite2, ack1, cancel1; // the request lines each vendor should see
    std::uint64_t cdr_rows = 0;
};

call_run run_call(const std::string& vendor1, const std::string& vendor2,
                  const std::string& caller_xml, const std::string& expected_code,
                  const std::vector<std::string>& daemon_args)
{
    call_run r;
    ssw::test::temp_dir work;
    switch_under_test daemon(work, daemon_args);
    r.invite1 = daemon.request_line("INVITE", daemon.vendor1_port);
    r.invite2 = daemon.request_line("INVITE", daemon.vendor2_port);
    r.ack1 = daemon.request_line("ACK", daemon.vendor1_port);
    r.cancel1 = daemon.request_line("CANCEL", daemon.vendor1_port);
    const auto log1 = work / "vendor1.log";
    const auto log2 = work / "vendor2.log";
    auto v1 = vendor(vendor1, daemon.vendor1_port, log1);
    auto v2 = vendor(vendor2, daemon.vendor2_port, log2);
    std::this_thread::sleep_for(300ms); // let both bind

    std::string xml = read_text(scenario(caller_xml));
    for (auto pos = xml.find("EXPECTED_CODE"); pos != std::string::npos;
         pos = xml.find("EXPECTED_CODE")) {
        xml.replace(pos, 13, expected_code);
    }
    const auto caller_file = work / caller_xml;
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
                   "127.0.0.1:" + std::to_string(daemon.port)};
    caller.working_directory = work.path().string();
    caller.timeout_seconds = 40;
    r.caller_exit = ssw::test::run_tool(sipp(), caller).exit_code;
    std::this_thread::sleep_for(300ms); // the last ACK/BYE exchanges with the vendors
    v1->stop(SIGTERM, 5s);
    v2->stop(SIGTERM, 5s);
    r.seen1 = read_text(log1);
    r.seen2 = read_text(log2);
    r.daemon_exit = daemon.process->stop(SIGTERM, 10s);
    r.daemon_log = daemon.process->stderr_text();
    std::ostringstream rows;
    if (const auto n = ssw::cdr::export_records(work / "ssw-cdr.db", ssw::cdr::export_format::json,
                                                std::nullopt, rows)) {
        r.cdr_rows = *n;
    }
    r.cdr_json = rows.str();
    return r;
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
    CHECK(count(r.seen1, r.invite1) >= 1);
    CHECK(count(r.seen1, r.ack1) >= 1);
    CHECK(count(r.seen1, "CANCEL ") == 0);
    CHECK(count(r.seen2, r.invite2) >= 1);
    CHECK(count(r.seen2, "ACK ") >= 1);
    CHECK(count(r.seen2, "BYE ") >= 1);
    CHECK(r.daemon_exit == 0);
    CHECK(r.cdr_rows == 1);
    CHECK(has(r.cdr_json, "\"vendor-1\""));
    CHECK(has(r.cdr_json, "\"vendor-2\""));
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
    CHECK(count(r.seen1, r.invite1) >= 2); // retransmitted
    CHECK(count(r.seen1, "CANCEL ") == 0);
    CHECK(count(r.seen2, r.invite2) == 1);
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
    CHECK(count(r.seen1, r.cancel1) >= 1);
    CHECK(count(r.seen1, r.ack1) >= 1); // for the 487
    CHECK(count(r.seen2, r.invite2) == 1);
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

TEST_CASE("interop::sipp_call_failover: an account calling from 127.0.0.1 is challenged (the "
          "vendors' address alone does not make it trusted)",
          "[interop][b2bua]")
{
    ssw::test::temp_dir work;
    switch_under_test daemon(work);
    const auto seen = work / "caller.log";
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
                   "127.0.0.1:" + std::to_string(daemon.port)};
    caller.working_directory = work.path().string();
    caller.timeout_seconds = 20;
    (void)ssw::test::run_tool(sipp(), caller);
    daemon.process->stop(SIGTERM, 10s);
    const auto text = read_text(seen);
    INFO(text);
    CHECK((has(text, "SIP/2.0 401 ") || has(text, "SIP/2.0 407 ")));
    CHECK(count(text, "INVITE sip:4930123456@127.0.0.1:") >= 2); // the answer with credentials
    CHECK(has(text, "Authorization: Digest username=\"1000\""));
}
