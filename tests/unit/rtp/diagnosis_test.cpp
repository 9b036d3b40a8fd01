// SPDX-License-Identifier: MIT
// Diagnosis engine on generated speech streams: key among decoys, mismatch patterns, accuracy.
#include "support/rtp_speech.hpp"

#include <ssw/rtp/diagnosis.hpp>

#include <catch2/catch.hpp>

#include <iostream>

using namespace ssw::rtp;
using ssw::crypto::mode;
namespace speech = ssw::test::rtp_speech;

namespace {

constexpr const char* a_to_b_src = "192.0.2.10:40000";
constexpr const char* b_to_a_src = "198.51.100.20:50000";

std::vector<stream> leg(std::size_t packets = 100, std::size_t offset = 0, bool alaw = false)
{
    return {speech::make_stream(0x11111111, a_to_b_src, b_to_a_src, packets, offset, alaw),
            speech::make_stream(0x22222222, b_to_a_src, a_to_b_src, packets, offset + 170, alaw)};
}

diagnosis_options with_keys(std::initializer_list<const char*> keys)
{
    diagnosis_options o;
    int n = 1;
    for (const char* k : keys) {
        o.keys.push_back({"key " + std::to_string(n++), speech::key_of(k), std::nullopt});
    }
    return o;
}

} // namespace

TEST_CASE("rtp::diagnose: plain audio in both directions is ok", "[rtp][diagnosis]")
{
    const auto rep = diagnose(leg(), {});
    REQUIRE(rep.streams.size() == 2);
    CHECK(rep.streams[0].state == stream_state::plain);
    CHECK(rep.streams[1].state == stream_state::plain);
    REQUIRE(rep.legs.size() == 1);
    CHECK(rep.legs[0].finding == leg_finding::ok);
    CHECK(rep.clean);
}

TEST_CASE("rtp::diagnose: finds the right key and native mode among decoys", "[rtp][diagnosis]")
{
    const std::pair<mode, const char*> cases[] = {{mode::xor_, "xor-shared-key"},
                                                  {mode::rc4, "rc4 shared key"},
                                                  {mode::aes128, "aes-key-16bytes!"}};
    for (const auto& [m, k] : cases) {
        INFO("mode " << static_cast<int>(m));
        auto streams = leg();
        for (auto& s : streams) {
            speech::encrypt(s, "native", m, speech::key_of(k));
        }
        const auto o = with_keys({"decoy-number-one", k, "another decoy!!!"});
        const auto rep = diagnose(streams, o);
        for (const auto& v : rep.streams) {
            REQUIRE(v.state == stream_state::decrypted);
            CHECK(v.match->key_index == 1);
            CHECK(v.match->scheme->native);
            CHECK(v.match->scheme->native_mode == m);
            CHECK(v.match->confidence >= 0.5);
            CHECK(v.match->runner_up < 0.3);
        }
        CHECK(rep.legs[0].finding == leg_finding::ok);
        CHECK(rep.clean);
    }
}

TEST_CASE("rtp::diagnose: names the hypothesis scheme and AES key derivation that fit",
          "[rtp][diagnosis]")
{
    auto streams = leg();
    for (auto& s : streams) {
        speech::encrypt(s, "aes-ecb-cleartail", std::nullopt, speech::key_of("short"),
                        ssw::crypto::key_derivation::md5);
    }
    const auto rep = diagnose(streams, with_keys({"decoy", "short"}));
    for (const auto& v : rep.streams) {
        REQUIRE(v.state == stream_state::decrypted);
        CHECK(v.match->scheme->name == "aes-ecb-cleartail");
        CHECK(v.match->derivation == ssw::crypto::key_derivation::md5);
    }
    auto stream_leg = leg();
    for (auto& s : stream_leg) {
        speech::encrypt(s, "rc4-stream", std::nullopt, speech::key_of("stream key"));
    }
    const auto rep2 = diagnose(stream_leg, with_keys({"stream key"}));
    REQUIRE(rep2.streams[0].state == stream_state::decrypted);
    CHECK(rep2.streams[0].match->scheme->name == "rc4-stream");
}

TEST_CASE("rtp::diagnose: one side plain, the other encrypted is a mode mismatch",
          "[rtp][diagnosis]")
{
    auto streams = leg();
    speech::encrypt(streams[1], "native", mode::aes128, speech::key_of("aes-key-16bytes!"));
    const auto rep = diagnose(streams, with_keys({"aes-key-16bytes!"}));
    CHECK(rep.streams[0].state == stream_state::plain);
    CHECK(rep.streams[1].state == stream_state::decrypted);
    CHECK(rep.legs[0].finding == leg_finding::mode_mismatch);
    CHECK_FALSE(rep.clean);
}

TEST_CASE("rtp::diagnose: both encrypted and no candidate fits is a key mismatch",
          "[rtp][diagnosis]")
{
    auto streams = leg();
    speech::encrypt(streams[0], "native", mode::rc4, speech::key_of("side A key"));
    speech::encrypt(streams[1], "native", mode::rc4, speech::key_of("side B key"));
    auto o = with_keys({"configured key"});
    const auto rep = diagnose(streams, o);
    CHECK(rep.streams[0].state == stream_state::encrypted);
    CHECK(rep.streams[1].state == stream_state::encrypted);
    CHECK(rep.legs[0].finding == leg_finding::key_mismatch);
    // Both keys given: both decrypt, with different keys: still a key mismatch.
    const auto rep2 = diagnose(streams, with_keys({"side A key", "side B key"}));
    CHECK(rep2.streams[0].state == stream_state::decrypted);
    CHECK(rep2.legs[0].finding == leg_finding::key_mismatch);
}

TEST_CASE("rtp::diagnose: modes differing per direction are a mode mismatch", "[rtp][diagnosis]")
{
    auto streams = leg();
    speech::encrypt(streams[0], "native", mode::rc4, speech::key_of("0123456789abcdef"));
    speech::encrypt(streams[1], "native", mode::aes128, speech::key_of("0123456789abcdef"));
    const auto rep = diagnose(streams, with_keys({"0123456789abcdef"}));
    CHECK(rep.legs[0].finding == leg_finding::mode_mismatch);
}

TEST_CASE("rtp::diagnose: only one direction fitting is one-way", "[rtp][diagnosis]")
{
    auto streams = leg();
    speech::encrypt(streams[0], "native", mode::aes128, speech::key_of("aes-key-16bytes!"));
    speech::encrypt(streams[1], "native", mode::aes128, speech::key_of("other-key-16byte"));
    const auto rep = diagnose(streams, with_keys({"aes-key-16bytes!"}));
    CHECK(rep.streams[0].state == stream_state::decrypted);
    CHECK(rep.streams[1].state == stream_state::encrypted);
    CHECK(rep.legs[0].finding == leg_finding::one_way);
    // No reverse stream at all is one-way too.
    const auto rep2 = diagnose({streams[0]}, with_keys({"aes-key-16bytes!"}));
    CHECK(rep2.legs[0].finding == leg_finding::one_way);
}

TEST_CASE("rtp::diagnose: recovers a static XOR key without candidates", "[rtp][diagnosis]")
{
    auto streams = leg(150);
    for (auto& s : streams) {
        speech::encrypt(s, "native", mode::xor_, speech::key_of("Gateway#7"));
    }
    const auto rep = diagnose(streams, {});
    for (const auto& v : rep.streams) {
        REQUIRE(v.state == stream_state::pad_recovered);
        REQUIRE(v.pad->repeated_key);
        CHECK(std::string(v.pad->repeated_key->begin(), v.pad->repeated_key->end()) == "Gateway#7");
    }
    CHECK(rep.legs[0].finding == leg_finding::ok);
    CHECK_FALSE(rep.clean); // decodable, but not with a given key
}

TEST_CASE("rtp::diagnose: too few packets is undetermined, never a verdict", "[rtp][diagnosis]")
{
    const auto rep = diagnose(leg(10), {});
    CHECK(rep.streams[0].state == stream_state::undetermined);
    CHECK(rep.legs[0].finding == leg_finding::undetermined);
    CHECK_FALSE(rep.clean);
}

TEST_CASE("rtp::diagnose: accuracy over generated cases", "[rtp][diagnosis][slow]")
{
    // Every case: one leg of real speech at a different offset and law, with one scenario.
    const char* keys[] = {"key-alpha-16byte", "beta", "gamma-gamma-gamma", "hex-ish 0011223"};
    const mode modes[] = {mode::xor_, mode::rc4, mode::aes128};
    std::size_t cases = 0;
    std::size_t right = 0;
    std::size_t keyless_cases = 0;
    std::size_t keyless_right = 0;
    for (std::size_t c = 0; c < 48; ++c) {
        const bool alaw = c % 2 == 1;
        const std::size_t offset = (c * 37) % 350;
        const mode m = modes[c % 3];
        std::string key = keys[c % 4];
        if (m == mode::aes128) {
            key = "K" + std::to_string(c) + "-aes-sixteen-by";
            key.resize(16, '#');
        }
        // Unrelated wrong keys: under XOR a key differing in one byte still decodes most
        // positions, which is a near-fit, not a mismatch.
        std::string other = "Zq" + std::to_string(c * 7919) + "/wrong*KEY+xyz";
        std::string other2 = "Pm" + std::to_string(c * 104729) + "~bad%key=abc";
        if (m == mode::aes128) {
            other.resize(16, '@');
            other2.resize(16, '@');
        }
        auto streams = leg(60, offset, alaw);
        const int scenario = static_cast<int>(c % 4);
        leg_finding expected = leg_finding::ok;
        switch (scenario) {
        case 0: // both sides with the key: ok
            speech::encrypt(streams[0], "native", m, speech::key_of(key));
            speech::encrypt(streams[1], "native", m, speech::key_of(key));
            break;
        case 1: // one side plain
            speech::encrypt(streams[1], "native", m, speech::key_of(key));
            expected = leg_finding::mode_mismatch;
            break;
        case 2: // both with unknown keys
            speech::encrypt(streams[0], "native", m, speech::key_of(other));
            speech::encrypt(streams[1], "native", m, speech::key_of(other2));
            expected = leg_finding::key_mismatch;
            break;
        case 3: // one side with the key, the other not
            speech::encrypt(streams[0], "native", m, speech::key_of(key));
            speech::encrypt(streams[1], "native", m, speech::key_of(other));
            expected = leg_finding::one_way;
            break;
        }
        auto o = with_keys({"decoy one", "decoy-two-16byte", key.c_str()});
        o.recover_pad = false;
        const auto rep = diagnose(streams, o);
        ++cases;
        bool ok = rep.legs.size() == 1 && rep.legs[0].finding == expected;
        if (scenario == 0) {
            for (const auto& v : rep.streams) {
                ok = ok && v.match && v.match->key_index == 2 && v.match->scheme->native_mode == m;
            }
        }
        right += ok ? 1U : 0U;
        if (!ok) {
            std::cout << "  miss: case " << c << " scenario " << scenario << " mode "
                      << static_cast<int>(m) << " alaw " << alaw << " offset " << offset << " got "
                      << (rep.legs.empty() ? "-" : to_string(rep.legs[0].finding)) << " ("
                      << to_string(rep.streams[0].state) << " " << rep.streams[0].plain_score
                      << ", " << to_string(rep.streams[1].state) << " "
                      << rep.streams[1].plain_score << ")\n";
        }
        if (m == mode::xor_) {
            auto x = leg(150, offset, alaw);
            const std::string xk = std::string(keys[c % 4]) + std::to_string(c);
            speech::encrypt(x[0], "native", m, speech::key_of(xk));
            const auto v = diagnose_stream(x[0], {});
            ++keyless_cases;
            keyless_right +=
                (v.pad && v.pad->repeated_key &&
                 std::string(v.pad->repeated_key->begin(), v.pad->repeated_key->end()) == xk)
                    ? 1U
                    : 0U;
        }
    }
    // Hypothesis schemes: the right scheme, derivation and key among decoys.
    struct hyp {
        const char* scheme;
        ssw::crypto::key_derivation d;
        const char* key;
    };
    const hyp hyps[] = {
        {"rc4-static", ssw::crypto::key_derivation::raw, "static rc4 key"},
        {"rc4-stream", ssw::crypto::key_derivation::raw, "stream rc4 key"},
        {"aes-ecb-cleartail", ssw::crypto::key_derivation::raw, "ecb-key-16-bytes"},
        {"aes-ecb-cleartail", ssw::crypto::key_derivation::md5, "ecb md5 key"},
        {"aes-cbc-zeroiv-cleartail", ssw::crypto::key_derivation::padded, "cbc pad"},
        {"aes-cbc-zeroiv-cleartail", ssw::crypto::key_derivation::md5, "cbc md5 key"}};
    std::size_t hyp_cases = 0;
    std::size_t hyp_right = 0;
    for (std::size_t c = 0; c < 12; ++c) {
        const auto& h = hyps[c % 6];
        auto s = speech::make_stream(0x3333, a_to_b_src, b_to_a_src, 60, c * 29, c % 2 == 1);
        speech::encrypt(s, h.scheme, std::nullopt, speech::key_of(h.key), h.d);
        const auto v = diagnose_stream(s, with_keys({"decoy one", h.key, "decoy-two-16byte"}));
        ++hyp_cases;
        hyp_right += (v.match && v.match->key_index == 1 && v.match->scheme->name == h.scheme &&
                      v.match->derivation == h.d)
                         ? 1U
                         : 0U;
    }
    std::cout << "rtp diagnosis accuracy: " << right << "/" << cases
              << " legs with decoy keys (native modes), " << hyp_right << "/" << hyp_cases
              << " hypothesis streams (scheme, derivation and key), " << keyless_right << "/"
              << keyless_cases << " XOR keys recovered without candidates\n";
    CHECK(right == cases);
    CHECK(hyp_right == hyp_cases);
    CHECK(keyless_right >= keyless_cases * 9 / 10);
}

TEST_CASE("rtp::diagnose: DTMF and comfort-noise packets inside a stream do not spoil the verdict",
          "[rtp][diagnosis]")
{
    auto streams = leg(100);
    for (auto& s : streams) {
        speech::encrypt(s, "native", mode::aes128, speech::key_of("aes-key-16bytes!"));
        for (std::size_t i = 0; i < s.packets.size(); i += 7) {
            s.packets[i].payload_type = (i % 2 == 0) ? 101 : 13; // telephone-event / CN
            s.packets[i].payload.assign({0x05, 0x0a, 0x00, 0xa0});
        }
    }
    const auto rep = diagnose(streams, with_keys({"aes-key-16bytes!"}));
    CHECK(rep.streams[0].state == stream_state::decrypted);
    CHECK(rep.streams[0].format == codec::pcmu);
    CHECK(rep.legs[0].finding == leg_finding::ok);
}
