// SPDX-License-Identifier: MIT
// crypt_datagram: payload only, header/CSRC/extension untouched, RTCP and junk passed.
#include "support/rtp_test_helpers.hpp"

#include <ssw/rtp/payload_crypt.hpp>

#include <catch2/catch.hpp>

using namespace ssw::rtp;

TEST_CASE("rtp::crypt_datagram: encrypts only the payload and round-trips", "[rtp][payload_crypt]")
{
    auto c = ssw::crypto::payload_cipher::make(ssw::crypto::mode::aes128,
                                               std::vector<std::uint8_t>(16, 3));
    REQUIRE(c);
    std::vector<std::uint8_t> d = {0x91, 0x00, 0x00, 0x05, 0,    0,    0,    160,  1, 2, 3, 4,
                                   9,    9,    9,    9,    0xbe, 0xde, 0x00, 0x01, 7, 7, 7, 7};
    const std::size_t header = d.size();
    const auto payload = ssw::test::pattern_bytes(160, 8);
    d.insert(d.end(), payload.begin(), payload.end());
    const auto original = d;
    REQUIRE(*crypt_datagram(*c, d) == crypt_outcome::applied);
    CHECK(std::equal(d.begin(), d.begin() + static_cast<std::ptrdiff_t>(header), original.begin()));
    CHECK(d != original);
    REQUIRE(*crypt_datagram(*c, d) == crypt_outcome::applied);
    CHECK(d == original);
}

TEST_CASE("rtp::crypt_datagram: RTCP and non-RTP datagrams pass untouched", "[rtp][payload_crypt]")
{
    auto c =
        ssw::crypto::payload_cipher::make(ssw::crypto::mode::xor_, std::vector<std::uint8_t>{0xff});
    REQUIRE(c);
    std::vector<std::uint8_t> rtcp = {0x80, 201, 0, 1, 1, 2, 3, 4};
    const auto r0 = rtcp;
    CHECK(*crypt_datagram(*c, rtcp) == crypt_outcome::passed_rtcp);
    CHECK(rtcp == r0);
    std::vector<std::uint8_t> junk = {0x01, 0x02, 0x03};
    CHECK(*crypt_datagram(*c, junk) == crypt_outcome::passed_other);
    CHECK(junk == std::vector<std::uint8_t>{0x01, 0x02, 0x03});
}
