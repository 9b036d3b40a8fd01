// SPDX-License-Identifier: MIT
// Key-less static pad recovery on XOR- and rc4-static-encrypted speech.
#include "support/rtp_speech.hpp"

#include <ssw/rtp/pad_recovery.hpp>

#include <catch2/catch.hpp>

using namespace ssw::rtp;
namespace speech = ssw::test::rtp_speech;

namespace {

std::vector<std::span<const std::uint8_t>> views(const stream& s)
{
    std::vector<std::span<const std::uint8_t>> v;
    for (const auto& p : s.packets) {
        v.emplace_back(p.payload);
    }
    return v;
}

} // namespace

TEST_CASE("rtp::recover_static_pad: recovers a repeated XOR key from speech with pauses",
          "[rtp][pad_recovery]")
{
    const char* keys[] = {"secret", "K", "0123456789abcdef", "VoIP-key!2026",
                          "a much longer static key of 40 bytes.."};
    for (const bool alaw : {false, true}) {
        for (const char* k : keys) {
            INFO("key '" << k << "' alaw " << alaw);
            auto s =
                speech::make_stream(0x55667788, "10.0.0.1:4000", "10.0.0.2:4000", 150, 0, alaw);
            speech::encrypt(s, "xor-static", std::nullopt, speech::key_of(k));
            const auto r = recover_static_pad(alaw ? codec::pcma : codec::pcmu, views(s));
            REQUIRE(r);
            CHECK(r->score_after >= 0.5);
            REQUIRE(r->repeated_key);
            CHECK(std::string(r->repeated_key->begin(), r->repeated_key->end()) == k);
        }
    }
}

TEST_CASE(
    "rtp::recover_static_pad: an rc4-static pad decodes the audio without being a repeated key",
    "[rtp][pad_recovery]")
{
    auto s = speech::make_stream(0x1, "10.0.0.1:4000", "10.0.0.2:4000", 150, 100);
    speech::encrypt(s, "rc4-static", std::nullopt, speech::key_of("rc4 static key"));
    const auto r = recover_static_pad(codec::pcmu, views(s));
    REQUIRE(r);
    CHECK(r->score_after >= 0.5);
    CHECK_FALSE(r->repeated_key);
    CHECK(r->positions == 160);
}

TEST_CASE("rtp::recover_static_pad: too few packets give nothing", "[rtp][pad_recovery]")
{
    auto s = speech::make_stream(0x1, "a:1", "b:2", 5);
    CHECK_FALSE(recover_static_pad(codec::pcmu, views(s)));
    CHECK_FALSE(recover_static_pad(codec::g729, views(s)));
}
