// SPDX-License-Identifier: MIT
// Audio plausibility: real speech scores high, cipher output low, silence and CN handled.
#include "support/rtp_speech.hpp"
#include "support/rtp_test_helpers.hpp"

#include <ssw/crypto/payload_cipher.hpp>
#include <ssw/rtp/audio_score.hpp>

#include <catch2/catch.hpp>

#include <random>

using namespace ssw::rtp;
namespace speech = ssw::test::rtp_speech;

namespace {

std::vector<std::span<const std::uint8_t>> views(const stream& s, std::size_t n = 150)
{
    std::vector<std::span<const std::uint8_t>> v;
    for (std::size_t i = 0; i < std::min(n, s.packets.size()); ++i) {
        v.emplace_back(s.packets[i].payload);
    }
    return v;
}

} // namespace

TEST_CASE("rtp::ulaw_to_linear: G.711 zero and extreme codes", "[rtp][audio_score]")
{
    CHECK(ulaw_to_linear(0xff) == 0);
    CHECK(ulaw_to_linear(0x7f) == 0);
    CHECK(ulaw_to_linear(0x80) == 32124);
    CHECK(ulaw_to_linear(0x00) == -32124);
    CHECK(alaw_to_linear(0xd5) == 8);
    CHECK(alaw_to_linear(0x55) == -8);
    CHECK(alaw_to_linear(0xaa) == 32256);
}

TEST_CASE("rtp::score_audio: speech is plausible, encrypted speech is not, at every offset",
          "[rtp][audio_score]")
{
    for (const bool alaw : {false, true}) {
        for (std::size_t offset = 0; offset < 400; offset += 50) {
            INFO("alaw " << alaw << " offset " << offset);
            auto s =
                speech::make_stream(0x1234, "10.0.0.1:4000", "10.0.0.2:4000", 50, offset, alaw);
            const auto plain = score_audio(alaw ? codec::pcma : codec::pcmu, views(s));
            CHECK(plain.score >= 0.5);
            speech::encrypt(s, "native", ssw::crypto::mode::aes128,
                            speech::key_of("0123456789abcdef"));
            const auto enc = score_audio(alaw ? codec::pcma : codec::pcmu, views(s));
            CHECK(enc.score < 0.2);
        }
    }
}

TEST_CASE("rtp::score_audio: digital silence is plausible, random bytes are not",
          "[rtp][audio_score]")
{
    std::vector<std::vector<std::uint8_t>> silence(50, std::vector<std::uint8_t>(160, 0xff));
    std::vector<std::span<const std::uint8_t>> v(silence.begin(), silence.end());
    const auto s = score_audio(codec::pcmu, v);
    CHECK(s.all_silence);
    CHECK(s.score == 1.0);
    std::vector<std::vector<std::uint8_t>> noise;
    for (std::uint32_t i = 0; i < 50; ++i) {
        noise.push_back(ssw::test::pattern_bytes(160, i + 1));
    }
    std::vector<std::span<const std::uint8_t>> nv(noise.begin(), noise.end());
    CHECK(score_audio(codec::pcmu, nv).score < 0.2);
    CHECK(score_audio(codec::pcma, nv).score < 0.2);
    CHECK(score_audio(codec::unknown, nv).score < 0.2);
    CHECK(score_audio(codec::g729, nv).score < 0.5);
}

TEST_CASE("rtp::score_audio: comfort noise levels <= 127 are plausible", "[rtp][audio_score]")
{
    std::vector<std::vector<std::uint8_t>> cn(30, std::vector<std::uint8_t>{60, 1, 2});
    std::vector<std::span<const std::uint8_t>> v(cn.begin(), cn.end());
    CHECK(score_audio(codec::comfort_noise, v).score == 1.0);
    for (std::size_t i = 0; i < cn.size(); i += 2) {
        cn[i][0] = 200;
    }
    CHECK(score_audio(codec::comfort_noise, v).score < 0.5);
}

TEST_CASE("rtp::codec_for_payload_type: static payload types map to codecs", "[rtp][audio_score]")
{
    CHECK(codec_for_payload_type(0) == codec::pcmu);
    CHECK(codec_for_payload_type(8) == codec::pcma);
    CHECK(codec_for_payload_type(18) == codec::g729);
    CHECK(codec_for_payload_type(13) == codec::comfort_noise);
    CHECK(codec_for_payload_type(101) == codec::unknown);
}

TEST_CASE("rtp::score_audio: louder and noisier speech stays plausible, text-key XOR does not",
          "[rtp][audio_score]")
{
    std::uint32_t noise_state = 7;
    const auto noise = [&noise_state] {
        // Sum of uniforms: roughly Gaussian, unit variance.
        double sum = 0;
        for (int i = 0; i < 12; ++i) {
            noise_state = noise_state * 1664525U + 1013904223U;
            sum += static_cast<double>(noise_state >> 8) / 16777216.0;
        }
        return sum - 6.0;
    };
    for (const auto& [gain, noise_rms] :
         {std::pair{4.0, 0.0}, std::pair{1.0, 330.0}, std::pair{1.0, 1036.0}}) {
        INFO("gain " << gain << " noise rms " << noise_rms);
        auto s = speech::make_stream(1, "a:1", "b:2", 150);
        for (auto& p : s.packets) {
            for (auto& b : p.payload) {
                const double x = ulaw_to_linear(b) * gain + noise() * noise_rms;
                b = speech::linear_to_ulaw(static_cast<int>(std::clamp(x, -32768.0, 32767.0)));
            }
        }
        CHECK(score_audio(codec::pcmu, views(s)).score >= 0.5);
    }
    for (const char* key : {"K", "gamma", "12345", "!!!!", "xor-shared-key", "0123456789abcdef"}) {
        INFO("xor key " << key);
        for (const std::size_t offset : {std::size_t{0}, std::size_t{100}, std::size_t{250}}) {
            auto s = speech::make_stream(1, "a:1", "b:2", 150, offset);
            speech::encrypt(s, "xor-static", std::nullopt, speech::key_of(key));
            CHECK(score_audio(codec::pcmu, views(s)).score < 0.5);
        }
    }
}

TEST_CASE("rtp::score_audio: G.729 frames with biased bits pass, cipher-like frames do not",
          "[rtp][audio_score]")
{
    // Synthetic stand-in (no G.729 encoder is available here): 20-byte packets of two frames
    // whose first byte of each frame is mostly small, as codebook indices and gains are.
    std::vector<std::vector<std::uint8_t>> biased;
    std::vector<std::vector<std::uint8_t>> random;
    std::mt19937 gen(2026);
    for (std::uint32_t i = 0; i < 150; ++i) {
        std::vector<std::uint8_t> r(20);
        for (auto& b : r) {
            b = static_cast<std::uint8_t>(gen() >> 24);
        }
        random.push_back(r);
        r[0] &= 0x1f;
        r[10] &= 0x1f;
        biased.push_back(r);
    }
    std::vector<std::span<const std::uint8_t>> bv(biased.begin(), biased.end());
    std::vector<std::span<const std::uint8_t>> rv(random.begin(), random.end());
    CHECK(score_audio(codec::g729, bv).score >= 0.5);
    CHECK(score_audio(codec::g729, rv).score < 0.5);
    std::vector<std::vector<std::uint8_t>> odd(50, std::vector<std::uint8_t>(17, 0));
    std::vector<std::span<const std::uint8_t>> ov(odd.begin(), odd.end());
    CHECK(score_audio(codec::g729, ov).score == 0.0);
}
