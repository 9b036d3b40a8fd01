// SPDX-License-Identifier: MIT
// Tests for ssw::pcap::decode_frame: every link type, VLAN/QinQ, PPPoE, IPv6 extension headers,
// fragments, truncation, malformed headers, and checksum repair after an in-place rewrite.
#include "support/helpers.hpp"
#include "support/pcap_builder.hpp"
#include "support/temp_dir.hpp"
#include "support/tool_runner.hpp"

#include <ssw/pcap/frame_decoder.hpp>

#include <catch2/catch.hpp>

#include <filesystem>
#include <string_view>

using namespace ssw::pcap;
namespace pb = ssw::test::pcap_builder;

namespace {

std::string_view text(std::span<const std::uint8_t> s)
{
    return {reinterpret_cast<const char*>(s.data()), s.size()};
}

const std::string sip = "OPTIONS sip:bob@example.com SIP/2.0\r\n\r\n";

} // namespace

TEST_CASE("pcap::decode_frame: finds UDP payload under every supported link type",
          "[pcap][frame_decoder]")
{
    const auto v4 = pb::ipv4("192.0.2.1", "198.51.100.2", pb::proto_udp, pb::udp(5070, 5060, sip));
    const auto v6 = pb::ipv6("2001:db8::1", "2001:db8::2", pb::proto_udp, pb::udp(5070, 5060, sip));
    struct variant {
        const char* name;
        link_type link;
        pb::frame_bytes frame;
        std::size_t ip_offset;
    };
    const std::vector<variant> variants = {
        {"ethernet v4", link_type::ethernet, pb::ethernet(v4), 14},
        {"ethernet v6", link_type::ethernet, pb::ethernet(v6), 14},
        {"802.1Q", link_type::ethernet, pb::ethernet(v4, {{0x8100, 42}}), 18},
        {"QinQ 88a8", link_type::ethernet, pb::ethernet(v6, {{0x88a8, 100}, {0x8100, 42}}), 22},
        {"QinQ 9100", link_type::ethernet, pb::ethernet(v4, {{0x9100, 7}, {0x8100, 42}}), 22},
        {"PPPoE", link_type::ethernet, pb::pppoe(v4), 22},
        {"PPPoE v6", link_type::ethernet, pb::pppoe(v6), 22},
        {"SLL", link_type::linux_sll, pb::linux_sll(v4), 16},
        {"SLL2", link_type::linux_sll2, pb::linux_sll2(v6), 20},
        {"raw v4", link_type::raw, v4, 0},
        {"raw v6", link_type::raw, v6, 0},
        {"ipv4", link_type::ipv4, v4, 0},
        {"ipv6", link_type::ipv6, v6, 0},
        {"null little-endian v4", link_type::null, pb::loopback(v4, false), 4},
        {"null little-endian v6", link_type::null, pb::loopback(v6, false, 30), 4},
        {"null big-endian v6", link_type::null, pb::loopback(v6, true, 24), 4},
        {"loop", link_type::loop, pb::loopback(v4, true), 4},
    };
    for (const auto& v : variants) {
        INFO(v.name);
        auto d = decode_frame(v.link, v.frame);
        REQUIRE(d);
        CHECK(d->kind == frame_kind::udp);
        CHECK(d->ip_offset == v.ip_offset);
        CHECK(text(d->payload) == sip);
        CHECK(d->src_port == 5070);
        CHECK(d->dst_port == 5060);
        CHECK(d->payload_offset + sip.size() == v.frame.size());
        CHECK(d->payload.data() == v.frame.data() + d->payload_offset);
        CHECK_FALSE(d->truncated);
    }
}

TEST_CASE("pcap::decode_frame: reports addresses, VLAN ids and endpoint text",
          "[pcap][frame_decoder]")
{
    const auto f =
        pb::ethernet(pb::ipv6("2001:db8::1", "2001:db8::a:2", pb::proto_udp, pb::udp(1, 5060, "x")),
                     {{0x88a8, 100}, {0x8100, 42}});
    auto d = decode_frame(link_type::ethernet, f);
    REQUIRE(d);
    CHECK(d->vlan_count == 2);
    CHECK(d->vlan_ids[0] == 100);
    CHECK(d->vlan_ids[1] == 42);
    CHECK(d->source().to_string() == "[2001:db8::1]:1");
    CHECK(d->destination().to_string() == "[2001:db8::a:2]:5060");
    CHECK(d->ether_type == 0x86dd);
    auto v4 = decode_frame(link_type::raw,
                           pb::ipv4("10.1.2.3", "10.3.2.1", pb::proto_udp, pb::udp(9, 5060, "")));
    REQUIRE(v4);
    CHECK(v4->source().to_string() == "10.1.2.3:9");
    CHECK(v4->payload.empty());
}

TEST_CASE("pcap::decode_frame: skips IPv6 extension headers to the transport",
          "[pcap][frame_decoder]")
{
    const std::vector<pb::ipv6_ext> exts = {{0, 8}, {43, 24}, {60, 16}};
    const auto f =
        pb::ipv6("::1", "::2", pb::proto_tcp, pb::tcp(5060, 40000, 1000, 0, 0x18, sip), exts);
    auto d = decode_frame(link_type::raw, f);
    REQUIRE(d);
    CHECK(d->kind == frame_kind::tcp);
    CHECK(d->ip_header_length == 40 + 8 + 24 + 16);
    CHECK(d->ip_protocol == 6);
    CHECK(d->tcp_seq == 1000);
    CHECK(d->tcp_flags == (tcp_flags::psh | tcp_flags::ack));
    CHECK(text(d->payload) == sip);
}

TEST_CASE("pcap::decode_frame: marks IPv4 and IPv6 fragments with id, offset and more flag",
          "[pcap][frame_decoder]")
{
    const auto seg = pb::udp(5060, 5060, std::string(100, 'a'));
    const auto v4 = pb::ipv4_fragments("10.0.0.1", "10.0.0.2", pb::proto_udp, seg, 48, 77);
    REQUIRE(v4.size() == 3);
    auto first = decode_frame(link_type::raw, v4[0]);
    REQUIRE(first);
    CHECK(first->kind == frame_kind::ip_fragment);
    CHECK(first->fragment_id == 77);
    CHECK(first->fragment_offset == 0);
    CHECK(first->more_fragments);
    CHECK(first->payload.size() == 48);
    auto last = decode_frame(link_type::raw, v4[2]);
    REQUIRE(last);
    CHECK(last->fragment_offset == 96);
    CHECK_FALSE(last->more_fragments);
    CHECK(last->payload.size() == seg.size() - 96);

    const auto v6 = pb::ipv6_fragments("::1", "::2", pb::proto_udp, seg, 64, 0xdeadbeef);
    auto second = decode_frame(link_type::raw, v6[1]);
    REQUIRE(second);
    CHECK(second->kind == frame_kind::ip_fragment);
    CHECK(second->fragment_id == 0xdeadbeef);
    CHECK(second->fragment_offset == 64);
    CHECK(second->ip_protocol == pb::proto_udp);
}

TEST_CASE("pcap::decode_frame: non-IP frames decode as non_ip, not as errors",
          "[pcap][frame_decoder]")
{
    pb::frame_bytes arp = {0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0, 1, 2, 3, 4, 5, 0x08, 0x06, 0, 1};
    auto d = decode_frame(link_type::ethernet, arp);
    REQUIRE(d);
    CHECK(d->kind == frame_kind::non_ip);
    CHECK(d->ether_type == 0x0806);
    auto icmp = decode_frame(link_type::raw, pb::ipv4("10.0.0.1", "10.0.0.2", 1, {8, 0, 0, 0}));
    REQUIRE(icmp);
    CHECK(icmp->kind == frame_kind::ip_other);
    CHECK(icmp->payload.size() == 4);
}

TEST_CASE("pcap::decode_frame: rejects cut-short and inconsistent headers with the layer named",
          "[pcap][frame_decoder]")
{
    const auto good = pb::ethernet(
        pb::ipv4("10.0.0.1", "10.0.0.2", pb::proto_tcp, pb::tcp(1, 2, 3, 4, 0x10, "")));
    for (std::size_t n = 0; n < good.size(); ++n) {
        INFO(n);
        const std::span<const std::uint8_t> cut(good.data(), n);
        auto d = decode_frame(link_type::ethernet, cut);
        if (n < 14 + 20 + 20) {
            REQUIRE_FALSE(d);
            CHECK(d.error().code == ssw::errc::parse_error);
        }
    }
    auto bad_version = good;
    bad_version[14] = 0x55;
    auto v = decode_frame(link_type::ethernet, bad_version);
    REQUIRE_FALSE(v);
    CHECK(v.error().message.find("version 5") != std::string::npos);
    auto bad_ihl = good;
    bad_ihl[14] = 0x44;
    CHECK_FALSE(decode_frame(link_type::ethernet, bad_ihl));
    auto unknown = decode_frame(static_cast<link_type>(147), good);
    REQUIRE_FALSE(unknown);
    CHECK(unknown.error().code == ssw::errc::unsupported);
    pb::frame_bytes tags = {0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11};
    for (int i = 0; i < 6; ++i) {
        pb::put16(tags, 0x8100);
        pb::put16(tags, 1);
    }
    pb::put16(tags, 0x0800);
    auto deep = decode_frame(link_type::ethernet, tags);
    REQUIRE_FALSE(deep);
    CHECK(deep.error().message.find("VLAN") != std::string::npos);
}

TEST_CASE("pcap::decode_frame: a snaplen-truncated datagram is marked truncated",
          "[pcap][frame_decoder]")
{
    const auto f = pb::ethernet(
        pb::ipv4("10.0.0.1", "10.0.0.2", pb::proto_udp, pb::udp(1, 2, std::string(200, 'x'))));
    const std::span<const std::uint8_t> cut(f.data(), 100);
    auto d = decode_frame(link_type::ethernet, cut);
    REQUIRE(d);
    CHECK(d->truncated);
    CHECK(d->kind == frame_kind::udp);
    CHECK(d->payload.size() == 100 - 14 - 20 - 8);
}

TEST_CASE("pcap::decode_frame: ignores Ethernet padding after a short datagram",
          "[pcap][frame_decoder]")
{
    auto f = pb::ethernet(pb::ipv4("10.0.0.1", "10.0.0.2", pb::proto_udp, pb::udp(1, 2, "ab")));
    f.resize(60, 0);
    auto d = decode_frame(link_type::ethernet, f);
    REQUIRE(d);
    CHECK(text(d->payload) == "ab");
}

TEST_CASE("pcap::fix_transport_checksum: a rewritten payload gets a valid checksum again",
          "[pcap][frame_decoder]")
{
    const bool v6 = GENERATE(false, true);
    const bool use_tcp = GENERATE(false, true);
    const std::string payload = "RTP-ish payload of odd length!";
    const auto body =
        use_tcp ? pb::tcp(4000, 4002, 1, 1, 0x18, payload) : pb::udp(4000, 4002, payload);
    const auto proto = use_tcp ? pb::proto_tcp : pb::proto_udp;
    auto frame = pb::finish_checksums(
        link_type::ethernet, pb::ethernet(v6 ? pb::ipv6("2001:db8::1", "2001:db8::2", proto, body)
                                             : pb::ipv4("10.0.0.1", "10.0.0.2", proto, body)));
    const auto original = frame;
    auto d = decode_frame(link_type::ethernet, frame);
    REQUIRE(d);
    for (std::size_t i = 0; i < d->payload.size(); ++i) {
        frame[d->payload_offset + i] ^= 0x5a;
    }
    REQUIRE(fix_transport_checksum(frame, *d));
    CHECK(frame != original);
    for (std::size_t i = 0; i < d->payload.size(); ++i) {
        frame[d->payload_offset + i] ^= 0x5a;
    }
    REQUIRE(fix_transport_checksum(frame, *d));
    CHECK(frame == original);
}

TEST_CASE("pcap::ip_address: parses and prints IPv4 and IPv6", "[pcap][frame_decoder]")
{
    CHECK(parse_ip_address("192.0.2.10")->to_string() == "192.0.2.10");
    CHECK(parse_ip_address("2001:0db8:0:0:0:0:0:1")->to_string() == "2001:db8::1");
    CHECK_FALSE(parse_ip_address("300.1.1.1"));
    CHECK_FALSE(parse_ip_address("[::1]"));
    CHECK(*parse_ip_address("10.0.0.1") < *parse_ip_address("10.0.0.2"));
}

TEST_CASE("pcap::fix_transport_checksum: tshark validates the repaired checksums",
          "[pcap][frame_decoder][interop]")
{
    const std::string tshark = ssw::test::require_program("tshark", "tshark");
    pb::capture cap(link_type::ethernet);
    const std::string payload = "odd-length payload!";
    cap.add(pb::finish_checksums(
        link_type::ethernet,
        pb::ethernet(pb::ipv4("10.0.0.1", "10.0.0.2", 17, pb::udp(4000, 4002, payload)))));
    cap.add(pb::finish_checksums(link_type::ethernet,
                                 pb::ethernet(pb::ipv6("2001:db8::1", "2001:db8::2", 17,
                                                       pb::udp(4000, 4002, payload), {{60, 8}}))));
    cap.add(pb::finish_checksums(
        link_type::ethernet,
        pb::ethernet(pb::ipv4("10.0.0.1", "10.0.0.2", 6, pb::tcp(1, 2, 3, 4, 0x18, payload)))));
    cap.add(pb::finish_checksums(link_type::ethernet,
                                 pb::ethernet(pb::ipv6("2001:db8::1", "2001:db8::2", 6,
                                                       pb::tcp(1, 2, 3, 4, 0x18, payload)))));
    ssw::test::temp_dir dir;
    pb::write_file((dir / "c.pcap").string(), cap.pcap());
    const auto res = ssw::test::run_tool(
        tshark, {"-r", (dir / "c.pcap").string(), "-o", "udp.check_checksum:TRUE", "-o",
                 "tcp.check_checksum:TRUE", "-T", "fields", "-e", "udp.checksum.status", "-e",
                 "tcp.checksum.status"});
    CHECK(res.exit_code == 0);
    CHECK(res.out == "1\t\n1\t\n\t1\n\t1\n"); // 1 = good
}
