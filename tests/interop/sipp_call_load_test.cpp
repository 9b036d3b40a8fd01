// SPDX-License-Identifier: MIT
// Load through ssw-run: a sipp caller keeps many calls up at once, every call fails over once
// (the first vendor answers 503, the second rings and answers after a delay), the caller
// holds and hangs up. Afterwards no call may be in progress, no call transaction may still
// wait for an answer, and there must be one CDR per call. The daemon reports its tables at
// exit ("at exit: ..." on stderr); in the ASan build the leak checker runs at that exit too.
#include "support/background_process.hpp"
#include "support/tool_runner.hpp"

#include <ssw/cdr/writer.hpp>

#include <catch2/catch.hpp>

#include <csignal>
#include <filesystem>
#include <fstream>
#include <regex>
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

struct temp_work {
    temp_work()
    {
        std::string tmpl = (std::filesystem::temp_directory_path() / "ssw-load-XXXXXX").string();
        path = mkdtemp(tmpl.data());
    }
    ~temp_work()
    {
        std::error_code ec;
        std::filesystem::remove_all(path, ec);
    }
    std::filesystem::path path;
};

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
    std::string caller_out, daemon_log;
    std::uint64_t cdr_rows = 0;
    // From the daemon's "at exit" line; -1 when the line is missing.
    long in_progress = -1, in_memory = -1, waiting = -1, server_open = -1, peak = -1, cdrs = -1;
    long answered = -1, calls = -1;
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

std::string slurp(const std::filesystem::path& p)
{
    std::ifstream in(p, std::ios::binary);
    std::ostringstream s;
    s << in.rdbuf();
    return s.str();
}

bool wait_for_text(const std::filesystem::path& p, const std::string& needle,
                   std::chrono::milliseconds timeout)
{
    const auto until = std::chrono::steady_clock::now() + timeout;
    while (std::chrono::steady_clock::now() < until) {
        if (slurp(p).find(needle) != std::string::npos) {
            return true;
        }
        std::this_thread::sleep_for(50ms);
    }
    return false;
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

load_result run_load(const load_shape& shape)
{
    load_result r;
    temp_work work;
    const int port = ssw::test::free_port();
    const int v1_port = ssw::test::free_port();
    const int v2_port = ssw::test::free_port();
    const int caller_port = ssw::test::free_port();
    const auto conf = work.path / "ssw.conf";
    {
        std::ofstream f(conf);
        f << "cdr = " << (work.path / "cdr.db").string() << "\n"
          << "bindings = " << (work.path / "bindings.db").string() << "\n"
          << "[listen]\nudp = 127.0.0.1:" << port << "\n"
          << "[mapping-gateway load]\nnetwork = 127.0.0.1/32\n"
          << "[routing-gateway first]\naddress = 127.0.0.1:" << v1_port
          << "\nprefix = *\npriority = 1\n"
          << "[routing-gateway second]\naddress = 127.0.0.1:" << v2_port
          << "\nprefix = *\npriority = 2\n";
    }
    const std::string total = std::to_string(shape.calls);
    const std::string timeout = std::to_string(shape.sipp_timeout_s) + "s";
    const auto daemon_log = work.path / "ssw-run.log";
    auto daemon = spawn_logged({SSW_RUN_BIN, "--config", conf.string()}, daemon_log, work.path);
    REQUIRE(wait_for_text(daemon_log, "listening", 20s));
    // Both vendors exit by themselves after `calls` calls (or at their timeout).
    auto v1 = spawn_logged({sipp, "-sf", scenario("uas_503.xml"), "-i", "127.0.0.1", "-p",
                            std::to_string(v1_port), "-m", total, "-buff_size", "4194304",
                            "-nostdin", "-timeout", timeout},
                           work.path / "vendor1.log", work.path);
    auto v2 =
        spawn_logged({sipp, "-sf", scenario("uas_load_answer.xml"), "-i", "127.0.0.1", "-p",
                      std::to_string(v2_port), "-m", total, "-d", std::to_string(shape.answer_ms),
                      "-buff_size", "4194304", "-nostdin", "-timeout", timeout},
                     work.path / "vendor2.log", work.path);
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
    caller.working_directory = work.path.string();
    caller.timeout_seconds = shape.sipp_timeout_s + 30;
    const auto result = ssw::test::run_tool(sipp, caller);
    r.caller_exit = result.exit_code;
    r.caller_out =
        result.out.size() > 4000 ? result.out.substr(result.out.size() - 4000) : result.out;
    std::this_thread::sleep_for(2s); // the last ACKs and BYEs between the daemon and vendors
    std::this_thread::sleep_for(shape.settle);
    r.daemon_exit = daemon->stop(SIGTERM, 30s);
    v1->stop(SIGTERM, 5s);
    v2->stop(SIGTERM, 5s);
    r.daemon_log = slurp(daemon_log);
    if (const auto at = r.daemon_log.find("at exit:"); at != std::string::npos) {
        const auto line = r.daemon_log.substr(at, r.daemon_log.find('\n', at) - at);
        r.in_progress = number_before(line, "calls in progress");
        r.in_memory = number_before(line, "calls in memory");
        r.waiting = number_before(line, "call transactions waiting");
        r.server_open = number_before(line, "server transactions open");
        r.peak = number_before(line, "concurrent calls");
        r.cdrs = number_before(line, "CDRs");
    }
    if (const auto at = r.daemon_log.find("stopping on signal"); at != std::string::npos) {
        const auto line = r.daemon_log.substr(at, r.daemon_log.find('\n', at) - at);
        r.calls = number_before(line, "calls");
        r.answered = number_before(line, "answered");
    }
    // Keep the log short for INFO: the start and the end.
    if (r.daemon_log.size() > 6000) {
        r.daemon_log = r.daemon_log.substr(0, 2000) + "\n...\n" +
                       r.daemon_log.substr(r.daemon_log.size() - 4000);
    }
    std::ostringstream rows;
    if (const auto n = ssw::cdr::export_records(work.path / "cdr.db", ssw::cdr::export_format::csv,
                                                std::nullopt, rows)) {
        r.cdr_rows = *n;
    }
    return r;
}

void check_load(const load_shape& shape, const load_result& r)
{
    INFO(r.caller_out);
    INFO(r.daemon_log);
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
