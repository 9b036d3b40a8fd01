// SPDX-License-Identifier: MIT
// The real scanners (SIPVicious svmap/svwar/svcrack, sipsak, crafted INVITE probes) against a
// small responder on loopback in three behaviours, recorded by tcpdump on lo with a port
// filter, then audited with ssw-trace audit as an operator would, down to applying the
// suggested parameter change with ssw-param.
#include "support/background_process.hpp"
#include "support/helpers.hpp"
#include "support/temp_dir.hpp"
#include "support/tool_runner.hpp"

#include <catch2/catch.hpp>

#include <fstream>
#include <string>

using ssw::test::has;
using ssw::test::run_tool;

namespace {

// What the scanners printed, for the failure message.
std::string scanner_log(const std::string& cap)
{
    const std::string d = cap.substr(0, cap.rfind('/'));
    std::string log;
    for (const char* f : {"svmap.out", "svwar.out", "svcrack.out", "sipsak.out", "responder.err"}) {
        std::string t = ssw::test::read_text(d + "/" + f);
        if (t.size() > 1500) {
            t = "..." + t.substr(t.size() - 1500);
        }
        log += std::string("== ") + f + "\n" + t;
    }
    return log;
}

// Runs the scanners against the responder in `mode` and returns the capture path.
std::string record(const ssw::test::temp_dir& dir, const std::string& mode)
{
    const std::string d = dir.path().string();
    const std::string port = std::to_string(ssw::test::free_port());
    const std::string local = std::to_string(ssw::test::free_port());
    const std::string responder = std::string(SSW_SOURCE_DIR) + "/tests/support/audit_responder.py";
    {
        std::ofstream dict(d + "/dict.txt");
        dict << "a\nb\n123456\npassword\nqwerty\n1234\nletmein\nsecret\nzzz\n";
    }
    // Four unauthenticated INVITEs for one Swedish number with different international
    // prefixes: the shape of a toll-fraud prefix walk.
    const std::string invites =
        "import socket,sys\n"
        "s=socket.socket(socket.AF_INET,socket.SOCK_DGRAM)\n"
        "s.bind(('127.0.0.1',0))\n"
        "p=s.getsockname()[1]\n"
        "for i,n in "
        "enumerate(['0046812345678','00046812345678','011046812345678','9011046812345678']):\n"
        "  m=('INVITE sip:%s@127.0.0.1 SIP/2.0\\r\\nVia: SIP/2.0/UDP "
        "127.0.0.1:%d;branch=z9hG4bKtoll%d\\r\\n'\n"
        "     'Max-Forwards: 70\\r\\nFrom: <sip:1000@127.0.0.1>;tag=t%d\\r\\nTo: "
        "<sip:%s@127.0.0.1>\\r\\n'\n"
        "     'Call-ID: toll-%d@probe\\r\\nCSeq: 1 INVITE\\r\\nContact: "
        "<sip:1000@127.0.0.1:%d>\\r\\n'\n"
        "     'Content-Length: 0\\r\\n\\r\\n')%(n,p,i,i,n,i,p)\n"
        "  s.sendto(m.encode(),('127.0.0.1'," +
        port + "))\n";
    {
        std::ofstream py(d + "/invites.py");
        py << invites;
    }
    const std::string script =
        "cd '" + d +
        "' || exit 90\n"
        "python3 '" +
        responder + "' --port " + port + " --mode " + mode +
        " --lifetime 90 2>responder.err & R=$!\n"
        "tcpdump -i lo -U -n -w cap.pcap 'udp port " +
        port +
        "' 2>tcpdump.err & TD=$!\n"
        "for i in 1 2 3 4 5 6 7 8 9 10; do grep -q listening tcpdump.err 2>/dev/null && break; "
        "sleep 0.3; done\n"
        "grep -q listening tcpdump.err || { cat tcpdump.err; kill $TD $R 2>/dev/null; exit 77; }\n"
        "for i in 1 2 3 4 5 6 7 8 9 10; do grep -q listening responder.err 2>/dev/null && break; "
        "sleep 0.3; done\n"
        "timeout 20 svmap 127.0.0.1 -p " +
        port + " -P " + local +
        " >svmap.out 2>&1\n"
        "timeout 25 svwar --force -e100-130 -m REGISTER 127.0.0.1 -p " +
        port + " -P " + local +
        " >svwar.out 2>&1\n"
        // Once in nine runs on this loaded 2-core machine svcrack did not crack the account
        // (cause not pinned down; svcrack sends its next request whenever nothing arrived
        // within its select timeout, 5 ms by default). A 200 ms timeout, and a second run
        // when the first did not print the password, keep the recording deterministic where
        // the server answers (the silent server never gives it a challenge).
        "timeout 25 svcrack -t 0.2 -u 100 -d dict.txt 127.0.0.1 -p " +
        port + " -P " + local +
        " >svcrack.out 2>&1\n"
        "if [ " +
        std::string(mode == "silent" ? "0" : "1") +
        " = 1 ] && ! grep -q secret svcrack.out; then timeout 25 svcrack -t 0.2 -u 100 -d dict.txt "
        "127.0.0.1 -p " +
        port + " -P " + local +
        " >>svcrack.out 2>&1; fi\n"
        "timeout 15 sipsak -s sip:100@127.0.0.1:" +
        port +
        " >sipsak.out 2>&1\n"
        "python3 invites.py\n"
        "sleep 1; kill $TD; wait $TD; kill $R 2>/dev/null; wait $R\n"
        "exit 0\n";
    ssw::test::tool_call call;
    call.args = {"-c", script};
    call.timeout_seconds = 150;
    const auto rec = run_tool("/bin/sh", call);
    INFO(rec.out << rec.err);
    if (rec.exit_code == 77) {
        FAIL("tcpdump could not capture on lo (it needs root or CAP_NET_RAW)");
    }
    REQUIRE(rec.exit_code == 0);
    return d + "/cap.pcap";
}

// The peers: a missing one fails the test with the package that provides it.
void require_peers()
{
    for (const char* scanner : {"svmap", "svwar", "svcrack"}) {
        ssw::test::require_program(scanner, "sipvicious");
    }
    ssw::test::require_program("sipsak", "sipsak");
    ssw::test::require_program("tcpdump", "tcpdump");
    ssw::test::require_program("python3", "python3");
    ssw::test::require_root("tcpdump records the scanners on lo");
}

// The findings every behaviour must show: each tool named.
void check_tools(const std::string& json)
{
    CHECK(has(json, R"("tool":"svmap")"));
    CHECK(has(json, R"("tool":"svwar")"));
    CHECK(has(json, R"("tool":"svcrack")"));
    CHECK(has(json, R"("tool":"sipsak")"));
    CHECK(has(json, R"("tool":"friendly-scanner")"));
}

} // namespace

TEST_CASE("interop::audit: SIPVicious and sipsak against a user-dependent server",
          "[interop][audit]")
{
    require_peers();
    ssw::test::temp_dir dir;
    const std::string cap = record(dir, "user-dependent");
    INFO(scanner_log(cap));
    const auto json = run_tool(SSW_TRACE_BIN, {"audit", "--json", cap});
    INFO(json.out << json.err);
    REQUIRE(json.exit_code == 0);
    check_tools(json.out);
    CHECK(has(json.out, R"("kind":"enumeration","severity":"high")"));
    CHECK(has(json.out, R"("kind":"brute-force","severity":"high")"));
    CHECK(has(json.out, R"("kind":"compromised","severity":"critical")"));
    CHECK(has(json.out, R"("account":"100","leaked_password":"secret")"));
    CHECK(has(json.out, R"("kind":"toll-fraud","severity":"high")"));
    CHECK(has(json.out, R"("type":"exposure","behaviour":"user-dependent")"));
    CHECK(has(json.out, R"("what":"Server","value":"ssw-responder/1.2.3")"));

    // Cron-style use: the exit status and block rules.
    const auto fail = run_tool(SSW_TRACE_BIN, {"audit", cap, "--fail-on", "critical"});
    CHECK(fail.exit_code == 1);
    CHECK(has(fail.out, "CRITICAL compromised from 127.0.0.1"));
    const auto emit = run_tool(SSW_TRACE_BIN, {"audit", cap, "--emit", "plain"});
    CHECK(emit.exit_code == 0);
    CHECK(emit.out == "127.0.0.1\n");

    // As a new user: read the recommendation, apply it with ssw-param, compare again.
    const auto human = run_tool(SSW_TRACE_BIN, {"audit", cap});
    REQUIRE(has(human.out, "ssw-param set SS_REPLY_UNAUTHORIZED=Off"));
    const std::string params = (dir.path() / "params.conf").string();
    const auto set =
        run_tool(SSW_PARAM_BIN, {"--file", params, "set", "SS_REPLY_UNAUTHORIZED=Off"});
    REQUIRE(set.exit_code == 0);
    const auto cmp = run_tool(SSW_TRACE_BIN, {"audit", cap, "--params", params});
    CHECK(cmp.exit_code == 0);
    CHECK(has(cmp.out, "SS_REPLY_UNAUTHORIZED is configured Off, but"));
}

TEST_CASE("interop::audit: SIPVicious and sipsak against a uniform server", "[interop][audit]")
{
    require_peers();
    ssw::test::temp_dir dir;
    const std::string cap = record(dir, "uniform");
    INFO(scanner_log(cap));
    const auto json = run_tool(SSW_TRACE_BIN, {"audit", "--json", cap});
    INFO(json.out << json.err);
    REQUIRE(json.exit_code == 0);
    check_tools(json.out);
    // The same 401 for every user defeats svwar: it stops after its first answers ("Bad user =
    // SIP/2.0 401 - svwar will probably not work"), so there is no enumeration to report.
    CHECK_FALSE(has(json.out, R"("kind":"enumeration")"));
    CHECK(has(json.out, R"("kind":"compromised","severity":"critical")"));
    CHECK(has(json.out, R"("leaked_password":"secret")"));
    CHECK(has(json.out, R"("type":"exposure","behaviour":"uniform")"));
    const auto human = run_tool(SSW_TRACE_BIN, {"audit", cap});
    CHECK(has(human.out, "ssw-param preset internet-facing"));
}

TEST_CASE("interop::audit: SIPVicious and sipsak against a silent server (slow)",
          "[interop][audit]")
{
    require_peers();
    ssw::test::temp_dir dir;
    const std::string cap = record(dir, "silent");
    INFO(scanner_log(cap));
    const auto json = run_tool(SSW_TRACE_BIN, {"audit", "--json", cap});
    INFO(json.out << json.err);
    REQUIRE(json.exit_code == 0);
    check_tools(json.out);
    CHECK_FALSE(has(json.out, R"("kind":"compromised")"));
    CHECK(has(json.out, R"("type":"exposure","behaviour":"silent")"));
    const auto human = run_tool(SSW_TRACE_BIN, {"audit", cap});
    CHECK(has(human.out, "server behaviour: silent"));
}
