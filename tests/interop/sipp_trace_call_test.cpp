// SPDX-License-Identifier: MIT
// A real call made by sipp over loopback, recorded by tcpdump, then traced as a new user would.
#include "support/background_process.hpp"
#include "support/helpers.hpp"
#include "support/temp_dir.hpp"
#include "support/tool_runner.hpp"

#include <catch2/catch.hpp>

#include <filesystem>
#include <regex>
#include <string>

using ssw::test::count;
using ssw::test::run_tool;

TEST_CASE("interop::sipp: list, calls, flow and filter -w on a captured sipp call",
          "[interop][sipp]")
{
    ssw::test::require_program("sipp", "sip-tester");
    ssw::test::require_program("tcpdump", "tcpdump");
    const std::string tshark = ssw::test::require_program("tshark", "tshark");
    ssw::test::require_root("tcpdump records the call on lo");
    ssw::test::temp_dir dir;
    const std::string d = dir.path().string();
    const std::string uas_port = std::to_string(ssw::test::free_port());
    const std::string uac_port = std::to_string(ssw::test::free_port());
    const std::string script =
        "cd '" + d +
        "' || exit 90\n"
        "tcpdump -i lo -U -n -w cap.pcap 'udp and (port " +
        uas_port + " or port " + uac_port +
        ")' 2>tcpdump.err & TD=$!\n"
        "for i in 1 2 3 4 5 6 7 8 9 10; do grep -q listening tcpdump.err 2>/dev/null && break; "
        "sleep 0.3; done\n"
        "grep -q listening tcpdump.err || { cat tcpdump.err; kill $TD 2>/dev/null; exit 77; }\n"
        "timeout 20 sipp -sn uas -i 127.0.0.1 -p " +
        uas_port +
        " -m 1 -nostdin >uas.out 2>&1 & UAS=$!\n"
        "sleep 0.5\n"
        "timeout 20 sipp -sn uac 127.0.0.1:" +
        uas_port + " -i 127.0.0.1 -p " + uac_port +
        " -m 1 -d 500 -nostdin >uac.out 2>&1; rc=$?\n"
        "wait $UAS\n"
        "sleep 1; kill $TD; wait $TD\n"
        "exit $rc\n";
    ssw::test::tool_call call;
    call.args = {"-c", script};
    call.timeout_seconds = 60;
    const auto rec = run_tool("/bin/sh", call);
    INFO(rec.out << rec.err);
    if (rec.exit_code == 77) {
        FAIL("tcpdump could not capture on lo (it needs root or CAP_NET_RAW)");
    }
    REQUIRE(rec.exit_code == 0);
    const std::string cap = d + "/cap.pcap";

    const auto list = run_tool(SSW_TRACE_BIN, {"list", cap});
    INFO(list.out << list.err);
    REQUIRE(list.exit_code == 0);
    CHECK(count(list.out, " INVITE cseq=") == 1);
    CHECK(count(list.out, " 180 Ringing ") == 1);
    CHECK(count(list.out, " 200 OK cseq=1 INVITE") == 1);
    CHECK(count(list.out, " ACK cseq=") == 1);
    CHECK(count(list.out, " BYE cseq=") == 1);
    CHECK(count(list.out, " 200 OK cseq=2 BYE") == 1);

    const auto calls = run_tool(SSW_TRACE_BIN, {"calls", cap});
    REQUIRE(calls.exit_code == 0);
    CHECK(count(calls.out, "\n") == 1);
    CHECK(calls.out.find("status=200") != std::string::npos);
    CHECK(calls.out.find("hangup=caller") != std::string::npos);
    std::smatch m;
    REQUIRE(std::regex_search(calls.out, m, std::regex("call-id=(\\S+)")));
    const std::string cid = m[1];

    const auto flow = run_tool(SSW_TRACE_BIN, {"flow", cid, cap, "--html", d + "/flow.html"});
    REQUIRE(flow.exit_code == 0);
    CHECK(flow.out.find("127.0.0.1:" + uac_port) != std::string::npos);
    CHECK(flow.out.find(" INVITE --") != std::string::npos);
    CHECK(flow.out.find("|<------- 200 OK ---------|") != std::string::npos);
    CHECK(std::filesystem::file_size(d + "/flow.html") > 500);

    const auto cut =
        run_tool(SSW_TRACE_BIN, {"filter", "--call-id", cid, "-w", d + "/cut.pcap", cap});
    REQUIRE(cut.exit_code == 0);
    const auto ts = run_tool(
        tshark, {"-n", "-r", d + "/cut.pcap", "-Y", "sip", "-T", "fields", "-e", "sip.Call-ID"});
    REQUIRE(ts.exit_code == 0);
    CHECK(count(ts.out, cid) == 6); // sipp's uac/uas: INVITE 180 200 ACK BYE 200
}
