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

TEST_CASE("core::strip_comment: a '#' at the start or after a blank, outside quotes, begins a "
          "comment",
          "[core][text]")
{
    CHECK(strip_comment("# all comment").empty());
    CHECK(strip_comment("   # indented") == "   ");
    CHECK(strip_comment("key = value # note") == "key = value ");
    CHECK(strip_comment("key = value\t# note") == "key = value\t");
    CHECK(strip_comment("key = a#b") == "key = a#b");
    CHECK(strip_comment("key=#x") == "key=#x");
    CHECK(strip_comment("key = \"a # b\" # note") == "key = \"a # b\" ");
    CHECK(strip_comment("key=\"a # b\"") == "key=\"a # b\"");
    CHECK(strip_comment(R"(key = "a \" # b" # note)") == R"(key = "a \" # b" )");
    CHECK(strip_comment("key = \"open # not a comment") == "key = \"open # not a comment");
    // A quote inside a word does not open a quoted value.
    CHECK(strip_comment("key = a\"b # note") == "key = a\"b ");
    CHECK(strip_comment("no comment here") == "no comment here");
}

TEST_CASE("core::unquote: double-quoted values with escapes; plain text trimmed", "[core][text]")
{
    CHECK(*unquote("  plain text  ") == "plain text");
    CHECK(*unquote(R"("a # b")") == "a # b");
    CHECK(*unquote(R"(" \" \\ \n\r\t\x41 ")") == " \" \\ \n\r\tA ");
    CHECK(unquote(R"("")")->empty());
    CHECK(unquote(R"("open)").error().message == "missing closing '\"'");
    CHECK(unquote(R"("a"b")").error().code == ssw::errc::invalid_argument);
    CHECK(unquote(R"("\q")").error().message.find("unknown escape") == 0);
    CHECK(unquote(R"("\x4")").error().message == "expected two hex digits after \\x");
}
