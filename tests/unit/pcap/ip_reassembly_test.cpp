// SPDX-License-Identifier: MIT
// Tests for ssw::pcap::ip_reassembler: order, overlaps, duplicates, limits, timeouts, IPv6.
#include "support/pcap_builder.hpp"

#include <ssw/pcap/ip_reassembly.hpp>

#include <catch2/catch.hpp>

#include <algorithm>
#include <random>

using namespace ssw::pcap;
namespace pb = ssw::test::pcap_builder;

namespace {

// Decodes frames that must outlive the result (the spans point into them).
std::vector<decoded_frame> decode_all(std::vector<pb::frame_bytes>& frames)
{
    std::vector<decoded_frame> out;
    for (const auto& f : frames) {
        auto d = decode_frame(link_type::raw, f);
        REQUIRE(d);
        REQUIRE(d->kind == frame_kind::ip_fragment);
        out.push_back(*d);
    }
    return out;
}

std::string body(std::size_t n)
{
    std::string s;
    for (std::size_t i = 0; i < n; ++i) {
        s.push_back(static_cast<char>('a' + i % 26));
    }
    return s;
}

constexpr std::int64_t t0 = 1'700'000'000'000'000'000;

} // namespace

TEST_CASE("pcap::ip_reassembler: rebuilds IPv4 and IPv6 datagrams in any fragment order",
          "[pcap][ip_reassembly]")
{
    const bool v6 = GENERATE(false, true);
    const auto seg = pb::udp(5060, 5060, body(3000));
    auto frames = v6 ? pb::ipv6_fragments("2001:db8::1", "2001:db8::2", pb::proto_udp, seg, 1232, 9)
                     : pb::ipv4_fragments("10.0.0.1", "10.0.0.2", pb::proto_udp, seg, 1480, 9);
    auto decoded = decode_all(frames);
    std::vector<std::size_t> order(decoded.size());
    for (std::size_t i = 0; i < order.size(); ++i) {
        order[i] = i;
    }
    std::mt19937 rng(42);
    for (int round = 0; round < 6; ++round) {
        ip_reassembler r;
        std::optional<reassembled_datagram> out;
        for (std::size_t i = 0; i < order.size(); ++i) {
            auto got = r.on_fragment(decoded[order[i]], order[i] + 1, t0);
            if (i + 1 < order.size()) {
                CHECK_FALSE(got);
            } else {
                out = std::move(got);
            }
        }
        REQUIRE(out);
        CHECK(out->payload == seg);
        CHECK(out->protocol == pb::proto_udp);
        CHECK(out->frame_numbers.size() == frames.size());
        CHECK(r.in_flight() == 0);
        CHECK(r.buffered_bytes() == 0);
        std::shuffle(order.begin(), order.end(), rng);
    }
}

TEST_CASE("pcap::ip_reassembler: duplicates and overlaps keep the first copy of each byte",
          "[pcap][ip_reassembly]")
{
    const auto seg = pb::udp(1, 2, body(40)); // 48 bytes
    // Fragment A: bytes 0..24, fragment B: 16..48 with different content in the overlap.
    pb::frame_bytes a(seg.begin(), seg.begin() + 24);
    pb::frame_bytes b(seg.begin() + 16, seg.end());
    for (std::size_t i = 0; i < 8; ++i) {
        b[i] = 'X';
    }
    const auto ra = pb::ipv4("10.0.0.1", "10.0.0.2", 17, a, 5, 0, true);
    const auto rb = pb::ipv4("10.0.0.1", "10.0.0.2", 17, b, 5, 16, false);
    const auto fa = decode_frame(link_type::raw, ra).value();
    const auto fb = decode_frame(link_type::raw, rb).value();
    SECTION("first fragment first")
    {
        ip_reassembler r;
        CHECK_FALSE(r.on_fragment(fa, 1, t0));
        CHECK_FALSE(r.on_fragment(fa, 2, t0)); // exact duplicate
        auto out = r.on_fragment(fb, 3, t0);
        REQUIRE(out);
        CHECK(out->payload == seg);
        CHECK(r.stats().overlaps == 2);
        CHECK(out->frame_numbers == std::vector<std::uint64_t>{1, 2, 3});
    }
    SECTION("overlapping fragment first wins its bytes")
    {
        ip_reassembler r;
        CHECK_FALSE(r.on_fragment(fb, 1, t0));
        auto out = r.on_fragment(fa, 2, t0);
        REQUIRE(out);
        CHECK(std::string(out->payload.begin() + 16, out->payload.begin() + 24) == "XXXXXXXX");
        CHECK(std::equal(out->payload.begin(), out->payload.begin() + 16, seg.begin()));
    }
}

TEST_CASE("pcap::ip_reassembler: separates datagrams by id, addresses and protocol",
          "[pcap][ip_reassembly]")
{
    const auto seg1 = pb::udp(1, 2, body(30));
    const auto seg2 = pb::udp(3, 4, body(50));
    auto raw1 = pb::ipv4_fragments("10.0.0.1", "10.0.0.2", 17, seg1, 16, 1);
    auto raw2 = pb::ipv4_fragments("10.0.0.1", "10.0.0.2", 17, seg2, 16, 2);
    auto f1 = decode_all(raw1);
    auto f2 = decode_all(raw2);
    ip_reassembler r;
    std::vector<reassembled_datagram> got;
    for (std::size_t i = 0; i < std::max(f1.size(), f2.size()); ++i) {
        for (auto* list : {&f1, &f2}) {
            if (i < list->size()) {
                if (auto d = r.on_fragment((*list)[i], i, t0)) {
                    got.push_back(std::move(*d));
                }
            }
        }
    }
    REQUIRE(got.size() == 2);
    CHECK(got[0].payload == seg1);
    CHECK(got[1].payload == seg2);
}

TEST_CASE("pcap::ip_reassembler: incomplete datagrams expire in capture time",
          "[pcap][ip_reassembly]")
{
    auto raw = pb::ipv4_fragments("10.0.0.1", "10.0.0.2", 17, pb::udp(1, 2, body(100)), 32, 7);
    const auto frags = decode_all(raw);
    ip_reassembler r(ip_reassembly_limits{1024, 1 << 20, std::chrono::seconds(30)});
    CHECK_FALSE(r.on_fragment(frags[0], 1, t0));
    CHECK(r.expire(t0 + 29'000'000'000) == 0);
    CHECK(r.in_flight() == 1);
    // A fragment of another datagram 31 s later triggers the expiry of the first.
    auto raw_other =
        pb::ipv4_fragments("10.0.0.3", "10.0.0.2", 17, pb::udp(1, 2, body(100)), 32, 7);
    const auto other = decode_all(raw_other);
    CHECK_FALSE(r.on_fragment(other[0], 2, t0 + 31'000'000'000));
    CHECK(r.in_flight() == 1);
    CHECK(r.stats().expired == 1);
    // The rest of the first datagram no longer completes it.
    for (std::size_t i = 1; i < frags.size(); ++i) {
        CHECK_FALSE(r.on_fragment(frags[i], 3, t0 + 31'000'000'000));
    }
    CHECK(r.flush() == 2);
    CHECK(r.buffered_bytes() == 0);
}

TEST_CASE("pcap::ip_reassembler: respects the datagram and byte bounds by evicting the oldest",
          "[pcap][ip_reassembly]")
{
    ip_reassembler r(ip_reassembly_limits{4, 1000, std::chrono::seconds(30)});
    for (std::uint16_t id = 0; id < 10; ++id) {
        auto raw =
            pb::ipv4_fragments("10.0.0.1", "10.0.0.2", 17, pb::udp(1, 2, body(200)), 104, id);
        const auto f = decode_all(raw);
        CHECK_FALSE(r.on_fragment(f[0], id, t0));
        CHECK(r.in_flight() <= 4);
        CHECK(r.buffered_bytes() <= 1000);
    }
    CHECK(r.stats().evicted == 6);
    // The newest datagrams are the ones still held: completing id 9 works.
    auto raw_last =
        pb::ipv4_fragments("10.0.0.1", "10.0.0.2", 17, pb::udp(1, 2, body(200)), 104, 9);
    const auto last = decode_all(raw_last);
    CHECK(r.on_fragment(last[1], 99, t0));
    ip_reassembler tiny(ip_reassembly_limits{4, 100, std::chrono::seconds(30)});
    auto raw_big = pb::ipv4_fragments("10.0.0.1", "10.0.0.2", 17, pb::udp(1, 2, body(400)), 200, 1);
    const auto big = decode_all(raw_big);
    CHECK_FALSE(tiny.on_fragment(big[1], 1, t0));
    CHECK(tiny.buffered_bytes() <= 100);
}

TEST_CASE("pcap::ip_reassembler: drops fragments past 65535 bytes or past the known end",
          "[pcap][ip_reassembly]")
{
    ip_reassembler r;
    const pb::frame_bytes chunk(64, 'z');
    const auto rfar = pb::ipv4("10.0.0.1", "10.0.0.2", 17, chunk, 3, 65528 - 8, true);
    auto far = decode_frame(link_type::raw, rfar).value();
    far.fragment_offset = 65520;
    CHECK_FALSE(r.on_fragment(far, 1, t0));
    CHECK(r.stats().invalid == 1);
    const auto rlast = pb::ipv4("10.0.0.1", "10.0.0.2", 17, chunk, 4, 64, false);
    const auto rbeyond = pb::ipv4("10.0.0.1", "10.0.0.2", 17, chunk, 4, 256, true);
    const auto last = decode_frame(link_type::raw, rlast).value();
    const auto beyond = decode_frame(link_type::raw, rbeyond).value();
    CHECK_FALSE(r.on_fragment(last, 2, t0));
    CHECK_FALSE(r.on_fragment(beyond, 3, t0));
    CHECK(r.stats().invalid == 2);
}
