// SPDX-License-Identifier: MIT
// Mode names, key parsing (text and hex: form), key length checks.
#include <ssw/crypto/key.hpp>

#include <catch2/catch.hpp>

using namespace ssw::crypto;

TEST_CASE("crypto::parse_mode: accepts digits and names, rejects the rest", "[crypto][key]")
{
    CHECK(*parse_mode("0") == mode::none);
    CHECK(*parse_mode("1") == mode::xor_);
    CHECK(*parse_mode("RC4") == mode::rc4);
    CHECK(*parse_mode("aes128") == mode::aes128);
    CHECK(*parse_mode(" 3 ") == mode::aes128);
    auto bad = parse_mode("4");
    REQUIRE_FALSE(bad);
    CHECK(bad.error().code == ssw::errc::invalid_argument);
    CHECK(to_string(mode::rc4) == "rc4");
}

TEST_CASE("crypto::parse_key: text is taken as typed and hex: is decoded", "[crypto][key]")
{
    CHECK(*parse_key("secret") == key_bytes{'s', 'e', 'c', 'r', 'e', 't'});
    CHECK(*parse_key("hex:00ff10") == key_bytes{0x00, 0xff, 0x10});
    CHECK(*parse_key("HEX:0A") == key_bytes{0x0a});
    CHECK(parse_key("")->empty());
    CHECK_FALSE(parse_key("hex:0"));
    CHECK_FALSE(parse_key("hex:zz"));
    CHECK(parse_key(std::string(1025, 'a')).error().code == ssw::errc::limit_exceeded);
}

TEST_CASE("crypto::check_key: mode 3 needs exactly 16 bytes, modes 1 and 2 at least one",
          "[crypto][key]")
{
    CHECK(check_key(mode::aes128, key_bytes(16, 1)));
    CHECK_FALSE(check_key(mode::aes128, key_bytes(20, 1)));
    CHECK(check_key(mode::xor_, key_bytes(1, 1)));
    CHECK_FALSE(check_key(mode::xor_, key_bytes{}));
    CHECK(check_key(mode::none, key_bytes{}));
}

TEST_CASE("crypto::format_key: printable keys as text, others as hex:", "[crypto][key]")
{
    CHECK(format_key(key_bytes{'a', 'b'}) == "ab");
    CHECK(format_key(key_bytes{0x00, 0xff}) == "hex:00ff");
    CHECK(format_key(key_bytes{'h', 'e', 'x', ':', '1'}) == "hex:6865783a31");
}
