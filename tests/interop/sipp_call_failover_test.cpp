// SPDX-License-Identifier: MIT
// ssw-run --demo between a sipp caller and two sipp vendor gateways on loopback: the first
// rejects with 503, the second answers; check the call, what each gateway saw and the CDR.
#include "support/background_process.hpp"
#include "support/tool_runner.hpp"

#include <ssw/cdr/writer.hpp>

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

} // namespace

TEST_CASE("interop::sipp_call_failover: 503 from the first vendor, the second answers, one CDR "
          "with both attempts",
          "[interop][b2bua]")
{
    temp_work work;
    const int port = ssw::test::free_port();
    ssw::test::background_process daemon(
        SSW_RUN_BIN, {"--demo", "--listen", "udp:127.0.0.1:" + std::to_string(port)},
        work.path.string());
    REQUIRE(daemon.wait_for_stderr("listening", 10s));
    const auto log1 = work.path / "vendor1.log";
    const auto log2 = work.path / "vendor2.log";
    auto v1 = vendor("uas_503.xml", 5090, log1);
    auto v2 = vendor("uas_200_delay.xml", 5091, log2);
    std::this_thread::sleep_for(300ms); // let both bind

    ssw::test::tool_call caller;
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
                   "-timeout",
                   "30s",
                   "-timeout_error",
                   "127.0.0.1:" + std::to_string(port)};
    caller.working_directory = work.path.string();
    caller.timeout_seconds = 40;
    const auto result = ssw::test::run_tool(sipp, caller);
    INFO(daemon.stderr_text());
    CHECK(result.exit_code == 0);

    CHECK(v1->stop(SIGTERM, 5s) >= 0);
    CHECK(v2->stop(SIGTERM, 5s) >= 0);
    const auto seen1 = slurp(log1);
    const auto seen2 = slurp(log2);
    INFO(seen1);
    INFO(seen2);
    CHECK(count(seen1, "INVITE sip:4930123456@127.0.0.1:5090 SIP/2.0") >= 1);
    CHECK(count(seen1, "ACK sip:4930123456@127.0.0.1:5090 SIP/2.0") >= 1);
    CHECK(count(seen1, "CANCEL ") == 0);
    CHECK(count(seen2, "INVITE sip:4930123456@127.0.0.1:5091 SIP/2.0") >= 1);
    CHECK(count(seen2, "BYE ") >= 1);
    CHECK(daemon.stop(SIGTERM, 10s) == 0);

    std::ostringstream rows;
    const auto n = ssw::cdr::export_records(work.path / "ssw-cdr.db", ssw::cdr::export_format::json,
                                            std::nullopt, rows);
    REQUIRE(n);
    CHECK(*n == 1);
    const auto text = rows.str();
    INFO(text);
    CHECK(text.find("demo-vendor-5090") != std::string::npos);
    CHECK(text.find("demo-vendor-5091") != std::string::npos);
    CHECK(text.find("4930123456") != std::string::npos);
    CHECK(text.find("\"final_code\":200") != std::string::npos);
    CHECK(text.find("\"final_code\":503") != std::string::npos);
}
