// SPDX-License-Identifier: MIT
// ssw-trace audit as a binary: report, --json, --fail-on exit codes, --emit, --rules and
// --params errors, stdin, and a short live capture on lo.
#include "support/background_process.hpp"
#include "support/helpers.hpp"
#include "support/pcap_builder.hpp"
#include "support/temp_dir.hpp"
#include "support/tool_runner.hpp"

#include <catch2/catch.hpp>

#include <arpa/inet.h>
#include <filesystem>
#include <fstream>
#include <netinet/in.h>
#include <string>
#include <sys/socket.h>
#include <thread>
#include <unistd.h>

using ssw::test::run_tool;
namespace pb = ssw::test::pcap_builder;

namespace {

using ssw::test::has;

std::string scanner_options(int i, std::uint16_t port)
{
    const std::string id = std::to_string(i);
    return "OPTIONS sip:100@192.0.2.10 SIP/2.0\r\nVia: SIP/2.0/UDP 203.0.113.66:" +
           std::to_string(port) + ";branch=z9hG4bK-" + id + "\r\nFrom: <sip:100@192.0.2.10>;tag=t" +
           id + "\r\nTo: <sip:100@192.0.2.10>\r\nCall-ID: c" + id +
           "\r\nCSeq: 1 OPTIONS\r\nUser-Agent: friendly-scanner\r\nContent-Length: 0\r\n\r\n";
}

// A capture with one scanner (User-Agent friendly-scanner) sending OPTIONS to 12 addresses.
std::string sweep_capture(const ssw::test::temp_dir& dir)
{
    pb::capture cap(ssw::pcap::link_type::ethernet);
    for (int i = 0; i < 12; ++i) {
        const std::string dst = "192.0.2." + std::to_string(10 + i);
        cap.add(pb::ethernet(pb::ipv4("203.0.113.66", dst, pb::proto_udp,
                                      pb::udp(5070, 5060, scanner_options(i, 5070)))));
    }
    const auto path = (dir.path() / "sweep.pcap").string();
    pb::write_file(path, cap.pcap());
    return path;
}

} // namespace

TEST_CASE("ssw-trace audit: report, json, --fail-on and --emit", "[trace][tools][audit]")
{
    ssw::test::temp_dir dir;
    const std::string cap = sweep_capture(dir);

    const auto human = run_tool(SSW_TRACE_BIN, {"audit", cap});
    INFO(human.out << human.err);
    REQUIRE(human.exit_code == 0);
    CHECK(has(human.out,
              "ssw-trace audit: 2 findings (0 critical, 0 high, 2 medium, 0 low) from 1 sources"));
    CHECK(has(human.out, "MEDIUM options-sweep from 203.0.113.66"));
    CHECK(has(human.out, "MEDIUM scanner-user-agent from 203.0.113.66 tool=friendly-scanner"));
    CHECK(has(human.out, "server behaviour: silent"));

    const auto json = run_tool(SSW_TRACE_BIN, {"audit", "--json", cap});
    REQUIRE(json.exit_code == 0);
    CHECK(has(
        json.out,
        R"({"type":"summary","findings":2,"critical":0,"high":0,"medium":2,"low":0,"sources":1,)"));
    CHECK(has(json.out, R"("kind":"options-sweep","severity":"medium")"));
    CHECK(has(json.out, R"("distinct":12)"));

    CHECK(run_tool(SSW_TRACE_BIN, {"audit", cap, "--fail-on", "medium"}).exit_code == 1);
    CHECK(run_tool(SSW_TRACE_BIN, {"audit", cap, "--fail-on", "high"}).exit_code == 0);
    CHECK(run_tool(SSW_TRACE_BIN, {"audit", cap, "--fail-on", "urgent"}).exit_code == 2);

    CHECK(run_tool(SSW_TRACE_BIN, {"audit", cap, "--emit", "plain"}).out == "203.0.113.66\n");
    CHECK(run_tool(SSW_TRACE_BIN, {"audit", cap, "--emit", "iptables"}).out ==
          "iptables -A INPUT -s 203.0.113.66 -j DROP\n");
    CHECK(run_tool(SSW_TRACE_BIN, {"audit", cap, "--emit", "plain", "--fail-on", "high"})
              .out.empty());
    CHECK(run_tool(SSW_TRACE_BIN, {"audit", cap, "--emit", "pf"}).exit_code == 2);
    // A peer is never flagged.
    CHECK(run_tool(SSW_TRACE_BIN, {"audit", cap, "--peer", "203.0.113.66", "--emit", "plain"})
              .out.empty());

    // Standard input.
    ssw::test::tool_call in;
    in.args = {"audit", "--emit", "nft", "-"};
    std::ifstream f(cap, std::ios::binary);
    in.stdin_text.assign(std::istreambuf_iterator<char>(f), {});
    const auto piped = run_tool(SSW_TRACE_BIN, in);
    CHECK(piped.exit_code == 0);
    CHECK(piped.out == "nft add rule inet filter input ip saddr 203.0.113.66 drop\n");
}

TEST_CASE("ssw-trace audit: --rules and --params files", "[trace][tools][audit]")
{
    ssw::test::temp_dir dir;
    const std::string cap = sweep_capture(dir);
    const std::string rules = (dir.path() / "rules.conf").string();
    {
        std::ofstream r(rules);
        r << "# fewer destinations make a sweep\nsweep_targets = 20\nclear = scanner_user_agent\n";
    }
    const auto quiet =
        run_tool(SSW_TRACE_BIN, {"audit", cap, "--rules", rules, "--fail-on", "low"});
    INFO(quiet.out << quiet.err);
    CHECK(quiet.exit_code == 0);
    CHECK(has(quiet.out, "0 findings"));

    {
        std::ofstream r(rules);
        r << "window = 60\nsweep_target = 3\n";
    }
    const auto bad = run_tool(SSW_TRACE_BIN, {"audit", cap, "--rules", rules});
    CHECK(bad.exit_code == 78);
    CHECK(has(bad.err, "rules.conf:2"));
    CHECK(has(bad.err, "unknown key 'sweep_target'"));
    CHECK(run_tool(SSW_TRACE_BIN, {"audit", cap, "--rules", (dir.path() / "none.conf").string()})
              .exit_code == 66);

    const std::string params = (dir.path() / "params.conf").string();
    {
        std::ofstream p(params);
        p << "SS_REPLY_UNAUTHORIZED = On\n";
    }
    const auto cmp = run_tool(SSW_TRACE_BIN, {"audit", cap, "--params", params});
    CHECK(cmp.exit_code == 0);
    CHECK(has(cmp.out, "SS_REPLY_UNAUTHORIZED is configured On, but 12 probes got no answer"));
    {
        std::ofstream p(params);
        p << "SS_REPLY_UNAUTHORIZED = Maybe\n";
    }
    CHECK(run_tool(SSW_TRACE_BIN, {"audit", cap, "--params", params}).exit_code == 78);
    CHECK(run_tool(SSW_TRACE_BIN, {"audit", cap, "--params", (dir.path() / "nope.conf").string()})
              .exit_code == 66);
    CHECK(run_tool(SSW_TRACE_BIN, {"audit", (dir.path() / "missing.pcap").string()}).exit_code ==
          66);
}

TEST_CASE("ssw-trace audit: -i lo live capture with a BPF filter", "[trace][tools][audit]")
{
    CHECK(run_tool(SSW_TRACE_BIN, {"audit", "-i", "no-such-interface0", "--duration", "1"})
              .exit_code == 69);

    ssw::test::require_root("ssw-trace audit -i lo captures live");
    const int port = ssw::test::free_port();
    ssw::test::background_process live(
        SSW_TRACE_BIN, {"audit", "-i", "lo", "--filter", "udp port " + std::to_string(port),
                        "--duration", "4", "--interval", "1", "--json"});
    // Let libpcap open the device, then send a scanner's OPTIONS a few times.
    std::this_thread::sleep_for(std::chrono::milliseconds(1500));
    const int fd = ::socket(AF_INET, SOCK_DGRAM, 0);
    REQUIRE(fd >= 0);
    sockaddr_in to{};
    to.sin_family = AF_INET;
    to.sin_port = htons(static_cast<std::uint16_t>(port));
    to.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    for (int i = 0; i < 3; ++i) {
        const std::string m = scanner_options(i, static_cast<std::uint16_t>(port + 1));
        (void)::sendto(fd, m.data(), m.size(), 0, reinterpret_cast<const sockaddr*>(&to),
                       sizeof to);
    }
    ::close(fd);
    const int rc = live.stop(0, std::chrono::seconds(15));
    INFO(live.stdout_text() << live.stderr_text());
    CHECK(rc == 0); // 69: no permission to capture on lo (the test runs as root, as in CI)
    CHECK(has(live.stdout_text(), R"("type":"summary")"));
    CHECK(has(live.stdout_text(), R"("final":false)"));
    CHECK(has(live.stdout_text(), R"("final":true)"));
    CHECK(has(live.stdout_text(), R"("kind":"scanner-user-agent","severity":"medium")"));
    CHECK(has(live.stdout_text(), R"("source":"127.0.0.1")"));
}

TEST_CASE("ssw-trace audit: a recorded SIPVicious/sipsak session (tests/data/audit)",
          "[trace][tools][audit]")
{
    const std::string cap =
        (std::filesystem::path(SSW_TEST_DATA_DIR) / "audit" / "sipvicious-user-dependent.pcap")
            .string();
    const auto json = run_tool(SSW_TRACE_BIN, {"audit", "--json", cap});
    INFO(json.out << json.err);
    REQUIRE(json.exit_code == 0);
    for (const char* tool : {"svmap", "svwar", "svcrack", "sipsak", "friendly-scanner"}) {
        CHECK(has(json.out, std::string(R"("tool":")") + tool + "\""));
    }
    CHECK(has(
        json.out,
        R"({"type":"summary","findings":11,"critical":1,"high":3,"medium":6,"low":1,"sources":1,)"));
    CHECK(has(json.out, R"("kind":"compromised","severity":"critical")"));
    CHECK(has(json.out, R"("account":"100","leaked_password":"secret")"));
    CHECK(has(json.out, R"("kind":"enumeration","severity":"high")"));
    CHECK(has(json.out, R"("kind":"toll-fraud","severity":"high")"));
    CHECK(has(json.out,
              R"({"type":"exposure","behaviour":"user-dependent","probes":39,"answered":39,)"));

    ssw::test::temp_dir dir;
    const std::string params = (dir.path() / "params.conf").string();
    {
        std::ofstream p(params);
        p << "SS_REPLY_UNAUTHORIZED = Off\nSS_AUTHENTICATION_MAX_RETRY = 3\n";
    }
    const auto cmp =
        run_tool(SSW_TRACE_BIN, {"audit", cap, "--params", params, "--fail-on", "high"});
    CHECK(cmp.exit_code == 1);
    CHECK(has(cmp.out, "SS_REPLY_UNAUTHORIZED is configured Off, but 39 probes were answered"));
    CHECK(has(cmp.out, "SS_AUTHENTICATION_MAX_RETRY is 3, but one account failed 6 times"));
}
