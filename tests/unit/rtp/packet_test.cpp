// SPDX-License-Identifier: MIT
// RTP header parsing: fields, CSRC/extension/padding boundaries, RTCP, short and lying packets.
#include <ssw/rtp/packet.hpp>

#include <catch2/catch.hpp>

#include <vector>

using namespace ssw::rtp;

namespace {

std::vector<std::uint8_t> basic_packet()
{
    return {0x80, 0x80 | 8, 0x12, 0x34, 0x00, 0x00, 0x01, 0x40, 0xca, 0xfe, 0xba, 0xbe, 1, 2, 3, 4};
}

} // namespace

TEST_CASE("rtp::parse_packet: reads the fixed header fields", "[rtp][packet]")
{
    const auto p = basic_packet();
    const auto v = parse_packet(p);
    REQUIRE(v);
    CHECK(v->version == 2);
    CHECK(v->marker);
    CHECK(v->payload_type == 8);
    CHECK(v->fields.sequence == 0x1234);
    CHECK(v->fields.timestamp == 320);
    CHECK(v->fields.ssrc == 0xcafebabe);
    CHECK(v->payload_offset == 12);
    CHECK(v->payload_size == 4);
    CHECK_FALSE(v->padding);
}

TEST_CASE("rtp::parse_packet: skips the CSRC list and the header extension", "[rtp][packet]")
{
    std::vector<std::uint8_t> p = {0x92, 0, 0, 1, 0, 0, 0, 1, 0, 0, 0, 1};
    p.insert(p.end(), 8, 0xaa);                  // two CSRCs
    p.insert(p.end(), {0xbe, 0xde, 0x00, 0x01}); // extension, one word
    p.insert(p.end(), 4, 0xbb);
    p.insert(p.end(), {9, 9, 9}); // payload
    const auto v = parse_packet(p);
    REQUIRE(v);
    CHECK(v->csrc_count == 2);
    CHECK(v->extension);
    CHECK(v->payload_offset == 12 + 8 + 8);
    CHECK(v->payload_size == 3);
}

TEST_CASE("rtp::parse_packet: rejects short and lying packets without reading past the end",
          "[rtp][packet]")
{
    CHECK_FALSE(parse_packet(std::vector<std::uint8_t>(11, 0x80)));
    auto p = basic_packet();
    p[0] = 0x40;
    CHECK_FALSE(parse_packet(p));
    p = basic_packet();
    p[0] = 0x8f; // 15 CSRCs claimed, 4 bytes present
    CHECK(parse_packet(p).error().code == ssw::errc::parse_error);
    p = basic_packet();
    p[0] = 0x90; // extension header claims 0xffff words
    p[14] = 0xff;
    p[15] = 0xff;
    CHECK_FALSE(parse_packet(p));
    p = std::vector<std::uint8_t>(12, 0);
    p[0] = 0x90; // X set, no room for the extension header
    CHECK_FALSE(parse_packet(p));
}

TEST_CASE("rtp::parse_packet: a padding count that does not fit is flagged, not fatal",
          "[rtp][packet]")
{
    auto p = basic_packet();
    p[0] = 0xa0;
    p.back() = 2;
    auto v = parse_packet(p);
    REQUIRE(v);
    CHECK(v->padding_consistent);
    CHECK(v->padding_size == 2);
    CHECK(v->payload_size == 4);
    p.back() = 200;
    v = parse_packet(p);
    REQUIRE(v);
    CHECK_FALSE(v->padding_consistent);
    CHECK(v->padding_size == 0);
}

TEST_CASE("rtp::is_rtcp: payload types 72-76 are RTCP and never parsed as RTP", "[rtp][packet]")
{
    std::vector<std::uint8_t> sr = {0x80, 200, 0, 6, 0xca, 0xfe, 0xba, 0xbe,
                                    0,    0,   0, 0, 0,    0,    0,    0};
    CHECK(is_rtcp(sr));
    CHECK(parse_packet(sr).error().code == ssw::errc::protocol_error);
    sr[1] = 204;
    CHECK(is_rtcp(sr));
    sr[1] = 205;
    CHECK_FALSE(is_rtcp(sr));
    CHECK_FALSE(is_rtcp(basic_packet()));
    CHECK(looks_like_rtp(basic_packet()));
}
