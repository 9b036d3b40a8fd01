// SPDX-License-Identifier: MIT
// Typed parameter values: every kind parses what operators type and prints it back.
#include <ssw/params/value.hpp>

#include <catch2/catch.hpp>

using namespace ssw::params;
using namespace std::chrono_literals;

namespace {
const param_info& row(std::string_view name)
{
    const param_info* info = find_param(name);
    REQUIRE(info != nullptr);
    return *info;
}
std::string round_trip(std::string_view name, std::string_view text)
{
    const auto v = parse_value(row(name), text);
    REQUIRE(v);
    return format_value(row(name), *v);
}
std::string error_of(std::string_view name, std::string_view text)
{
    const auto v = parse_value(row(name), text);
    REQUIRE_FALSE(v);
    CHECK(v.error().code == ssw::errc::invalid_argument);
    return v.error().message;
}
} // namespace

TEST_CASE("params::parse_value: switches accept on/off/true/false/1/0 in any case and print On/Off",
          "[params][value]")
{
    for (const auto* on : {"on", "ON", "On", "true", "TRUE", "1", " on "}) {
        CHECK(round_trip("SS_MEDIA_PROXY_BEHIND_NAT", on) == "On");
    }
    for (const auto* off : {"off", "OFF", "false", "False", "0"}) {
        CHECK(round_trip("SS_MEDIA_PROXY_BEHIND_NAT", off) == "Off");
    }
    CHECK(error_of("SS_MEDIA_PROXY_BEHIND_NAT", "yes") ==
          "expected On or Off (also true/false, 1/0) (got 'yes')");
    CHECK(error_of("SS_MEDIA_PROXY_BEHIND_NAT", "").find("expected On or Off") == 0);
}

TEST_CASE("params::parse_value: integers and durations are checked against their range",
          "[params][value]")
{
    CHECK(round_trip("SS_SIP_TIMEOUT_INVITE", "1") == "1");
    CHECK(round_trip("SS_SIP_TIMEOUT_INVITE", "300") == "300");
    CHECK(round_trip("SS_SIP_TIMEOUT_INVITE", "15s") == "15");
    CHECK(round_trip("SS_SIP_NAT_KEEP_ALIVE_SEND_INTERVAL", "250ms") == "250");
    CHECK(error_of("SS_SIP_TIMEOUT_INVITE", "301") == "expected whole seconds 1-300 (got '301')");
    CHECK(error_of("SS_SIP_TIMEOUT_INVITE", "0") == "expected whole seconds 1-300 (got '0')");
    CHECK(error_of("SS_SIP_TIMEOUT_INVITE", "1.5").find("whole seconds") != std::string::npos);
    CHECK(error_of("SS_SIP_TIMEOUT_INVITE", "10ms").find("whole seconds") != std::string::npos);
    CHECK(error_of("SS_SIP_TIMEOUT_INVITE", "+5").find("whole seconds") != std::string::npos);
    CHECK(error_of("SS_SIP_TIMEOUT_INVITE", "99999999999999999999").find("1-300") !=
          std::string::npos);
    CHECK(error_of("SS_SIP_NAT_KEEP_ALIVE_SEND_INTERVAL", "0") ==
          "expected whole milliseconds 1-60000 (got '0')");
    CHECK(round_trip("SS_ENDPOINT_REGISTER_RETRY", "0") == "0");
    CHECK(error_of("SS_ENDPOINT_REGISTER_RETRY", "-1") ==
          "expected a whole number 0-999 (got '-1')");
    CHECK(to_duration(time_unit::seconds, 30) == 30s);
    CHECK(to_duration(time_unit::milliseconds, 500) == 500ms);
}

TEST_CASE("params::parse_value: Auto and None are the keywords of their parameters",
          "[params][value]")
{
    CHECK(round_trip("SS_SIP_USER_AGENT_EXPIRE", "auto") == "Auto");
    CHECK(round_trip("SS_SIP_USER_AGENT_EXPIRE", "600") == "600");
    CHECK(error_of("SS_SIP_USER_AGENT_EXPIRE", "None") ==
          "expected whole seconds 20-7200 or Auto (got 'None')");
    CHECK(error_of("SS_SIP_USER_AGENT_EXPIRE", "19").find("20-7200 or Auto") != std::string::npos);
    CHECK(round_trip("SS_GATEWAY_SWITCH_LIMIT", "NONE") == "None");
    CHECK(round_trip("SS_GATEWAY_SWITCH_LIMIT", "4") == "4");
    CHECK(error_of("SS_GATEWAY_SWITCH_LIMIT", "0") ==
          "expected a whole number 1-100 or None (got '0')");
    CHECK(error_of("SS_GATEWAY_SWITCH_LIMIT", "Auto").find("or None") != std::string::npos);
}

TEST_CASE("params::parse_value: the resend schedule is a list of seconds, each 0.1-60",
          "[params][value]")
{
    const auto& info = row("SS_SIP_RESEND_INTERVAL");
    const auto v = parse_value(info, "0.5, 1,2s ,0.25,60");
    REQUIRE(v);
    CHECK(std::get<schedule>(*v) == schedule{500ms, 1000ms, 2000ms, 250ms, 60000ms});
    CHECK(format_value(info, *v) == "0.5,1,2,0.25,60");
    CHECK(round_trip("SS_SIP_RESEND_INTERVAL", "0.1") == "0.1");
    CHECK(error_of("SS_SIP_RESEND_INTERVAL", "0.05").find("each 0.1-60") != std::string::npos);
    CHECK(error_of("SS_SIP_RESEND_INTERVAL", "61").find("each 0.1-60") != std::string::npos);
    CHECK(error_of("SS_SIP_RESEND_INTERVAL", "1,,2").find("comma list") != std::string::npos);
    CHECK(error_of("SS_SIP_RESEND_INTERVAL", "0.0005").find("each 0.1-60") != std::string::npos);
    CHECK(error_of("SS_SIP_RESEND_INTERVAL", "1e1").find("comma list") != std::string::npos);
    std::string many = "1";
    for (int i = 0; i < 32; ++i) {
        many += ",1";
    }
    CHECK(error_of("SS_SIP_RESEND_INTERVAL", many) == "expected at most 32 intervals (got 33)");
}

TEST_CASE("params::parse_value: choices take the number or the word and print the number",
          "[params][value]")
{
    CHECK(round_trip("SS_SIP_AUTHENTICATION_CODE", "407") == "407");
    CHECK(error_of("SS_SIP_AUTHENTICATION_CODE", "403") == "expected 401 or 407 (got '403')");
    CHECK(round_trip("SS_RTPENCRYPTIONMODE", "AES128") == "3");
    CHECK(round_trip("SS_RTPENCRYPTIONMODE", "rc4") == "2");
    CHECK(round_trip("SS_RTPENCRYPTIONMODE", "0") == "0");
    CHECK(error_of("SS_RTPENCRYPTIONMODE", "4") ==
          "expected 0 (none), 1 (xor), 2 (rc4) or 3 (aes128) (got '4')");
}

TEST_CASE("params::parse_value: text is taken as is, or unquoted with escapes", "[params][value]")
{
    const auto& info = row("SS_SIP_NAT_KEEP_ALIVE_MESSAGE");
    CHECK(std::get<std::string>(*parse_value(info, "HELLO")) == "HELLO");
    CHECK(std::get<std::string>(*parse_value(info, "  two words  ")) == "two words");
    CHECK(std::get<std::string>(*parse_value(info, R"("\r\n\r\n")")) == "\r\n\r\n");
    CHECK(std::get<std::string>(*parse_value(info, R"(" padded ")")) == " padded ");
    CHECK(std::get<std::string>(*parse_value(info, R"("a\"b\\c\x00\t")")) ==
          std::string("a\"b\\c\0\t", 7));
    CHECK(std::get<std::string>(*parse_value(info, "")).empty());
    CHECK(std::get<std::string>(*parse_value(info, "\"\"")).empty());
    CHECK(error_of("SS_SIP_NAT_KEEP_ALIVE_MESSAGE", "\"open") == "missing closing '\"'");
    CHECK(error_of("SS_SIP_NAT_KEEP_ALIVE_MESSAGE", R"("\q")").find("unknown escape") == 0);
    CHECK(error_of("SS_SIP_NAT_KEEP_ALIVE_MESSAGE", R"("\x4")").find("hex digits") !=
          std::string::npos);
    CHECK(error_of("SS_SIP_NAT_KEEP_ALIVE_MESSAGE", R"("a"b")").find("\\\"") != std::string::npos);
    CHECK(error_of("SS_SIP_NAT_KEEP_ALIVE_MESSAGE", std::string(257, 'x')) ==
          "expected text of at most 256 bytes (in double quotes for escapes: \"\\r\\n\") (got 257 "
          "bytes)");
    CHECK(parse_value(info, std::string(256, 'x')));
}

TEST_CASE("params::format_value: text that would not read back is quoted", "[params][value]")
{
    for (const std::string& raw :
         {std::string("HELLO"), std::string(""), std::string("\r\n"), std::string(" x"),
          std::string("\"q"), std::string("a\0b", 3), std::string("a # b"), std::string("#x"),
          std::string("a\t#b"), std::string("a#b"), std::string("\x7f\x01")}) {
        const auto& info = row("SS_SIP_NAT_KEEP_ALIVE_MESSAGE");
        const std::string written = format_value(info, value{raw});
        const auto back = parse_value(info, written);
        INFO(written);
        REQUIRE(back);
        CHECK(std::get<std::string>(*back) == raw);
    }
    CHECK(quote_if_needed("HELLO") == "HELLO");
    CHECK(quote_if_needed("\r\n") == R"("\r\n")");
    // A '#' that would start a comment is quoted; one inside a word is not.
    CHECK(quote_if_needed("a # b") == R"("a # b")");
    CHECK(quote_if_needed("#1") == R"("#1")");
    CHECK(quote_if_needed("a#b") == "a#b");
    CHECK(quote_if_needed(std::string("\0", 1)) == R"("\x00")");
}

TEST_CASE("params::display_value: the key is hidden unless secrets are shown", "[params][value]")
{
    const auto& key = row("SS_RTPENCRYPTIONKEY");
    const value v{std::string("0123456789abcdef")};
    CHECK(display_value(key, v, false) == "<hidden: 16 bytes>");
    CHECK(display_value(key, v, true) == "0123456789abcdef");
    CHECK(is_hidden(key, v, false));
    CHECK_FALSE(is_hidden(key, value{std::string()}, false));
    CHECK(display_value(key, value{std::string()}, false) == "\"\"");
    const auto& message = row("SS_SIP_NAT_KEEP_ALIVE_MESSAGE");
    CHECK(display_value(message, value{std::string("HELLO")}, false) == "HELLO");
    CHECK(raw_text(message, value{std::string("\r\n")}) == "\r\n");
    CHECK(raw_text(row("SS_REPLY_UNAUTHORIZED"), value{false}) == "Off");
}

TEST_CASE("params::accepted_form: names the form for every kind", "[params][value]")
{
    for (const auto& info : catalog()) {
        INFO(info.name);
        CHECK_FALSE(accepted_form(info).empty());
    }
    CHECK(accepted_form(row("SS_SIP_RESEND_INTERVAL")) ==
          "a comma list of seconds, each 0.1-60, at most 32 (e.g. 0.5,1,2,4)");
}
