// SPDX-License-Identifier: MIT
// Digest hashes and HMAC-SHA256 against published vectors (RFC 1321, FIPS 180-2, RFC 2617,
// RFC 4231), never against the code's own output.
#include "support/rtp_test_helpers.hpp"

#include <ssw/crypto/hash.hpp>

#include <catch2/catch.hpp>

#include <string>
#include <vector>

using namespace ssw::crypto;
using ssw::test::hex_of;

namespace {

std::string hmac_hex(const std::vector<std::uint8_t>& key, std::string_view data)
{
    const hmac_sha256 h(key);
    const auto m = h.mac({data});
    return hex_of(std::vector<std::uint8_t>(m.begin(), m.end()));
}

} // namespace

TEST_CASE("crypto::hash_hex: MD5 and SHA-256 known answers (RFC 1321 A.5, FIPS 180-2 B.1)",
          "[crypto][hash]")
{
    CHECK(hash_hex(hash_algorithm::md5, {""}) == "d41d8cd98f00b204e9800998ecf8427e");
    CHECK(hash_hex(hash_algorithm::md5, {"abc"}) == "900150983cd24fb0d6963f7d28e17f72");
    CHECK(hash_hex(hash_algorithm::sha256, {"abc"}) ==
          "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
}

TEST_CASE("crypto::hash_hex: parts are joined with ':' (RFC 2617 §3.5 HA1 of Mufasa)",
          "[crypto][hash]")
{
    CHECK(hash_hex(hash_algorithm::md5, {"Mufasa", "testrealm@host.com", "Circle Of Life"}) ==
          "939e7578ed9e3c518a452acee763bce9");
    CHECK(hash_hex(hash_algorithm::md5, {"a", "bc"}) == hash_hex(hash_algorithm::md5, {"a:bc"}));
    // The same context serves both algorithms in turn.
    CHECK(hash_hex(hash_algorithm::sha256, {"a", "bc"}) ==
          hash_hex(hash_algorithm::sha256, {"a:bc"}));
}

TEST_CASE("crypto::hmac_sha256: RFC 4231 test cases 1, 2 and 6 (a key longer than a block)",
          "[crypto][hash]")
{
    CHECK(hmac_hex(std::vector<std::uint8_t>(20, 0x0b), "Hi There") ==
          "b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7");
    CHECK(hmac_hex({'J', 'e', 'f', 'e'}, "what do ya want for nothing?") ==
          "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
    CHECK(hmac_hex(std::vector<std::uint8_t>(131, 0xaa),
                   "Test Using Larger Than Block-Size Key - Hash Key First") ==
          "60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54");
}

TEST_CASE("crypto::hmac_sha256: one keyed object gives each message its own MAC, parts joined "
          "without separator",
          "[crypto][hash]")
{
    hmac_sha256 h(std::vector<std::uint8_t>(20, 0x0b));
    CHECK(h.mac({"Hi ", "There"}) == h.mac({"Hi There"}));
    CHECK(h.mac({"Hi There"}) != h.mac({"Hi there"}));
    const hmac_sha256 moved = std::move(h);
    const auto m = moved.mac({"Hi There"});
    CHECK(hex_of(std::vector<std::uint8_t>(m.begin(), m.end())) ==
          "b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7");
}
