// SPDX-License-Identifier: MIT
// The CDR of a call is a pure function of the call's data.
#include "b2bua/call_detail.hpp"

#include <catch2/catch.hpp>

using namespace ssw;
using namespace std::chrono_literals;

TEST_CASE("b2bua::record_of: a blocked call's CDR from its data alone", "[b2bua][cdr]")
{
    b2bua::detail::call c;
    REQUIRE(
        c.invite.hold("INVITE sip:0044123456789@127.0.0.1 SIP/2.0\r\n"
                      "Via: SIP/2.0/UDP 127.0.0.1:5062;branch=z9hG4bK1\r\n"
                      "From: <sip:1000@127.0.0.1>;tag=a\r\nTo: <sip:0044123456789@127.0.0.1>\r\n"
                      "Call-ID: cdr-1\r\nCSeq: 1 INVITE\r\nContent-Length: 0\r\n\r\n"));
    c.source = "account 1000";
    c.caller = sip::peer{*core::ip_address::parse("127.0.0.1"), 5062};
    c.caller_received = "1000";
    c.callee_received = "0044123456789";
    c.caller_routed = "1000";
    c.callee_routed = "44123456789";
    const auto t0 = core::clock::time_point{} + 100s;
    c.started = t0;
    c.final_code = 403;
    c.blocked_stop = "black list";
    const auto epoch = std::chrono::sys_days{std::chrono::year{2026} / 1 / 1};
    const auto wall = [&](core::clock::time_point t) {
        return cdr::wall_time(epoch) +
               std::chrono::duration_cast<cdr::wall_time::duration>(t - core::clock::time_point{});
    };
    const auto ended = wall(t0 + 2s);
    const auto r = b2bua::detail::record_of(c, wall, ended, "switch", "blocked");
    CHECK(r.call_id == "cdr-1");
    CHECK(r.source_address == "127.0.0.1:5062");
    CHECK(r.callee_routed == "44123456789");
    CHECK(r.started == wall(t0));
    CHECK(r.ended == ended);
    CHECK_FALSE(r.answered);
    CHECK(r.final_code == 403);
    CHECK(r.stop_rule == "black list");
    CHECK(r.release_side == "switch");
    CHECK(r.release_cause == "blocked");
    CHECK(r.attempts.empty());
}
