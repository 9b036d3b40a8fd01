// SPDX-License-Identifier: MIT
// Every response the daemon sends says where the request really came from (RFC 3261
// §18.2.1 received, RFC 3581 §4 rport) and goes where §18.2.2 says, whichever part of the
// daemon (registrar, policy, call manager) answers.
#include "unit/daemon/engine_harness.hpp"

using namespace ssw::test::engine_harness;

namespace {

// A caller behind NAT: its Via names a private address and port, its packets come from
// 127.0.0.1:5062.
const std::string nat_via = "Via: SIP/2.0/UDP 10.0.0.5:5064;branch=z9hG4bK";

std::string request(const std::string& method, const std::string& branch, int cseq,
                    const std::string& call_id, const std::string& extra = {},
                    const std::string& rport = ";rport")
{
    const std::string uri = method == "REGISTER" ? "sip:127.0.0.1" : "sip:0044123456789@127.0.0.1";
    const std::string cseq_method = method;
    return method + " " + uri + " SIP/2.0\r\n" + nat_via + branch + rport +
           "\r\nMax-Forwards: 70\r\nFrom: <sip:1000@127.0.0.1>;tag=caller\r\n"
           "To: <sip:" +
           (method == "REGISTER" ? std::string("1000") : std::string("0044123456789")) +
           "@127.0.0.1>\r\nCall-ID: " + call_id + "\r\nCSeq: " + std::to_string(cseq) + " " +
           cseq_method + "\r\nContact: <sip:1000@10.0.0.5:5064>\r\n" + extra +
           "Content-Length: 0\r\n\r\n";
}

void check_stamped(const std::vector<daemon::outgoing>& out, int code)
{
    REQUIRE_FALSE(out.empty());
    bool found = false;
    for (const auto& o : out) {
        if (o.bytes.rfind("SIP/2.0 " + std::to_string(code), 0) != 0) {
            continue;
        }
        found = true;
        INFO(o.bytes);
        CHECK_THAT(o.bytes, Catch::Contains("Via: SIP/2.0/UDP 10.0.0.5:5064;branch=z9hG4bK") &&
                                Catch::Contains(";rport=5062;received=127.0.0.1\r\n"));
        CHECK(o.to.port == 5062);
    }
    CHECK(found);
}

} // namespace

TEST_CASE("daemon responses: received and rport on every response, from every service",
          "[daemon][responses]")
{
    harness h;
    SECTION("REGISTER: the registrar's challenge")
    {
        check_stamped(h.send(request("REGISTER", "r1", 1, "reg@x")), 401);
    }
    SECTION("OPTIONS from a source that is not registered: the policy's 403")
    {
        check_stamped(h.send(request("OPTIONS", "o1", 1, "opt@x")), 403);
    }
    SECTION("BYE outside any call from an account: 481")
    {
        check_stamped(h.send(request("BYE", "b1", 1, "bye@x")), 481);
    }
    SECTION("INVITE and CANCEL: the call manager's 100 Trying, 200 and 487")
    {
        const auto challenge = h.send(request("INVITE", "i1", 1, "call@x"));
        check_stamped(challenge, 401);
        const auto auth =
            authorization("Authorization", "1000", "demo", nonce_of(challenge[0].bytes), "00000001",
                          "INVITE", "sip:0044123456789@127.0.0.1");
        check_stamped(h.send(request("INVITE", "i2", 2, "call@x", auth)), 100);
        const auto cancelled = h.send(request("CANCEL", "i2", 2, "call@x"));
        check_stamped(cancelled, 200);
        check_stamped(cancelled, 487);
    }
}

TEST_CASE("daemon responses: without rport they go to the Via's port, with received",
          "[daemon][responses]")
{
    harness h;
    const auto out = h.send(request("REGISTER", "n1", 1, "norport@x", {}, ""));
    REQUIRE(out.size() == 1);
    CHECK_THAT(out[0].bytes,
               Catch::Contains("Via: SIP/2.0/UDP "
                               "10.0.0.5:5064;branch=z9hG4bKn1;received=127.0.0.1\r\n"));
    CHECK(out[0].to.port == 5064);
    CHECK(out[0].to.address == *core::ip_address::parse("127.0.0.1"));
}
