// SPDX-License-Identifier: MIT
// Scheme table lookups and the hypothesis ciphers (ECB/CBC clear tail, RC4 static and stream).
#include "support/rtp_test_helpers.hpp"

#include <ssw/crypto/payload_cipher.hpp>
#include <ssw/crypto/scheme.hpp>

#include <catch2/catch.hpp>

using namespace ssw::crypto;
using ssw::test::hex_of;
using ssw::test::pattern_bytes;

TEST_CASE("crypto::find_scheme: native follows the mode, hypotheses fix their own",
          "[crypto][scheme]")
{
    CHECK((*find_scheme("native", mode::aes128))->cipher == cipher_kind::aes_ctr);
    CHECK((*find_scheme("native", mode::xor_))->cipher == cipher_kind::xor_pad);
    CHECK_FALSE(find_scheme("native", std::nullopt));
    CHECK((*find_scheme("rc4-stream", std::nullopt))->reset == keystream_reset::per_stream);
    CHECK((*find_scheme("aes-ecb-cleartail", mode::aes128))->tail == tail_policy::clear);
    CHECK(find_scheme("aes-ecb-cleartail", mode::rc4).error().code == ssw::errc::invalid_argument);
    auto unknown = find_scheme("rot13", std::nullopt);
    REQUIRE_FALSE(unknown);
    CHECK(unknown.error().message.find("rc4-static") != std::string::npos);
    CHECK(all_schemes().size() >= 8);
}

TEST_CASE("crypto::derive_aes_key: raw, padded and md5 derivations", "[crypto][scheme]")
{
    const key_bytes short_key{'a', 'b', 'c'};
    CHECK_FALSE(derive_aes_key(key_derivation::raw, short_key));
    CHECK(hex_of(*derive_aes_key(key_derivation::padded, short_key)) ==
          "61626300000000000000000000000000");
    // RFC 1321 §A.5: MD5("abc") = 900150983cd24fb0d6963f7d28e17f72
    CHECK(hex_of(*derive_aes_key(key_derivation::md5, short_key)) ==
          "900150983cd24fb0d6963f7d28e17f72");
    CHECK(derive_aes_key(key_derivation::padded, key_bytes(20, 'x'))->size() == 16);
}

TEST_CASE(
    "crypto::scheme_cipher: aes-ecb-cleartail matches openssl ECB on whole blocks, tail in clear",
    "[crypto][scheme]")
{
    const key_bytes key(16, 0x42);
    auto c = scheme_cipher::make(**find_scheme("aes-ecb-cleartail", std::nullopt),
                                 key_derivation::raw, key);
    REQUIRE(c);
    const auto plain = pattern_bytes(37, 9);
    auto data = plain;
    REQUIRE(c->encrypt(data, {}));
    const std::vector<std::uint8_t> whole(plain.begin(), plain.begin() + 32);
    const auto theirs = ssw::test::openssl_enc("-aes-128-ecb -nopad", hex_of(key), "", whole);
    REQUIRE(theirs);
    CHECK(hex_of(std::vector<std::uint8_t>(data.begin(), data.begin() + 32)) == hex_of(*theirs));
    CHECK(std::equal(data.begin() + 32, data.end(), plain.begin() + 32));
    REQUIRE(c->decrypt(data, {}));
    CHECK(data == plain);
}

TEST_CASE("crypto::scheme_cipher: aes-cbc-zeroiv-cleartail matches openssl CBC with a zero IV",
          "[crypto][scheme]")
{
    const key_bytes key{'p', 'a', 's', 's'};
    auto c = scheme_cipher::make(**find_scheme("aes-cbc-zeroiv-cleartail", std::nullopt),
                                 key_derivation::md5, key);
    REQUIRE(c);
    const auto plain = pattern_bytes(160, 4);
    auto data = plain;
    REQUIRE(c->encrypt(data, {}));
    const auto aes_key = *derive_aes_key(key_derivation::md5, key);
    const auto theirs = ssw::test::openssl_enc("-aes-128-cbc -nopad", hex_of(aes_key),
                                               "00000000000000000000000000000000", plain);
    REQUIRE(theirs);
    CHECK(hex_of(data) == hex_of(*theirs));
    // Each packet restarts from the zero IV.
    auto again = plain;
    REQUIRE(c->encrypt(again, {}));
    CHECK(again == data);
    REQUIRE(c->decrypt(data, {}));
    CHECK(data == plain);
}

TEST_CASE("crypto::scheme_cipher: rc4-static repeats one pad, rc4-stream continues across packets",
          "[crypto][scheme]")
{
    // 16 bytes: openssl enc zero-pads shorter -K values, so only this length compares.
    const key_bytes key(16, 'k');
    auto st =
        scheme_cipher::make(**find_scheme("rc4-static", std::nullopt), key_derivation::raw, key);
    auto sm =
        scheme_cipher::make(**find_scheme("rc4-stream", std::nullopt), key_derivation::raw, key);
    REQUIRE(st);
    REQUIRE(sm);
    std::vector<std::uint8_t> a(20, 0), b(20, 0), c(20, 0), d(20, 0);
    REQUIRE(st->encrypt(a, {1, 2, 3}));
    REQUIRE(st->encrypt(b, {9, 9, 9}));
    CHECK(a == b);
    REQUIRE(sm->encrypt(c, {}));
    REQUIRE(sm->encrypt(d, {}));
    CHECK(c == a);
    CHECK(d != c);
    // The stream continued: the second packet is keystream bytes 20..39.
    const auto ks = ssw::test::openssl_enc("-rc4 -provider legacy -provider default", hex_of(key),
                                           "", std::vector<std::uint8_t>(40, 0));
    REQUIRE(ks);
    CHECK(hex_of(d) == hex_of(std::vector<std::uint8_t>(ks->begin() + 20, ks->end())));
    REQUIRE(sm->reset());
    std::vector<std::uint8_t> e(20, 0);
    REQUIRE(sm->encrypt(e, {}));
    CHECK(e == a);
}

TEST_CASE("crypto::scheme_cipher: native schemes give the same bytes as payload_cipher",
          "[crypto][scheme]")
{
    const key_bytes key(16, 7);
    for (const mode m : {mode::xor_, mode::rc4, mode::aes128}) {
        auto s = scheme_cipher::make(**find_scheme("native", m), key_derivation::raw, key);
        auto p = payload_cipher::make(m, key);
        REQUIRE(s);
        REQUIRE(p);
        auto a = pattern_bytes(100, 2);
        auto b = a;
        REQUIRE(s->encrypt(a, {5, 6, 7}));
        REQUIRE(p->apply(b, {5, 6, 7}));
        CHECK(a == b);
    }
}
