// SPDX-License-Identifier: MIT
// The tiny SS_RTPENCRYPTION* reader of parameter files.
#include <ssw/rtp/encryption_params.hpp>

#include <catch2/catch.hpp>

using namespace ssw::rtp;

TEST_CASE("rtp::parse_encryption_params: reads mode and key, ignores other parameters",
          "[rtp][encryption_params]")
{
    const auto p = parse_encryption_params(
        "# ssw parameters\nSS_SIP_TIMEOUT_INVITE = 10\n"
        "SS_RTPENCRYPTIONMODE = 3\n ss_rtpencryptionkey = \"0123456789abcdef\"\n\n",
        "p.conf");
    REQUIRE(p);
    CHECK(*p->mode == ssw::crypto::mode::aes128);
    CHECK(p->key->size() == 16);
    const auto h = parse_encryption_params("SS_RTPENCRYPTIONKEY=hex:0011\n", "p.conf");
    CHECK(*h->key == ssw::crypto::key_bytes{0x00, 0x11});
    CHECK_FALSE(h->mode);
}

TEST_CASE("rtp::parse_encryption_params: bad lines name file and line", "[rtp][encryption_params]")
{
    auto e = parse_encryption_params("SS_RTPENCRYPTIONMODE = 1\nnonsense\n", "p.conf");
    REQUIRE_FALSE(e);
    CHECK(e.error().where == "p.conf:2");
    e = parse_encryption_params("SS_RTPENCRYPTIONMODE = 9\n", "p.conf");
    REQUIRE_FALSE(e);
    CHECK(e.error().code == ssw::errc::parse_error);
    CHECK(e.error().where == "p.conf:1");
}
