// SPDX-License-Identifier: MIT
// Native payload ciphers: known answers vs `openssl enc`, RFC 6229 RC4 vectors, round trips.
#include "support/rtp_test_helpers.hpp"

#include <ssw/crypto/payload_cipher.hpp>

#include <catch2/catch.hpp>

using namespace ssw::crypto;
using ssw::test::from_hex;
using ssw::test::hex_of;
using ssw::test::pattern_bytes;

namespace {

// Payload sizes around the block edges, a G.711 frame and a full datagram.
constexpr std::size_t test_lengths[] = {0, 1, 15, 16, 17, 20, 160, 1500};

std::string be_fields_hex(const header_fields& f)
{
    std::vector<std::uint8_t> v = {
        static_cast<std::uint8_t>(f.ssrc >> 24),      static_cast<std::uint8_t>(f.ssrc >> 16),
        static_cast<std::uint8_t>(f.ssrc >> 8),       static_cast<std::uint8_t>(f.ssrc),
        static_cast<std::uint8_t>(f.timestamp >> 24), static_cast<std::uint8_t>(f.timestamp >> 16),
        static_cast<std::uint8_t>(f.timestamp >> 8),  static_cast<std::uint8_t>(f.timestamp),
        static_cast<std::uint8_t>(f.sequence >> 8),   static_cast<std::uint8_t>(f.sequence)};
    return hex_of(v);
}

} // namespace

TEST_CASE("crypto::payload_cipher: mode 3 matches openssl enc -aes-128-ctr for every test length",
          "[crypto][payload_cipher]")
{
    const auto key = from_hex("2b7e151628aed2a6abf7158809cf4f3c");
    auto cipher = payload_cipher::make(mode::aes128, key);
    REQUIRE(cipher);
    const header_fields f{0xdeadbeef, 0x01020304, 0xfffe};
    const std::string iv = be_fields_hex(f) + "000000000000";
    for (const std::size_t n : test_lengths) {
        INFO("payload bytes " << n);
        const auto plain = pattern_bytes(n, static_cast<std::uint32_t>(n));
        auto mine = plain;
        REQUIRE(cipher->apply(mine, f));
        const auto theirs = ssw::test::openssl_enc("-aes-128-ctr", hex_of(key), iv, plain);
        REQUIRE(theirs);
        CHECK(hex_of(mine) == hex_of(*theirs));
    }
}

TEST_CASE(
    "crypto::payload_cipher: mode 2 matches openssl enc -rc4 where key||SSRC||TS||SEQ is 16 bytes",
    "[crypto][payload_cipher]")
{
    // A 6-byte key: openssl truncates RC4 keys to 16 bytes, so only this length compares.
    const std::vector<std::uint8_t> key = {'s', 'e', 'c', 'r', 'e', 't'};
    auto cipher = payload_cipher::make(mode::rc4, key);
    REQUIRE(cipher);
    for (const std::size_t n : test_lengths) {
        INFO("payload bytes " << n);
        const header_fields f{0x11223344U + static_cast<std::uint32_t>(n),
                              160U * static_cast<std::uint32_t>(n), static_cast<std::uint16_t>(n)};
        const auto plain = pattern_bytes(n, 7);
        auto mine = plain;
        REQUIRE(cipher->apply(mine, f));
        const auto theirs = ssw::test::openssl_enc("-rc4 -provider legacy -provider default",
                                                   hex_of(key) + be_fields_hex(f), "", plain);
        REQUIRE(theirs);
        CHECK(hex_of(mine) == hex_of(*theirs));
    }
}

TEST_CASE("crypto::payload_cipher: mode 2 with long keys gives the RFC 6229 keystreams",
          "[crypto][payload_cipher][vectors]")
{
    // RFC 6229 §2: keystream at offsets 0x000, 0x010, 0x0f0, 0x100 for the 192- and 256-bit
    // keys 0x0102...; the last 10 key bytes ride in SSRC || TS || SEQ.
    struct vector_case {
        std::string key_hex;
        std::string stream_hex[4];
    };
    const vector_case cases[] = {
        {"0102030405060708090a0b0c0d0e0f101112131415161718",
         {"0595e57fe5f0bb3c706edac8a4b2db11", "dfde31344a1af769c74f070aee9e2326",
          "b06b9b1e195d13d8f4a7995c4553ac05", "6bd2378ec341c9a42f37ba79f88a32ff"}},
        {"0102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f20",
         {"eaa6bd25880bf93d3f5d1e4ca2611d91", "cfa45c9f7e714b54bdfa80027cb14380",
          "114ae344ded71b35f2e60febad727fd8", "02e1e7056b0f623900496422943e97b6"}},
    };
    for (const auto& c : cases) {
        const auto full = from_hex(c.key_hex);
        const std::vector<std::uint8_t> user(full.begin(), full.end() - 10);
        const std::uint8_t* t = full.data() + full.size() - 10;
        const header_fields f{(std::uint32_t{t[0]} << 24) | (std::uint32_t{t[1]} << 16) |
                                  (std::uint32_t{t[2]} << 8) | t[3],
                              (std::uint32_t{t[4]} << 24) | (std::uint32_t{t[5]} << 16) |
                                  (std::uint32_t{t[6]} << 8) | t[7],
                              static_cast<std::uint16_t>((t[8] << 8) | t[9])};
        auto cipher = payload_cipher::make(mode::rc4, user);
        REQUIRE(cipher);
        std::vector<std::uint8_t> zeros(0x110, 0);
        REQUIRE(cipher->apply(zeros, f));
        const std::size_t offsets[] = {0x000, 0x010, 0x0f0, 0x100};
        for (int i = 0; i < 4; ++i) {
            std::string expected = c.stream_hex[i];
            std::erase(expected, ' ');
            const std::vector<std::uint8_t> got(
                zeros.begin() + static_cast<std::ptrdiff_t>(offsets[i]),
                zeros.begin() + static_cast<std::ptrdiff_t>(offsets[i] + 16));
            CHECK(hex_of(got) == expected);
        }
    }
}

TEST_CASE("crypto::payload_cipher: mode 1 XORs the key cyclically from byte 0 of each packet",
          "[crypto][payload_cipher]")
{
    const std::vector<std::uint8_t> key = {0x01, 0x02, 0x03};
    auto cipher = payload_cipher::make(mode::xor_, key);
    REQUIRE(cipher);
    std::vector<std::uint8_t> p(3000, 0xf0);
    REQUIRE(cipher->apply(p, {}));
    for (std::size_t i = 0; i < p.size(); ++i) {
        REQUIRE(p[i] == (0xf0 ^ key[i % 3]));
    }
}

TEST_CASE("crypto::payload_cipher: decrypt(encrypt(p)) == p for every mode and test length",
          "[crypto][payload_cipher]")
{
    const std::pair<mode, std::string> modes[] = {{mode::xor_, "k3y"},
                                                  {mode::rc4, "a longer rc4 key for mode two"},
                                                  {mode::aes128, "0123456789abcdef"}};
    for (const auto& [m, k] : modes) {
        const std::vector<std::uint8_t> key(k.begin(), k.end());
        auto enc = payload_cipher::make(m, key);
        auto dec = payload_cipher::make(m, key);
        REQUIRE(enc);
        REQUIRE(dec);
        for (const std::size_t n : test_lengths) {
            INFO("mode " << static_cast<int>(m) << " bytes " << n);
            const header_fields f{0x12345678, static_cast<std::uint32_t>(n * 160),
                                  static_cast<std::uint16_t>(n)};
            const auto plain = pattern_bytes(n, 3);
            auto data = plain;
            REQUIRE(enc->apply(data, f));
            if (n >= 16) {
                CHECK(data != plain);
            }
            REQUIRE(dec->apply(data, f));
            CHECK(data == plain);
        }
    }
}

TEST_CASE("crypto::payload_cipher: a different header field changes the keystream of modes 2 and 3",
          "[crypto][payload_cipher]")
{
    for (const auto& [m, k] : {std::pair{mode::rc4, std::string("key")},
                               std::pair{mode::aes128, std::string("0123456789abcdef")}}) {
        const std::vector<std::uint8_t> key(k.begin(), k.end());
        auto c = payload_cipher::make(m, key);
        REQUIRE(c);
        std::vector<std::uint8_t> a(32, 0);
        std::vector<std::uint8_t> b(32, 0);
        std::vector<std::uint8_t> d(32, 0);
        REQUIRE(c->apply(a, {1, 2, 3}));
        REQUIRE(c->apply(b, {1, 2, 4}));
        REQUIRE(c->apply(d, {1, 2, 3}));
        CHECK(a != b);
        CHECK(a == d);
    }
}

TEST_CASE("crypto::payload_cipher: keys that do not fit the mode are refused",
          "[crypto][payload_cipher]")
{
    const std::vector<std::uint8_t> fifteen(15, 'a');
    const std::vector<std::uint8_t> seventeen(17, 'a');
    auto a = payload_cipher::make(mode::aes128, fifteen);
    REQUIRE_FALSE(a);
    CHECK(a.error().code == ssw::errc::crypto_error);
    CHECK(a.error().message.find("exactly 16 bytes, got 15") != std::string::npos);
    CHECK_FALSE(payload_cipher::make(mode::aes128, seventeen));
    CHECK_FALSE(payload_cipher::make(mode::xor_, {}));
    CHECK_FALSE(payload_cipher::make(mode::rc4, {}));
    CHECK_FALSE(payload_cipher::make(mode::rc4, std::vector<std::uint8_t>(247, 'k')));
    CHECK(payload_cipher::make(mode::rc4, std::vector<std::uint8_t>(246, 'k')));
    CHECK(payload_cipher::make(mode::none, {}));
}

TEST_CASE("crypto::payload_cipher: a missing legacy provider fails RC4 with a clear message",
          "[crypto][payload_cipher]")
{
    set_legacy_provider_name("ssw-no-such-provider");
    auto c = payload_cipher::make(mode::rc4, std::vector<std::uint8_t>{'k'});
    set_legacy_provider_name("");
    REQUIRE_FALSE(c);
    CHECK(c.error().code == ssw::errc::crypto_error);
    CHECK(c.error().message.find("provider") != std::string::npos);
    CHECK(c.error().message.find("ssw-no-such-provider") != std::string::npos);
    CHECK(payload_cipher::make(mode::rc4, std::vector<std::uint8_t>{'k'}));
    CHECK(payload_cipher::make(mode::aes128, std::vector<std::uint8_t>(16, 'k')));
}

TEST_CASE("crypto::payload_cipher: payloads above the datagram limit are refused",
          "[crypto][payload_cipher]")
{
    auto c = payload_cipher::make(mode::xor_, std::vector<std::uint8_t>{'k'});
    REQUIRE(c);
    std::vector<std::uint8_t> big(max_payload_bytes + 1);
    auto r = c->apply(big, {});
    REQUIRE_FALSE(r);
    CHECK(r.error().code == ssw::errc::limit_exceeded);
}
