// SPDX-License-Identifier: MIT
// NAT keep-alives on the wire: three endpoints register to ssw-run from test UDP sockets with a
// Contact that differs from their source (so they are behind NAT); the sockets then receive
// the configured raw payload, one batch (one datagram) per send interval, and again a period
// later.
#include "support/background_process.hpp"
#include "support/temp_dir.hpp"
#include "support/tool_runner.hpp"
#include "support/udp_socket.hpp"

#include <ssw/registrar/digest.hpp>

#include <catch2/catch.hpp>

#include <algorithm>
#include <csignal>
#include <poll.h>
#include <regex>
#include <vector>

using namespace std::chrono_literals;
using ssw::test::background_process;

namespace {

using udp_endpoint = ssw::test::udp_socket;

std::string register_text(const std::string& user, int ssw_port, int local_port, int cseq,
                          const std::string& auth = {})
{
    // Contact names a private address: the daemon sees a NAT between us.
    return "REGISTER sip:127.0.0.1:" + std::to_string(ssw_port) +
           " SIP/2.0\r\n"
           "Via: SIP/2.0/UDP 10.0.0.7:5060;branch=z9hG4bKka" +
           user + std::to_string(cseq) +
           ";rport\r\n"
           "Max-Forwards: 70\r\nFrom: <sip:" +
           user + "@127.0.0.1>;tag=ka" + user +
           "\r\n"
           "To: <sip:" +
           user + "@127.0.0.1>\r\nCall-ID: ka-" + user + "-" + std::to_string(local_port) +
           "\r\n"
           "CSeq: " +
           std::to_string(cseq) + " REGISTER\r\nContact: <sip:" + user +
           "@10.0.0.7:5060>\r\n"
           "Expires: 600\r\n" +
           auth + "Content-Length: 0\r\n\r\n";
}

// Registers `user` (demo password) from `e`, answering the daemon's 401.
void register_behind_nat(const udp_endpoint& e, const std::string& user, int ssw_port)
{
    e.send(ssw_port, register_text(user, ssw_port, e.port(), 1));
    const auto challenge = e.receive(5s);
    REQUIRE(challenge);
    INFO(*challenge);
    std::smatch m;
    REQUIRE(std::regex_search(*challenge, m, std::regex("nonce=\"([0-9a-f]+)\"")));
    const std::string nonce = m[1];
    const std::string uri = "sip:127.0.0.1:" + std::to_string(ssw_port);
    const auto ha1 =
        ssw::registrar::digest_ha1(ssw::registrar::digest_algorithm::md5, user, "ssw", "demo");
    const auto response =
        ssw::registrar::digest_response(ssw::registrar::digest_algorithm::md5, ha1, "REGISTER", uri,
                                        nonce, "00000001", "abcdef", "auth");
    const std::string auth = "Authorization: Digest username=\"" + user +
                             "\", realm=\"ssw\", nonce=\"" + nonce + "\", uri=\"" + uri +
                             "\", response=\"" + response +
                             "\", algorithm=MD5, qop=auth, nc=00000001, cnonce=\"abcdef\"\r\n";
    e.send(ssw_port, register_text(user, ssw_port, e.port(), 2, auth));
    const auto ok = e.receive(5s);
    REQUIRE(ok);
    INFO(*ok);
    REQUIRE(ok->rfind("SIP/2.0 200", 0) == 0);
}

} // namespace

TEST_CASE("interop keep-alive: NAT endpoints receive the configured payload, a batch per interval, "
          "each period",
          "[interop][keepalive]")
{
    ssw::test::temp_dir dir;
    const int port = ssw::test::free_port();
    background_process ssw(SSW_RUN_BIN,
                           {"--demo", "--listen", "udp:127.0.0.1:" + std::to_string(port),
                            "--param", "SS_SIP_NAT_KEEP_ALIVE_MESSAGE=ssw-ka", "--param",
                            "SS_SIP_NAT_KEEP_ALIVE_PERIOD=10", "--param",
                            "SS_SIP_NAT_KEEP_ALIVE_SEND_INTERVAL=400", "--param",
                            "SS_SIP_NAT_KEEP_ALIVE_SEND_ONE_TIME=1", "--control-socket",
                            (dir.path() / "ctl").string()},
                           dir.path().string());
    REQUIRE(ssw.wait_for_stderr("listening on", 10s));
    udp_endpoint a, b, c;
    register_behind_nat(a, "1000", port);
    register_behind_nat(b, "1001", port);
    register_behind_nat(c, "1002", port);

    // Collect for 11.5 s. The first registration starts a cycle at once (only A is known
    // then); the next cycle, a period later, reaches A, B and C, one per 400 ms batch.
    struct arrival {
        int endpoint;
        std::chrono::steady_clock::time_point at;
    };
    std::vector<arrival> got;
    const auto start = std::chrono::steady_clock::now();
    const udp_endpoint* all[] = {&a, &b, &c};
    while (std::chrono::steady_clock::now() - start < 11500ms) {
        std::vector<pollfd> fds{{a.fd(), POLLIN, 0}, {b.fd(), POLLIN, 0}, {c.fd(), POLLIN, 0}};
        if (::poll(fds.data(), fds.size(), 200) <= 0) {
            continue;
        }
        for (int i = 0; i < 3; ++i) {
            if ((fds[static_cast<std::size_t>(i)].revents & POLLIN) != 0) {
                const auto d = all[i]->receive(0ms);
                REQUIRE(d);
                CHECK(*d == "ssw-ka"); // the raw payload, not SIP
                got.push_back({i, std::chrono::steady_clock::now()});
            }
        }
    }
    INFO(ssw.stderr_text());
    // A: two cycles, a period (10 s) apart; B and C: the second cycle.
    std::vector<std::chrono::steady_clock::time_point> at_a;
    for (const auto& x : got) {
        if (x.endpoint == 0) {
            at_a.push_back(x.at);
        }
    }
    REQUIRE(at_a.size() == 2);
    CHECK(at_a[1] - at_a[0] > 9s);
    CHECK(at_a[1] - at_a[0] < 11s);
    for (int i = 1; i < 3; ++i) {
        CHECK(std::count_if(got.begin(), got.end(),
                            [i](const arrival& x) { return x.endpoint == i; }) == 1);
    }
    // Pacing: one datagram per 400 ms batch, so two arrivals are never much closer than that
    // (generous slack for a loaded machine: sent all at once they would arrive together).
    int close_pairs = 0;
    for (std::size_t k = 1; k < got.size(); ++k) {
        if (got[k].at - got[k - 1].at < 150ms) {
            ++close_pairs;
        }
    }
    CHECK(close_pairs == 0);

    // The status shows them.
    ssw::test::tool_call status;
    status.args = {"status", "--json", "--control-socket", (dir.path() / "ctl").string()};
    const auto st = ssw::test::run_tool(SSW_RUN_BIN, status);
    CHECK(st.exit_code == 0);
    CHECK(st.out.find("\"endpoints\":3") != std::string::npos);
    CHECK(ssw.stop(SIGTERM, 5s) == 0);
}
