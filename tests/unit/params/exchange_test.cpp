// SPDX-License-Identifier: MIT
// JSON export and import of parameter values.
#include <ssw/params/exchange.hpp>

#include <catch2/catch.hpp>

using namespace ssw::params;

namespace {
param_file parsed(std::string_view content)
{
    auto file = param_file::parse(content, "p.conf");
    REQUIRE(file);
    return *file;
}
std::string import_error(std::string_view json)
{
    const auto r = parse_import(json, "in.json");
    REQUIRE_FALSE(r);
    CHECK(r.error().where == "in.json");
    return r.error().message;
}
} // namespace

TEST_CASE("params::export_json: one object with every value, or only the changed ones",
          "[params][exchange]")
{
    const auto file =
        parsed("SS_SIP_TIMEOUT_INVITE = 20\nSS_SIP_NAT_KEEP_ALIVE_MESSAGE = \"\\r\\n\"\n");
    CHECK(export_json(file, true, false) ==
          "{\"type\":\"params\",\"format\":1,\"params\":{\"SS_SIP_TIMEOUT_INVITE\":\"20\","
          "\"SS_SIP_NAT_KEEP_ALIVE_MESSAGE\":\"\\r\\n\"}}\n");
    const std::string all = export_json(file, false, false);
    for (const auto& info : catalog()) {
        CHECK(all.find("\"" + std::string(info.name) + "\"") != std::string::npos);
    }
}

TEST_CASE("params::export_json: a set key is hidden unless secrets are shown", "[params][exchange]")
{
    const auto file = parsed("SS_RTPENCRYPTIONKEY = 0123456789abcdef\n");
    const std::string hidden = export_json(file, true, false);
    CHECK(hidden.find("0123456789abcdef") == std::string::npos);
    CHECK(hidden.find("\"hidden\":[\"SS_RTPENCRYPTIONKEY\"]") != std::string::npos);
    CHECK(export_json(file, true, true).find("\"SS_RTPENCRYPTIONKEY\":\"0123456789abcdef\"") !=
          std::string::npos);
}

TEST_CASE("params::parse_import: round trip of an export, binary bytes included",
          "[params][exchange]")
{
    const auto source =
        parsed("SS_SIP_TIMEOUT_INVITE = 20\nSS_SIP_NAT_KEEP_ALIVE_MESSAGE = \"\\x00\\xff\\r\\n\"\n"
               "SS_RTPENCRYPTIONKEY = \"\\x01\\x80key\"\nSS_SIP_RESEND_INTERVAL = 0.25,1\n"
               "SS_GATEWAY_SWITCH_LIMIT = None\nSS_REPLY_UNAUTHORIZED = Off\n");
    const auto data = parse_import(export_json(source, false, true), "x.json");
    REQUIRE(data);
    param_file target;
    apply_import(*data, target, false);
    for (const auto& info : catalog()) {
        INFO(info.name);
        CHECK(target.effective(info) == source.effective(info));
    }
}

TEST_CASE("params::parse_import: plain objects, typed JSON values and null", "[params][exchange]")
{
    const auto data = parse_import(R"({"SS_REPLY_UNAUTHORIZED": false, "SS_SIP_TIMEOUT_INVITE": 15,
        "SS_SIP_RESEND_INTERVAL": [0.5, 1, 2], "ss_gateway_switch_limit": "4", "SS_SIP_TIMEOUT_RINGING": null})",
                                   "in.json");
    REQUIRE(data);
    param_file file = parsed("SS_SIP_TIMEOUT_RINGING = 60\nSS_SIP_TIMEOUT_TRYING = 5\n");
    apply_import(*data, file, false);
    CHECK(file.render() ==
          "SS_SIP_TIMEOUT_TRYING = 5\nSS_REPLY_UNAUTHORIZED = Off\nSS_SIP_TIMEOUT_INVITE = 15\n"
          "SS_SIP_RESEND_INTERVAL = 0.5,1,2\nSS_GATEWAY_SWITCH_LIMIT = 4\n");
    apply_import(*data, file, true);
    CHECK(file.find(*find_param("SS_SIP_TIMEOUT_TRYING")) == nullptr);
}

TEST_CASE("params::parse_import: --replace keeps what the export hid", "[params][exchange]")
{
    const auto data = parse_import(
        R"({"type":"params","format":1,"params":{},"hidden":["SS_RTPENCRYPTIONKEY"]})", "in.json");
    REQUIRE(data);
    param_file file = parsed("SS_RTPENCRYPTIONKEY = secret\nSS_SIP_TIMEOUT_INVITE = 9\n");
    apply_import(*data, file, true);
    CHECK(file.render() == "SS_RTPENCRYPTIONKEY = secret\n");
}

TEST_CASE("params::parse_import: bad JSON, unknown names and bad values are rejected whole",
          "[params][exchange]")
{
    CHECK(import_error("{\"SS_SIP_TIMEOUT_INVITE\": 10,}") ==
          "invalid JSON at byte 29: expected a member name in double quotes");
    CHECK(import_error("[1]") == "expected a JSON object such as ssw-param export writes");
    CHECK(import_error("{\"SS_SIP_TIMEOUT_INVIT\": 10}") ==
          "unknown parameter 'SS_SIP_TIMEOUT_INVIT' (did you mean SS_SIP_TIMEOUT_INVITE?)");
    CHECK(import_error("{\"SS_SIP_TIMEOUT_INVITE\": 900}") ==
          "SS_SIP_TIMEOUT_INVITE: expected whole seconds 1-300 (got '900')");
    CHECK(import_error("{\"SS_SIP_TIMEOUT_INVITE\": {}}").find("got a JSON object") !=
          std::string::npos);
    CHECK(import_error("{\"a\": \"\\ud800\"}").find("surrogate") != std::string::npos);
    CHECK(import_error("{\"a\": \"open").find("unterminated string") != std::string::npos);
    CHECK(import_error("{} x").find("after the JSON value") != std::string::npos);
    CHECK(import_error("").find("unexpected end") != std::string::npos);
    CHECK(import_error(std::string(20, '[') + std::string(20, ']')).find("nested deeper") !=
          std::string::npos);
}
