// SPDX-License-Identifier: MIT
// Tests for the text helpers.
#include <ssw/core/text.hpp>

#include <catch2/catch.hpp>

using namespace ssw::core;

TEST_CASE("core::text: case-insensitive compare and trim", "[core][text]")
{
    CHECK(iequals("Via", "VIA"));
    CHECK_FALSE(iequals("Via", "Vias"));
    CHECK(istarts_with("SIP/2.0 200", "sip/"));
    CHECK(trim("  a b \t\r\n") == "a b");
    CHECK(trim("   ").empty());
}

TEST_CASE("core::text: split keeps empty fields", "[core][text]")
{
    const auto f = split("a,,b", ',');
    REQUIRE(f.size() == 3);
    CHECK(f[1].empty());
    CHECK(split("", ',').size() == 1);
}

TEST_CASE("core::text: parse_int and parse_decimal accept only whole plain numbers", "[core][text]")
{
    CHECK(parse_int("42") == 42);
    CHECK(parse_int("-3") == -3);
    CHECK_FALSE(parse_int("4x"));
    CHECK_FALSE(parse_int(""));
    CHECK_FALSE(parse_int("99999999999999999999"));
    CHECK(parse_decimal("0.5") == 0.5);
    CHECK(parse_decimal("4") == 4.0);
    CHECK_FALSE(parse_decimal("1e3"));
    CHECK_FALSE(parse_decimal("inf"));
    CHECK_FALSE(parse_decimal(".5"));
}

TEST_CASE("core::text: closest_match suggests typos only", "[core][text]")
{
    const std::vector<std::string> names{"SS_SIP_TIMEOUT_INVITE", "SS_SIP_TIMEOUT_TRYING"};
    CHECK(closest_match("SS_SIP_TIMOUT_INVITE", names) == "SS_SIP_TIMEOUT_INVITE");
    CHECK(closest_match("ss_sip_timeout_invite", names) == "SS_SIP_TIMEOUT_INVITE");
    CHECK_FALSE(closest_match("COMPLETELY_DIFFERENT", names));
}

TEST_CASE("core::text: glob_match", "[core][text]")
{
    CHECK(glob_match("SS_SIP_*", "SS_SIP_TIMEOUT_INVITE"));
    CHECK(glob_match("*invite", "SS_SIP_TIMEOUT_INVITE"));
    CHECK(glob_match("SS_?EPLY*", "SS_REPLY_UNAUTHORIZED"));
    CHECK_FALSE(glob_match("SS_SIP_*", "SS_REPLY_UNAUTHORIZED"));
}

TEST_CASE("core::text: hex round trip and errors", "[core][text]")
{
    CHECK(to_hex(std::string("\x00\xff\x10", 3)) == "00ff10");
    CHECK(*parse_hex("00FF10") == std::string("\x00\xff\x10", 3));
    CHECK_FALSE(parse_hex("abc"));
    CHECK_FALSE(parse_hex("zz"));
}
