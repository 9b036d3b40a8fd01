// SPDX-License-Identifier: MIT
// Unit tests of ssw::trace reports: statistics, the call table with RTP, registrations.
#include "support/pcap_builder.hpp"
#include "support/temp_dir.hpp"
#include "unit/trace/trace_samples.hpp"

#include <ssw/pcap/reader.hpp>
#include <ssw/trace/report.hpp>

#include <catch2/catch.hpp>

namespace pb = ssw::test::pcap_builder;
namespace ts = ssw::test::trace_samples;

namespace {

struct reports {
    ssw::trace::sip_stats stats;
    std::vector<ssw::trace::call_info> calls;
    std::vector<ssw::trace::registration_info> registrations;
};

reports analyse(const pb::capture& cap)
{
    ssw::test::temp_dir dir;
    const auto path = (dir.path() / "c.pcap").string();
    pb::write_file(path, cap.pcap());
    reports out;
    ssw::trace::call_tracker calls(
        [&](ssw::trace::call_info&& c) { out.calls.push_back(std::move(c)); });
    ssw::trace::registration_tracker regs;
    ssw::trace::extractor_handlers h;
    h.on_sip = [&](const ssw::trace::sip_event& e) {
        out.stats.on_record(e.record);
        calls.on_sip(e, true);
        regs.on_sip(e, true);
    };
    h.on_other_udp = [&](const ssw::pcap::udp_datagram& d) { calls.on_udp(d); };
    auto in = ssw::pcap::reader::open(path);
    REQUIRE(in);
    ssw::trace::sip_extractor ex(h);
    REQUIRE(ex.run(*in));
    calls.finish();
    out.registrations = regs.results();
    return out;
}

} // namespace

TEST_CASE("trace::sip_stats: counts methods, status codes and resends", "[trace][report]")
{
    const auto r = analyse(ts::basic_call());
    CHECK(r.stats.messages == 12);
    CHECK(r.stats.resent == 1);
    CHECK(r.stats.methods.at("INVITE") == 2);
    CHECK(r.stats.methods.at("REGISTER") == 2);
    CHECK(r.stats.methods.at("ACK") == 1);
    CHECK(r.stats.methods.at("BYE") == 1);
    CHECK(r.stats.statuses.at(200) == 3);
    CHECK(r.stats.statuses.at(401) == 1);
    CHECK(r.stats.statuses.at(100) == 1);
    CHECK(r.stats.statuses.at(180) == 1);
}

TEST_CASE("trace::call_tracker: times, outcome and RTP of an answered call", "[trace][report]")
{
    const auto r = analyse(ts::basic_call());
    REQUIRE(r.calls.size() == 1);
    const auto& c = r.calls[0];
    CHECK(c.call_id == "call-1@192.0.2.1");
    CHECK(c.caller == "alice");
    CHECK(c.callee == "bob");
    REQUIRE(c.ringing_ns);
    CHECK((*c.ringing_ns - c.start_ns) / 1'000'000 == 1000);
    REQUIRE(c.answer_ns);
    CHECK((*c.answer_ns - c.start_ns) / 1'000'000 == 3000);
    REQUIRE(c.end_ns);
    CHECK((*c.end_ns - *c.answer_ns) / 1'000'000 == 10000);
    CHECK(c.final_status == 200);
    CHECK(c.hangup == "callee");
    CHECK(c.invite_retransmissions == 1);
    CHECK(c.auth_challenges == 0);
    REQUIRE(c.rtp.size() == 2);
    const auto& from_alice = c.rtp[0].ssrc == 0x11111111 ? c.rtp[0] : c.rtp[1];
    const auto& from_bob = c.rtp[0].ssrc == 0x11111111 ? c.rtp[1] : c.rtp[0];
    CHECK(from_alice.packets == 49);
    CHECK(from_alice.lost == 1);
    CHECK(from_bob.packets == 50);
    CHECK(from_bob.lost == 0);
    CHECK(from_bob.payload_type == 0);
    CHECK(from_bob.jitter_ms < 0.01); // perfectly paced
}

TEST_CASE("trace::call_tracker: a rejected call after a proxy challenge", "[trace][report]")
{
    pb::capture cap(ssw::pcap::link_type::ethernet);
    const std::string a = "192.0.2.1";
    const std::string b = "192.0.2.2";
    cap.add(
        ts::udp_frame(a, b, 5060, 5060, ts::request("INVITE", "c2", 1, "alice", "a", "carol", "")));
    cap.add(ts::udp_frame(b, a, 5060, 5060,
                          ts::response(407, "Proxy Authentication Required", "INVITE", "c2", 1,
                                       "alice", "a", "carol", "p")));
    cap.add(
        ts::udp_frame(a, b, 5060, 5060, ts::request("ACK", "c2", 1, "alice", "a", "carol", "p")));
    cap.add(
        ts::udp_frame(a, b, 5060, 5060, ts::request("INVITE", "c2", 2, "alice", "a", "carol", "")));
    cap.add(ts::udp_frame(
        b, a, 5060, 5060,
        ts::response(183, "Session Progress", "INVITE", "c2", 2, "alice", "a", "carol", "q")));
    cap.add(ts::udp_frame(
        b, a, 5060, 5060,
        ts::response(486, "Busy Here", "INVITE", "c2", 2, "alice", "a", "carol", "q")));
    const auto r = analyse(cap);
    REQUIRE(r.calls.size() == 1);
    const auto& c = r.calls[0];
    CHECK(c.final_status == 486);
    CHECK(c.auth_challenges == 1);
    CHECK_FALSE(c.answer_ns);
    CHECK(c.ringing_ns);
    CHECK(c.hangup == "callee");
    CHECK(c.end_ns);
}

TEST_CASE("trace::registration_tracker: attempts, challenge, success and granted expiry",
          "[trace][report]")
{
    const auto r = analyse(ts::basic_call());
    REQUIRE(r.registrations.size() == 1);
    const auto& g = r.registrations[0];
    CHECK(g.account == "alice@example.com");
    CHECK(g.contact == "sip:alice@192.0.2.1:5060");
    CHECK(g.attempts == 2);
    CHECK(g.challenges == 1);
    CHECK(g.successes == 1);
    CHECK(g.failures == 0);
    REQUIRE(g.expires_granted);
    CHECK(*g.expires_granted == 1800);
}

TEST_CASE("trace::rtp_stream: RFC 3550 loss and jitter estimates", "[trace][report]")
{
    ssw::trace::rtp_stream s;
    s.clock_rate = 8000;
    // 20 ms packets, the third arrives 10 ms late, sequence wraps at 65535.
    s.on_packet(65534, 0, 0);
    s.on_packet(65535, 160, 20'000'000);
    s.on_packet(1, 480, 70'000'000); // seq 0 lost; 10 ms late relative to 60 ms
    CHECK(s.packets == 3);
    CHECK(s.lost == 1);
    CHECK(s.jitter_ms > 0.5);
    CHECK(s.jitter_ms < 1.0); // |D| = 80 units: J = 80/16 = 5 units = 0.625 ms
}

TEST_CASE("trace::parse_rtp_header: accepts RTP version 2 and rejects RTCP and short data",
          "[trace][report]")
{
    std::uint8_t pt = 0;
    std::uint16_t seq = 0;
    std::uint32_t tstamp = 0;
    std::uint32_t ssrc = 0;
    const auto p = ts::rtp(42, 1234, 0xdeadbeef);
    REQUIRE(ssw::trace::parse_rtp_header(p, pt, seq, tstamp, ssrc));
    CHECK(seq == 42);
    CHECK(tstamp == 1234);
    CHECK(ssrc == 0xdeadbeef);
    auto rtcp = p;
    rtcp[1] = 200; // SR with the marker bit: PT 72
    CHECK_FALSE(ssw::trace::parse_rtp_header(rtcp, pt, seq, tstamp, ssrc));
    CHECK_FALSE(ssw::trace::parse_rtp_header(std::span(p).first(8), pt, seq, tstamp, ssrc));
}
