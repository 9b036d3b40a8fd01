// SPDX-License-Identifier: MIT
// A 200 OK to a REGISTER leaves only after its binding is on disk, whatever thread writes it:
// ssw-run is killed with SIGKILL in the middle of a REGISTER load, and every binding sipp saw
// acknowledged is in the store when it is opened again.
#include "support/background_process.hpp"
#include "support/helpers.hpp"
#include "support/temp_dir.hpp"
#include "support/tool_runner.hpp"

#include <ssw/registrar/binding_store.hpp>

#include <catch2/catch.hpp>

#include <chrono>
#include <csignal>
#include <fstream>
#include <regex>
#include <set>
#include <thread>

using namespace std::chrono_literals;

TEST_CASE("interop::durability: SIGKILL under REGISTER load loses no acknowledged binding",
          "[interop][registrar]")
{
    const std::string sipp = ssw::test::require_program("sipp", "sip-tester");
    ssw::test::temp_dir work;
    const int port = ssw::test::free_port();
    constexpr int accounts = 3000;
    constexpr int first = 20000;
    const auto db = work.path() / "bindings.db";
    {
        std::ofstream conf(work.path() / "ssw.conf");
        conf << "bindings = " << db.string() << "\n[listen]\nudp = 127.0.0.1:" << port << "\n";
        for (int i = 0; i < accounts; ++i) {
            conf << "[account " << first + i << "]\npassword = demo\n";
        }
        std::ofstream users(work.path() / "users.csv");
        users << "SEQUENTIAL\n";
        for (int i = 0; i < accounts; ++i) {
            users << first + i << ";[authentication username=" << first + i << " password=demo]\n";
        }
    }
    auto daemon = std::make_unique<ssw::test::background_process>(
        SSW_RUN_BIN,
        std::vector<std::string>{"--config", (work.path() / "ssw.conf").string(), "--log-level",
                                 "info"},
        work.path().string());
    REQUIRE(daemon->wait_for_stderr("listening", 30s));
    const auto messages = work.path() / "sipp_messages.log";
    ssw::test::background_process load(
        sipp, {"-sf", std::string(SSW_SOURCE_DIR) + "/bench/data/register_each_account.xml", "-inf",
               (work.path() / "users.csv").string(), "-i", "127.0.0.1", "-p",
               std::to_string(ssw::test::free_port()), "-r", "3000", "-m", std::to_string(accounts),
               "-nostdin", "-trace_msg", "-message_file", messages.string(), "-timeout", "20s",
               "127.0.0.1:" + std::to_string(port)});
    // Kill once the load is well under way (commits in flight), however fast this build is.
    const auto deadline = std::chrono::steady_clock::now() + 30s;
    while (std::chrono::steady_clock::now() < deadline &&
           ssw::test::count(ssw::test::read_text(messages), "SIP/2.0 200 OK") < 100) {
        std::this_thread::sleep_for(50ms);
    }
    REQUIRE(daemon->stop(SIGKILL, 5s) != 0);
    daemon.reset();
    load.stop(SIGTERM, 5s);

    // Every account sipp received a 200 for.
    const auto log = ssw::test::read_text(messages);
    std::set<std::string> acknowledged;
    const std::regex ok("SIP/2\\.0 200 OK[^]*?To: <sip:([0-9]+)@");
    for (std::sregex_iterator it(log.begin(), log.end(), ok), end; it != end; ++it) {
        acknowledged.insert((*it)[1]);
    }
    INFO(acknowledged.size() << " acknowledged before the kill");
    REQUIRE(acknowledged.size() > 10);       // the kill came during the load,
    REQUIRE(acknowledged.size() < accounts); // not after it
    auto store = ssw::registrar::binding_store::open(db, std::chrono::system_clock::now());
    REQUIRE(store);
    std::size_t missing = 0;
    for (const auto& account : acknowledged) {
        if (store->lookup(account, std::chrono::system_clock::now()).empty()) {
            ++missing;
            UNSCOPED_INFO("acknowledged but not stored: " << account);
        }
    }
    CHECK(missing == 0);
}
