// SPDX-License-Identifier: MIT
// Load through ssw-run: a sipp caller keeps many calls up at once, every call fails over once
// (the first vendor answers 503, the second rings and answers after a delay), the caller
// holds and hangs up. Afterwards no call may be in progress, no call transaction may still
// wait for an answer, and there must be one CDR per call. The counts come from `ssw-run status
// --json` over the control socket; what the status does not carry (call transactions
// waiting, the peak, CDRs written) from the daemon's "at exit: ..." line. In the ASan build
// the leak checker runs at that exit too.
#include "support/background_process.hpp"
#include "support/helpers.hpp"
#include "support/temp_dir.hpp"
#include "support/tool_runner.hpp"

#include <ssw/cdr/writer.hpp>

#include <catch2/catch.hpp>

#include <csignal>
#include <filesystem>
#include <fstream>
#include <regex>
#include <sstream>
#include <thread>

using namespace std::chrono_literals;

namespace {

std::string scenario(const std::string& name)
{
    return std::string(SSW_TEST_DATA_DIR) + "/sipp/" + name;
}

struct load_shape {
    int calls = 1000;     // total calls (-m)
    int limit = 1000;     // concurrent calls at most (-l)
    int rate = 250;       // new calls per second (-r)
    int answer_ms = 2000; // the second vendor's delay before 200
    int hold_ms = 3000;   // the caller's hold time after the answer
    // Wait this long after the last call before stopping the daemon, so that ended calls
    // finish lingering (64*T1 = 32 s) and the tables must be empty (0: stop at once).
    std::chrono::seconds settle{0};
    int sipp_timeout_s = 240;
};

struct load_result {
    int caller_exit = -1;
    int daemon_exit = -1;
    std::string caller_out, daemon_log, status;
    std::uint64_t cdr_rows = 0;
    // From `ssw-run status --json` just before the stop; -1 when a field is missing.
    long in_progress = -1, in_memory = -1, server_open = -1, answered = -1, calls = -1;
    // From the daemon's "at exit" line (the status does not carry them); -1 when missing.
    long waiting = -1, peak = -1, cdrs = -1;
};

// Every sipp gets 4 MB socket buffers (-buff_size; the kernel caps it at net.core.rmem_max):
// one sipp socket stands for a thousand phones, and a burst of the daemon's answers must not
// overflow its default 208 kB buffer and turn into retransmissions.

// Starts `argv` with stdout and stderr in `log`: a load run prints far more than a pipe
// holds, and nobody reads the pipe while the run lasts.
std::unique_ptr<ssw::test::background_process> spawn_logged(std::vector<std::string> argv,
                                                            const std::filesystem::path& log,
                                                            const std::filesystem::path& cwd)
{
    std::vector<std::string> args{"-c", "log=$1; shift; exec \"$@\" >\"$log\" 2>&1", "sh",
                                  log.string()};
    args.insert(args.end(), argv.begin(), argv.end());
    return std::make_unique<ssw::test::background_process>("/bin/sh", args, cwd.string());
}

long number_before(const std::string& text, const std::string& words)
{
    const std::regex re("([0-9]+) " + words);
    std::smatch m;
    if (!std::regex_search(text, m, re)) {
        return -1;
    }
    return std::stol(m[1].str());
}

// The number after "key": in an object of one JSON line ("calls":{"in_progress":3,...}).
long json_number(const std::string& json, const std::string& object, const std::string& key)
{
    const std::regex re("\"" + object + "\":\\{[^}]*\"" + key + "\":([0-9]+)");
    std::smatch m;
    if (!std::regex_search(json, m, re)) {
        return -1;
    }
    return std::stol(m[1].str());
}

load_result run_load(const load_shape& shape)
{
    const std::string sipp = ssw::test::require_program("sipp", "sip-tester");
    load_result r;
    ssw::test::temp_dir work;
    const int port = ssw::test::free_port();
    const int v1_port = ssw::test::free_port();
    const int v2_port = ssw::test::free_port();
    const int caller_port = ssw::test::free_port();
    const auto conf = work / "ssw.conf";
    {
        std::ofstream f(conf);
        f << "cdr = " << (work / "cdr.db").string() << "\n"
          << "bindings = " << (work / "bindings.db").string() << "\n"
          << "[listen]\nudp = 127.0.0.1:" << port << "\n"
          << "[mapping-gateway load]\nnetwork = 127.0.0.1/32\n"
          << "[routing-gateway first]\naddress = 127.0.0.1:" << v1_port
          << "\nprefix = *\npriority = 1\n"
          << "[routing-gateway second]\naddress = 127.0.0.1:" << v2_port
          << "\nprefix = *\npriority = 2\n";
    }
    const std::string total = std::to_string(shape.calls);
    const std::string timeout = std::to_string(shape.sipp_timeout_s) + "s";
    const auto daemon_log = work / "ssw-run.log";
    auto daemon = spawn_logged({SSW_RUN_BIN, "--config", conf.string()}, daemon_log, work.path());
    REQUIRE(ssw::test::wait_for_text(daemon_log, "listening", 20s));
    // Both vendors exit by themselves after `calls` calls (or at their timeout).
    auto v1 = spawn_logged({sipp, "-sf", scenario("uas_503.xml"), "-i", "127.0.0.1", "-p",
                            std::to_string(v1_port), "-m", total, "-buff_size", "4194304",
                            "-nostdin", "-timeout", timeout},
                           work / "vendor1.log", work.path());
    auto v2 =
        spawn_logged({sipp, "-sf", scenario("uas_load_answer.xml"), "-i", "127.0.0.1", "-p",
                      std::to_string(v2_port), "-m", total, "-d", std::to_string(shape.answer_ms),
                      "-buff_size", "4194304", "-nostdin", "-timeout", timeout},
                     work / "vendor2.log", work.path());
    std::this_thread::sleep_for(500ms); // let both bind

    ssw::test::tool_call caller;
    caller.args = {"-sf",
                   scenario("uac_load.xml"),
                   "-s",
                   "4930123456",
                   "-i",
                   "127.0.0.1",
                   "-p",
                   std::to_string(caller_port),
                   "-m",
                   total,
                   "-l",
                   std::to_string(shape.limit),
                   "-r",
                   std::to_string(shape.rate),
                   "-d",
                   std::to_string(shape.hold_ms),
                   "-buff_size",
                   "4194304",
                   "-nostdin",
                   "-timeout",
                   timeout,
                   "-timeout_error",
                   "127.0.0.1:" + std::to_string(port)};
    caller.working_directory = work.path().string();
    caller.timeout_seconds = shape.sipp_timeout_s + 30;
    const auto result = ssw::test::run_tool(sipp, caller);
    r.caller_exit = result.exit_code;
    r.caller_out =
        result.out.size() > 4000 ? result.out.substr(result.out.size() - 4000) : result.out;
    std::this_thread::sleep_for(2s); // the last ACKs and BYEs between the daemon and vendors
    std::this_thread::sleep_for(shape.settle);
    // The daemon's own account of its tables, over the control socket (ssw-run.ctl in its
    // working directory).
    ssw::test::tool_call status;
    status.args = {"status", "--json", "--config", conf.string()};
    status.working_directory = work.path().string();
    const auto st = ssw::test::run_tool(SSW_RUN_BIN, status);
    r.status = st.out + st.err;
    if (st.exit_code == 0) {
        r.in_progress = json_number(st.out, "calls", "in_progress");
        r.calls = json_number(st.out, "calls", "total");
        r.answered = json_number(st.out, "calls", "answered");
        r.in_memory = json_number(st.out, "tables", "calls");
        r.server_open = json_number(st.out, "engine", "open_transactions");
    }
    r.daemon_exit = daemon->stop(SIGTERM, 30s);
    v1->stop(SIGTERM, 5s);
    v2->stop(SIGTERM, 5s);
    r.daemon_log = ssw::test::read_text(daemon_log);
    if (const auto at = r.daemon_log.find("at exit:"); at != std::string::npos) {
        const auto line = r.daemon_log.substr(at, r.daemon_log.find('\n', at) - at);
        r.waiting = number_before(line, "call transactions waiting");
        r.peak = number_before(line, "concurrent calls");
        r.cdrs = number_before(line, "CDRs");
    }
    // Keep the log short for INFO: the start and the end.
    if (r.daemon_log.size() > 6000) {
        r.daemon_log = r.daemon_log.substr(0, 2000) + "\n...\n" +
                       r.daemon_log.substr(r.daemon_log.size() - 4000);
    }
    std::ostringstream rows;
    if (const auto n = ssw::cdr::export_records(work / "cdr.db", ssw::cdr::export_format::csv,
                                                std::nullopt, rows)) {
        r.cdr_rows = *n;
    }
    return r;
}

void check_load(const load_shape& shape, const load_result& r)
{
    INFO(r.caller_out);
    INFO(r.daemon_log);
    INFO(r.status);
    const auto n = static_cast<long>(shape.calls);
    CHECK(r.caller_exit == 0); // sipp: every call answered, held and hung up
    CHECK(r.daemon_exit == 0);
    CHECK(r.calls == n);
    CHECK(r.answered == n);
    CHECK(r.in_progress == 0);
    CHECK(r.waiting == 0);
    CHECK(r.server_open == 0); // calls from a mapping gateway: no challenge transactions
    CHECK(r.cdrs == n);
    CHECK(r.cdr_rows == static_cast<std::uint64_t>(n));
    // sipp keeps up to `limit` calls up; a slow daemon only makes calls longer, so at least
    // half the limit is reached on any machine that runs the test at all.
    CHECK(r.peak >= shape.limit / 2);
    CHECK(r.peak <= shape.limit);
    if (shape.settle.count() > 0) {
        CHECK(r.in_memory == 0); // every ended call left after its linger time
    }
}

} // namespace

TEST_CASE("interop::sipp_call_load: 1000 concurrent calls with one failover each, none left "
          "in progress, one CDR per call",
          "[interop][b2bua][load]")
{
    // A gentle rate with long calls reaches the limit too (150/s x 8 s > 1000) and leaves the
    // ASan build, under a parallel ctest, time to answer before sipp retransmits.
    load_shape shape;
    shape.calls = 1300;
    shape.limit = 1000;
    shape.rate = 150;
    shape.answer_ms = 2000;
    shape.hold_ms = 6000;
    const auto r = run_load(shape);
    check_load(shape, r);
}

TEST_CASE("interop::sipp_call_load: 2000 concurrent calls, 6000 in all, the tables empty after "
          "the linger time (slow)",
          "[interop][b2bua][load]")
{
    load_shape shape;
    shape.calls = 6000;
    shape.limit = 2000;
    shape.rate = 400;
    shape.settle = 36s;
    const auto r = run_load(shape);
    check_load(shape, r);
}
