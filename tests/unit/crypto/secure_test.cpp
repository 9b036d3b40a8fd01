// SPDX-License-Identifier: MIT
// Randomness, constant-time comparison and wiping.
#include <ssw/crypto/secure.hpp>

#include <catch2/catch.hpp>

#include <array>
#include <set>
#include <vector>

using namespace ssw::crypto;

TEST_CASE("crypto::random_bytes: fills the buffer, differently each time", "[crypto][secure]")
{
    std::set<std::vector<std::uint8_t>> seen;
    for (int i = 0; i < 16; ++i) {
        std::vector<std::uint8_t> b(16, 0);
        REQUIRE(random_bytes(b));
        seen.insert(b);
    }
    CHECK(seen.size() == 16);
    std::vector<std::uint8_t> none;
    CHECK(random_bytes(none));
}

TEST_CASE("crypto::equal_constant_time: equal only for the same bytes and length",
          "[crypto][secure]")
{
    CHECK(equal_constant_time("abc", "abc"));
    CHECK(equal_constant_time("", ""));
    CHECK_FALSE(equal_constant_time("abc", "abd"));
    CHECK_FALSE(equal_constant_time("abc", "abcd"));
    CHECK_FALSE(equal_constant_time("abc", ""));
}

TEST_CASE("crypto::cleanse: zeroes the bytes", "[crypto][secure]")
{
    std::array<std::uint8_t, 8> secret{1, 2, 3, 4, 5, 6, 7, 8};
    cleanse(secret);
    CHECK(secret == std::array<std::uint8_t, 8>{});
}
