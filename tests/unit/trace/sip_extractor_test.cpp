// SPDX-License-Identifier: MIT
// Unit tests of ssw::trace::sip_extractor: UDP, fragments, TCP framing, link types, keep-alives,
// resends.
#include "support/pcap_builder.hpp"
#include "support/temp_dir.hpp"
#include "unit/trace/trace_samples.hpp"

#include <ssw/pcap/reader.hpp>
#include <ssw/trace/sip_extractor.hpp>

#include <catch2/catch.hpp>

#include <string>
#include <vector>

namespace pb = ssw::test::pcap_builder;
namespace ts = ssw::test::trace_samples;
using ssw::pcap::link_type;

namespace {

struct collected {
    std::vector<ssw::trace::sip_record> sip;
    std::vector<ssw::trace::keepalive_record> keepalives;
    std::size_t other_udp = 0;
    std::size_t bad = 0;
    bool ok = true;
};

collected extract(const std::string& file_bytes)
{
    ssw::test::temp_dir dir;
    const auto path = (dir.path() / "c.pcap").string();
    pb::write_file(path, file_bytes);
    collected c;
    ssw::trace::extractor_handlers h;
    h.on_sip = [&](const ssw::trace::sip_event& e) { c.sip.push_back(e.record); };
    h.on_keepalive = [&](const ssw::trace::keepalive_record& k) { c.keepalives.push_back(k); };
    h.on_other_udp = [&](const ssw::pcap::udp_datagram&) { ++c.other_udp; };
    h.on_bad_sip = [&](const ssw::error&, std::span<const std::uint64_t>) { ++c.bad; };
    auto in = ssw::pcap::reader::open(path);
    REQUIRE(in);
    ssw::trace::sip_extractor ex(h);
    c.ok = ex.run(*in).has_value();
    return c;
}

const std::string options_msg = ts::request("OPTIONS", "opt-1", 1, "mon", "m1", "gw", "");

} // namespace

TEST_CASE("trace::sip_extractor: summarises UDP messages on any port", "[trace][sip_extractor]")
{
    const auto c = extract(ts::basic_call().pcap());
    REQUIRE(c.ok);
    REQUIRE(c.sip.size() == 12);
    const auto& inv = c.sip[0];
    CHECK(inv.is_request);
    CHECK(inv.method == "INVITE");
    CHECK(inv.call_id == "call-1@192.0.2.1");
    CHECK(inv.cseq == 1);
    CHECK(inv.cseq_method == "INVITE");
    CHECK(inv.from_user == "alice");
    CHECK(inv.to_user == "bob");
    CHECK(inv.from_tag == "a1");
    CHECK(inv.src.to_string() == "192.0.2.1:5060");
    CHECK(inv.dst.to_string() == "192.0.2.2:5070");
    CHECK(inv.proto == ssw::trace::transport::udp);
    CHECK(inv.frames == std::vector<std::uint64_t>{1});
    CHECK_FALSE(inv.resent);
    CHECK(c.sip[1].resent);
    CHECK(c.sip[3].status == 180);
    CHECK(c.sip[3].reason == "Ringing");
    CHECK(c.sip[3].to_tag == "b1");
    CHECK(c.keepalives.size() == 2);
    CHECK(c.other_udp == 99); // the RTP packets
}

TEST_CASE("trace::sip_extractor: reassembles a fragmented UDP INVITE and names every fragment",
          "[trace][sip_extractor]")
{
    const std::string big =
        ts::request("INVITE", "frag-1", 1, "alice", "a1", "bob", "", ts::sdp("192.0.2.1", 4000),
                    "X-Padding: " + std::string(3000, 'x') + "\r\n");
    SECTION("IPv4")
    {
        pb::capture cap(link_type::ethernet);
        for (const auto& f : pb::ipv4_fragments("192.0.2.1", "192.0.2.2", pb::proto_udp,
                                                pb::udp(5060, 5060, big), 1480, 7)) {
            cap.add(pb::ethernet(f));
        }
        const auto c = extract(cap.pcap());
        REQUIRE(c.sip.size() == 1);
        CHECK(c.sip[0].frames == std::vector<std::uint64_t>{1, 2, 3});
    }
    SECTION("IPv6")
    {
        pb::capture cap(link_type::ethernet);
        for (const auto& f : pb::ipv6_fragments("2001:db8::1", "2001:db8::2", pb::proto_udp,
                                                pb::udp(5060, 5060, big), 1448, 9)) {
            cap.add(pb::ethernet(f));
        }
        const auto c = extract(cap.pcap());
        REQUIRE(c.sip.size() == 1);
        CHECK(c.sip[0].src.to_string() == "[2001:db8::1]:5060");
        CHECK(c.sip[0].frames.size() == 3);
    }
}

TEST_CASE("trace::sip_extractor: frames SIP over TCP split across and coalesced within segments",
          "[trace][sip_extractor]")
{
    const std::string m1 =
        ts::request("INVITE", "tcp-1", 1, "alice", "a1", "bob", "", ts::sdp("192.0.2.1", 4000));
    const std::string m2 = ts::request("BYE", "tcp-1", 2, "alice", "a1", "bob", "b1");
    const std::string m3 = ts::request("OPTIONS", "tcp-2", 1, "alice", "a2", "bob", "");
    pb::capture cap(link_type::ethernet);
    const auto seg = [&](std::uint32_t seq, std::uint8_t flags, std::string_view payload) {
        return pb::ethernet(pb::ipv4("192.0.2.1", "192.0.2.2", pb::proto_tcp,
                                     pb::tcp(40001, 5060, seq, 1, flags, payload)));
    };
    std::uint32_t seq = 1000;
    cap.add(seg(seq, ssw::pcap::tcp_flags::syn, ""));
    ++seq;
    const std::string half1 = m1.substr(0, 100);
    const std::string half2 = m1.substr(100);
    cap.add(seg(seq, ssw::pcap::tcp_flags::ack, half1)); // frame 2
    cap.add(seg(seq + static_cast<std::uint32_t>(half1.size()), ssw::pcap::tcp_flags::ack,
                half2)); // frame 3
    seq += static_cast<std::uint32_t>(m1.size());
    cap.add(seg(seq, ssw::pcap::tcp_flags::ack,
                m2 + "\r\n\r\n" + m3)); // frame 4: two messages and a ping
    const auto c = extract(cap.pcap());
    REQUIRE(c.sip.size() == 3);
    CHECK(c.sip[0].method == "INVITE");
    CHECK(c.sip[0].proto == ssw::trace::transport::tcp);
    CHECK(c.sip[0].frames == std::vector<std::uint64_t>{2, 3});
    CHECK(c.sip[1].method == "BYE");
    CHECK(c.sip[1].frames == std::vector<std::uint64_t>{4});
    CHECK(c.sip[2].method == "OPTIONS");
    CHECK(c.sip[2].frames == std::vector<std::uint64_t>{4});
    CHECK_FALSE(c.sip[0].resent); // TCP is never a resend
}

TEST_CASE("trace::sip_extractor: reads every link type, VLAN tags and pcapng",
          "[trace][sip_extractor]")
{
    const auto ip4 =
        pb::ipv4("192.0.2.1", "192.0.2.2", pb::proto_udp, pb::udp(5060, 5060, options_msg));
    const auto ip6 =
        pb::ipv6("2001:db8::1", "2001:db8::2", pb::proto_udp, pb::udp(5060, 5060, options_msg));
    struct variant {
        const char* name;
        link_type link;
        pb::frame_bytes frame;
    };
    const std::vector<variant> variants = {
        {"ethernet", link_type::ethernet, pb::ethernet(ip4)},
        {"ethernet ipv6", link_type::ethernet, pb::ethernet(ip6)},
        {"802.1Q", link_type::ethernet, pb::ethernet(ip4, {{0x8100, 100}})},
        {"QinQ", link_type::ethernet, pb::ethernet(ip6, {{0x88a8, 10}, {0x8100, 20}})},
        {"sll", link_type::linux_sll, pb::linux_sll(ip4)},
        {"sll2", link_type::linux_sll2, pb::linux_sll2(ip6)},
        {"raw", link_type::raw, ip4},
        {"null", link_type::null, pb::loopback(ip4, false)},
    };
    for (const auto& v : variants) {
        DYNAMIC_SECTION(v.name)
        {
            pb::capture cap(v.link);
            cap.add(v.frame);
            for (const bool ng : {false, true}) {
                const auto c = extract(ng ? cap.pcapng() : cap.pcap());
                REQUIRE(c.sip.size() == 1);
                CHECK(c.sip[0].method == "OPTIONS");
                CHECK(c.sip[0].call_id == "opt-1");
            }
        }
    }
}

TEST_CASE("trace::sip_extractor: reports a payload that looks like SIP but does not parse",
          "[trace][sip_extractor]")
{
    pb::capture cap(link_type::ethernet);
    cap.add(ts::udp_frame("192.0.2.1", "192.0.2.2", 5060, 5060,
                          "INVITE sip:x@y SIP/2.0\r\nVia SIP/2.0/UDP h\r\n\r\n"));
    const auto c = extract(cap.pcap());
    CHECK(c.sip.empty());
    CHECK(c.bad == 1);
}

TEST_CASE("trace::classify_keepalive: CRLF, text, zeros and STUN are keep-alives, RTP is not",
          "[trace][sip_extractor]")
{
    using ssw::trace::keepalive_kind;
    const auto kind_of = [](std::string_view s) -> std::optional<keepalive_kind> {
        keepalive_kind k{};
        const std::span<const std::uint8_t> p(reinterpret_cast<const std::uint8_t*>(s.data()),
                                              s.size());
        if (ssw::trace::classify_keepalive(p, k)) {
            return k;
        }
        return std::nullopt;
    };
    CHECK(kind_of("\r\n") == keepalive_kind::crlf);
    CHECK(kind_of("\r\n\r\n") == keepalive_kind::crlf);
    CHECK(kind_of("HELLO") == keepalive_kind::text);
    CHECK(kind_of(std::string(4, '\0')) == keepalive_kind::zeros);
    std::string stun(20, '\0');
    stun[1] = 1;
    stun[4] = 0x21;
    stun[5] = 0x12;
    stun[6] = static_cast<char>(0xa4);
    stun[7] = 0x42;
    CHECK(kind_of(stun) == keepalive_kind::stun);
    const auto r = ts::rtp(1, 0, 5);
    CHECK_FALSE(kind_of(std::string_view(reinterpret_cast<const char*>(r.data()), r.size())));
    CHECK_FALSE(kind_of(""));
    CHECK_FALSE(kind_of(std::string(40, 'x')));
}

TEST_CASE("trace::resend_detector: follows tshark's per-direction rule", "[trace][sip_extractor]")
{
    ssw::trace::resend_detector d;
    ssw::trace::sip_record r;
    r.call_id = "c";
    r.has_cseq = true;
    r.cseq = 1;
    r.cseq_method = "INVITE";
    r.is_request = true;
    r.method = "INVITE";
    CHECK_FALSE(d.on_message(r));
    CHECK(d.on_message(r)); // same request again
    SECTION("ACK and CANCEL are never resends")
    {
        r.method = r.cseq_method = "CANCEL";
        CHECK_FALSE(d.on_message(r));
        CHECK_FALSE(d.on_message(r));
    }
    SECTION("final responses repeat per direction")
    {
        ssw::trace::sip_record resp = r;
        resp.is_request = false;
        resp.method.clear();
        resp.status = 486;
        std::swap(resp.src, resp.dst);
        resp.src.port = 1;
        CHECK_FALSE(d.on_message(resp));
        CHECK(d.on_message(resp));
        resp.status = 500;
        CHECK_FALSE(d.on_message(resp));
    }
    SECTION("TCP is never resent")
    {
        r.proto = ssw::trace::transport::tcp;
        CHECK_FALSE(d.on_message(r));
    }
}
