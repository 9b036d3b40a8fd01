// SPDX-License-Identifier: MIT
// ssw-trace as a user runs it: golden outputs on public captures, stdin, pcapng, damaged files,
// filter -w.
#include "support/helpers.hpp"
#include "support/pcap_builder.hpp"
#include "support/temp_dir.hpp"
#include "support/tool_runner.hpp"
#include "unit/trace/trace_samples.hpp"

#include <ssw/core/atomic_file.hpp>

#include <catch2/catch.hpp>

#include <algorithm>
#include <cstring>
#include <filesystem>
#include <sstream>
#include <string>

using ssw::test::run_tool;
namespace pb = ssw::test::pcap_builder;
namespace ts = ssw::test::trace_samples;

namespace {

const std::filesystem::path pcaps = std::filesystem::path(SSW_TEST_DATA_DIR) / "pcap" / "public";
const std::filesystem::path golden = std::filesystem::path(SSW_TEST_DATA_DIR) / "trace" / "golden";

std::string read(const std::filesystem::path& path)
{
    return ssw::test::read_required(path);
}

std::size_t lines(const std::string& s)
{
    return static_cast<std::size_t>(std::count(s.begin(), s.end(), '\n'));
}

} // namespace

TEST_CASE("ssw-trace: list, calls, registrations and stats match the golden files",
          "[trace][tools]")
{
    struct golden_case {
        std::vector<std::string> args;
        const char* capture;
        const char* file;
    };
    const std::vector<golden_case> cases = {
        {{"list"}, "zeek__wireshark.pcap", "wireshark_list.txt"},
        {{"stats"}, "zeek__wireshark.pcap", "wireshark_stats.txt"},
        {{"calls"}, "zeek__wireshark.pcap", "wireshark_calls.txt"},
        {{"registrations"}, "zeek__wireshark.pcap", "wireshark_registrations.txt"},
        {{"calls", "--json"},
         "sv__sip-body-frames_public-cloudshark-sip-s0.pcap",
         "cloudshark_calls.ndjson"},
        {{"list", "--json"}, "sv__sip-tcp-method_sip-tcp.pcap", "sip_tcp_list.ndjson"},
        {{"list", "--host", "212.242.33.35", "--method", "INVITE"},
         "zeek__wireshark.pcap",
         "wireshark_list_host.txt"},
    };
    for (const auto& c : cases) {
        auto args = c.args;
        args.push_back((pcaps / c.capture).string());
        const auto r = run_tool(SSW_TRACE_BIN, args);
        INFO(c.file << "\n" << r.err);
        CHECK(r.exit_code == 0);
        CHECK(r.err.empty());
        CHECK(r.out == read(golden / c.file));
    }
}

TEST_CASE("ssw-trace: reads a capture from stdin", "[trace][tools]")
{
    const auto path = pcaps / "zeek__wireshark.pcap";
    const auto from_file = run_tool(SSW_TRACE_BIN, {"list", path.string()});
    ssw::test::tool_call call;
    call.args = {"list", "-"};
    call.stdin_text = read(path);
    const auto from_stdin = run_tool(SSW_TRACE_BIN, call);
    CHECK(from_stdin.exit_code == 0);
    CHECK(from_stdin.out == from_file.out);
    call.args = {"stats"};
    CHECK(run_tool(SSW_TRACE_BIN, call).out ==
          run_tool(SSW_TRACE_BIN, {"stats", path.string()}).out);
}

TEST_CASE("ssw-trace: calls shows PDD, duration, hang-up side and RTP from a pcapng file",
          "[trace][tools]")
{
    ssw::test::temp_dir dir;
    const auto file = (dir.path() / "call.pcapng").string();
    pb::write_file(file, ts::basic_call().pcapng());
    const auto r = run_tool(SSW_TRACE_BIN, {"calls", file});
    REQUIRE(r.exit_code == 0);
    CHECK(r.out == "2026-01-01 00:00:00.000000 alice -> bob status=200 pdd=1000ms answer=3000ms "
                   "end=00:00:13.000000 "
                   "duration=10.000s hangup=callee retrans=1 auth=0 call-id=call-1@192.0.2.1\n"
                   "  rtp 192.0.2.1:40000 -> 192.0.2.2:50000 ssrc=0x11111111 pt=0 packets=49 "
                   "lost=1 jitter=0.00ms\n"
                   "  rtp 192.0.2.2:50000 -> 192.0.2.1:40000 ssrc=0x22222222 pt=0 packets=50 "
                   "lost=0 jitter=0.00ms\n");
    const auto j = run_tool(SSW_TRACE_BIN, {"calls", "--json", file});
    CHECK(j.out.find("{\"type\":\"call\",\"call_id\":\"call-1@192.0.2.1\"") == 0);
    CHECK(j.out.find("\"pdd_ms\":1000") != std::string::npos);
    CHECK(j.out.find("\"rtp\":[{\"src\":\"192.0.2.1:40000\"") != std::string::npos);
    const auto regs = run_tool(SSW_TRACE_BIN, {"registrations", file});
    CHECK(regs.out ==
          "alice@example.com contact=sip:alice@192.0.2.1:5060 from=192.0.2.1:5060 attempts=2 "
          "challenges=1 successes=1 failures=0 expires=1800\n");
    const auto ka = run_tool(SSW_TRACE_BIN, {"keepalives", file});
    CHECK(lines(ka.out) == 2);
    CHECK(ka.out.find(" crlf 4 bytes") != std::string::npos);
    CHECK(ka.out.find(" stun 20 bytes") != std::string::npos);
}

TEST_CASE("ssw-trace: a truncated capture prints what it decoded and exits 65", "[trace][tools]")
{
    ssw::test::temp_dir dir;
    const std::string whole = ts::basic_call().pcap();
    const auto file = (dir.path() / "cut.pcap").string();
    // Cut inside the 200 OK record (the 5th frame): 4 messages survive.
    std::size_t offset = 24;
    for (int i = 0; i < 4; ++i) {
        std::uint32_t incl = 0;
        std::memcpy(&incl, whole.data() + offset + 8, 4);
        offset += 16 + incl;
    }
    pb::write_file(file, whole.substr(0, offset + 40));
    const auto r = run_tool(SSW_TRACE_BIN, {"list", file});
    CHECK(r.exit_code == 65);
    CHECK(lines(r.out) == 4);
    CHECK(r.err.find("frame 5") != std::string::npos);
    const auto s = run_tool(SSW_TRACE_BIN, {"stats", "--json", file});
    CHECK(s.exit_code == 65);
    CHECK(s.out.find("{\"type\":\"stats\",\"messages\":4,") == 0);
    CHECK(s.err.find("\"type\":\"error\"") != std::string::npos);
}

TEST_CASE("ssw-trace: usage and input errors have their own exit codes", "[trace][tools]")
{
    CHECK(run_tool(SSW_TRACE_BIN, {"list", "/nonexistent/x.pcap"}).exit_code == 66);
    const auto bad = run_tool(
        SSW_TRACE_BIN, {"list", "--host", "not-an-ip", (pcaps / "zeek__wireshark.pcap").string()});
    CHECK(bad.exit_code == 2);
    CHECK(bad.err.find("--host") != std::string::npos);
    CHECK(run_tool(SSW_TRACE_BIN, {"list", "--status", "7xx", "-"}).exit_code == 2);
    CHECK(run_tool(SSW_TRACE_BIN, std::vector<std::string>{}).exit_code == 2);
    ssw::test::temp_dir dir;
    const auto junk = (dir.path() / "junk.pcap").string();
    pb::write_file(junk, "this is not a capture");
    CHECK(run_tool(SSW_TRACE_BIN, {"list", junk}).exit_code == 65);
}

TEST_CASE("ssw-trace: a usage error is an error like any other, a --json line included",
          "[trace][tools]")
{
    const auto file = (pcaps / "zeek__wireshark.pcap").string();
    const auto own = run_tool(SSW_TRACE_BIN, {"list", "--json", "--host", "not-an-ip", file});
    CHECK(own.exit_code == 2);
    CHECK(own.out.empty());
    CHECK(own.err.find(R"({"type":"error","code":"usage",)") == 0);
    CHECK(own.err.find("--host") != std::string::npos);
    const auto peer = run_tool(SSW_TRACE_BIN, {"audit", "--json", "--peer", "x", file});
    CHECK(peer.exit_code == 2);
    CHECK(peer.err.find(R"({"type":"error","code":"usage",)") == 0);
    // CLI11's own parse errors too.
    const auto unknown = run_tool(SSW_TRACE_BIN, {"list", "--json", "--no-such-option", file});
    CHECK(unknown.exit_code == 2);
    CHECK(unknown.err.find(R"({"type":"error","code":"usage",)") == 0);
    CHECK(unknown.err.find("--no-such-option") != std::string::npos);
    const auto text = run_tool(SSW_TRACE_BIN, {"list", "--no-such-option", file});
    CHECK(text.exit_code == 2);
    CHECK(text.err.find("--no-such-option") != std::string::npos);
    CHECK(text.err.find("{") == std::string::npos);
}

TEST_CASE("ssw-trace: a capture of a link type it does not decode is named, not silently empty",
          "[trace][tools]")
{
    ssw::test::temp_dir dir;
    const auto file = (dir.path() / "dlt147.pcap").string();
    pb::capture cap(static_cast<ssw::pcap::link_type>(147));
    cap.add(pb::frame_bytes(60, 0x42)).add(pb::frame_bytes(60, 0x43));
    pb::write_file(file, cap.pcap());
    for (const char* cmd : {"list", "stats", "calls"}) {
        const auto r = run_tool(SSW_TRACE_BIN, {cmd, file});
        INFO(cmd << ": " << r.err);
        CHECK(r.exit_code == 65);
        CHECK(r.err.find("link type 147 is not decoded by ssw") != std::string::npos);
        CHECK(r.err.find("2 of 2 frames skipped") != std::string::npos);
    }
    const auto j = run_tool(SSW_TRACE_BIN, {"stats", "--json", file});
    CHECK(j.exit_code == 65);
    CHECK(j.err.find(R"({"type":"error","code":"unsupported",)") == 0);
}

TEST_CASE("ssw-trace: flow draws a ladder and writes an HTML page", "[trace][tools]")
{
    ssw::test::temp_dir dir;
    const auto file = (dir.path() / "call.pcap").string();
    pb::write_file(file, ts::basic_call().pcap());
    const auto html = (dir.path() / "flow.html").string();
    const auto r = run_tool(SSW_TRACE_BIN, {"flow", "call-1@192.0.2.1", file, "--html", html});
    REQUIRE(r.exit_code == 0);
    CHECK(lines(r.out) == 2 + 8 + 1);
    CHECK(r.out.find(" INVITE --") != std::string::npos);
    CHECK(r.out.find("|<----- 180 Ringing ------|") != std::string::npos);
    CHECK(read(html).find("<pre>") != std::string::npos);
    const auto none = run_tool(SSW_TRACE_BIN, {"flow", "no-such-call", file});
    CHECK(none.exit_code == 1);
    CHECK(none.err.find("no-such-call") != std::string::npos);
}

TEST_CASE("ssw-trace: filter -w keeps every frame of the selected calls only", "[trace][tools]")
{
    ssw::test::temp_dir dir;
    const auto out = (dir.path() / "alice.pcap").string();
    const auto src = (pcaps / "zeek__wireshark.pcap").string();
    const auto calls = run_tool(SSW_TRACE_BIN, {"list", "--json", src});
    // Pick the Call-ID of the first INVITE and cut it out.
    const auto at = calls.out.find("\"method\":\"INVITE\",\"call_id\":\"");
    REQUIRE(at != std::string::npos);
    const auto start = at + std::string("\"method\":\"INVITE\",\"call_id\":\"").size();
    const std::string cid = calls.out.substr(start, calls.out.find('"', start) - start);
    const auto r = run_tool(SSW_TRACE_BIN, {"filter", "--call-id", cid, "-w", out, src});
    REQUIRE(r.exit_code == 0);
    const auto cut = run_tool(SSW_TRACE_BIN, {"list", out});
    const auto expected = run_tool(SSW_TRACE_BIN, {"list", "--call-id", cid, src});
    REQUIRE(cut.exit_code == 0);
    // Same messages (frame numbers differ: the new file is renumbered).
    const auto strip = [](const std::string& s) {
        std::istringstream in(s);
        std::string line;
        std::string res;
        while (std::getline(in, line)) {
            res += line.substr(line.find(' ')) + "\n";
        }
        return res;
    };
    CHECK(strip(cut.out) == strip(expected.out));
    CHECK(lines(cut.out) > 0);

    SECTION("the call's RTP comes along, other calls' does not")
    {
        const auto file = (dir.path() / "basic.pcap").string();
        pb::write_file(file, ts::basic_call().pcap());
        const auto w =
            run_tool(SSW_TRACE_BIN, {"filter", "--call-id", "call-1@192.0.2.1", "-w", out, file});
        REQUIRE(w.exit_code == 0);
        // 8 SIP messages and 99 RTP packets (one of alice's 50 is missing from the capture);
        // the registration, keep-alives and STUN stay out.
        CHECK(w.err.find("wrote 107 frames of 1 calls") != std::string::npos);
        const auto ladder = run_tool(SSW_TRACE_BIN, {"calls", out});
        CHECK(ladder.out.find("packets=49") != std::string::npos);
        CHECK(ladder.out.find("packets=50") != std::string::npos);
    }

    SECTION("fragments and segments come along")
    {
        const auto big = (pcaps / "sv__sip-body-large_sip-body-large.pcap").string();
        const auto whole = run_tool(SSW_TRACE_BIN, {"list", "--json", big});
        const auto w = run_tool(SSW_TRACE_BIN, {"filter", "--method", "INVITE", "-w", out, big});
        REQUIRE(w.exit_code == 0);
        const auto again = run_tool(SSW_TRACE_BIN, {"stats", out});
        CHECK(again.out.find("SIP messages: 2") == 0);
    }
}
