// SPDX-License-Identifier: MIT
// The cross-parameter rules of ssw-params(5), one finding per broken rule.
#include <ssw/params/check.hpp>

#include <catch2/catch.hpp>

#include <algorithm>

using namespace ssw::params;

namespace {
settings with(std::string_view content)
{
    const auto file = param_file::parse(content, "p.conf");
    REQUIRE(file);
    return settings{*file};
}
const finding* rule(const std::vector<finding>& all, std::string_view id)
{
    const auto it =
        std::find_if(all.begin(), all.end(), [&](const finding& f) { return f.rule == id; });
    return it == all.end() ? nullptr : &*it;
}
} // namespace

TEST_CASE("params::check: the factory defaults give advice only", "[params][check]")
{
    const auto findings = check(settings{});
    CHECK_FALSE(check_failed(findings, true));
    REQUIRE(rule(findings, "auth-timeout-vs-retries") != nullptr);
    CHECK(rule(findings, "auth-timeout-vs-retries")->level == severity::advice);
    CHECK(rule(findings, "auth-timeout-vs-retries")->message.find("6 retries x 3 s = 18 s") !=
          std::string::npos);
    CHECK(rule(findings, "switch-limit") != nullptr);
    CHECK(rule(findings, "public-facing") != nullptr);
    CHECK(rule(findings, "keepalive-period-vs-nat-expire") == nullptr);
    for (const auto& f : findings) {
        CHECK_FALSE(f.params.empty());
        CHECK_FALSE(f.fix.empty());
    }
}

TEST_CASE("params::check: keep-alive period against the NAT expiry", "[params][check]")
{
    const auto warn = check(with("SS_SIP_NAT_KEEP_ALIVE_PERIOD = 100\n"));
    REQUIRE(rule(warn, "keepalive-period-vs-nat-expire") != nullptr);
    CHECK(rule(warn, "keepalive-period-vs-nat-expire")->level == severity::warning);
    CHECK(rule(warn, "keepalive-period-vs-nat-expire")->fix.find("at most 60") !=
          std::string::npos);
    CHECK_FALSE(check_failed(warn, false));
    CHECK(check_failed(warn, true));
    const auto err = check(with("SS_SIP_NAT_KEEP_ALIVE_PERIOD = 300\n"));
    CHECK(rule(err, "keepalive-period-vs-nat-expire")->level == severity::error);
    CHECK(check_failed(err, false));
    const auto ok = check(with("SS_SIP_NAT_KEEP_ALIVE_PERIOD = 60\n"));
    CHECK(rule(ok, "keepalive-period-vs-nat-expire") == nullptr);
    const auto off =
        check(with("SS_SIP_NAT_KEEP_ALIVE_MESSAGE = \"\"\nSS_SIP_NAT_KEEP_ALIVE_PERIOD = 300\n"));
    CHECK(rule(off, "keepalive-period-vs-nat-expire") == nullptr);
    CHECK(rule(off, "keepalive-off")->level == severity::advice);
}

TEST_CASE("params::check: keep-alive capacity for --nat-endpoints", "[params][check]")
{
    CHECK(rule(check(settings{}, {180000}), "keepalive-capacity") == nullptr);
    const auto over = check(settings{}, {180001});
    REQUIRE(rule(over, "keepalive-capacity") != nullptr);
    CHECK(rule(over, "keepalive-capacity")->level == severity::error);
    CHECK(rule(over, "keepalive-capacity")->message ==
          "180001 NAT endpoints, but one cycle reaches at most 180000 (PERIOD x 1000 / INTERVAL x "
          "ONE_TIME = 30 x 1000 / 500 x 3000): 1 would miss heartbeats");
    CHECK(rule(over, "keepalive-capacity")->fix.find("at least 3001") != std::string::npos);
    const auto off = check(with("SS_SIP_NAT_KEEP_ALIVE_MESSAGE = \"\"\n"), {10});
    CHECK(rule(off, "keepalive-off")->level == severity::warning);
}

TEST_CASE("params::check: authentication rules", "[params][check]")
{
    CHECK(rule(check(with("SS_SIP_AUTHENTICATION_TIMEOUT = 18\n")), "auth-timeout-vs-retries") ==
          nullptr);
    CHECK(rule(check(with("SS_SIP_AUTHENTICATION_RETRY = 0\n")), "auth-timeout-vs-retries") ==
          nullptr);
    const auto risky =
        check(with("SS_SIP_AUTHENTICATION_RETRY = 11\nSS_SIP_AUTHENTICATION_TIMEOUT = 60\n"));
    CHECK(rule(risky, "auth-retry-brute-force")->level == severity::warning);
    CHECK(rule(check(with("SS_SIP_AUTHENTICATION_RETRY = 10\n")), "auth-retry-brute-force") ==
          nullptr);
    const auto unprotected = check(with("SS_ENDPOINT_REGISTER_SUSPEND = 0\n"));
    CHECK(rule(unprotected, "retries-without-suspension")->level == severity::warning);
    CHECK(rule(check(with("SS_ENDPOINT_REGISTER_SUSPEND = 0\nSS_ENDPOINT_REGISTER_RETRY = 0\n")),
               "retries-without-suspension") == nullptr);
}

TEST_CASE("params::check: the key length fits the encryption mode", "[params][check]")
{
    const auto short_aes = check(with("SS_RTPENCRYPTIONMODE = 3\nSS_RTPENCRYPTIONKEY = short\n"));
    CHECK(rule(short_aes, "encryption-key-length")->level == severity::error);
    CHECK(rule(short_aes, "encryption-key-length")->message.find("has 5") != std::string::npos);
    CHECK(rule(check(with("SS_RTPENCRYPTIONMODE = 3\nSS_RTPENCRYPTIONKEY = 0123456789abcdef\n")),
               "encryption-key-length") == nullptr);
    CHECK(rule(check(with("SS_RTPENCRYPTIONMODE = 1\n")), "encryption-key-length")->level ==
          severity::error);
    CHECK(rule(check(with("SS_RTPENCRYPTIONMODE = 2\nSS_RTPENCRYPTIONKEY = abc\n")),
               "encryption-key-length")
              ->level == severity::warning);
    CHECK(rule(check(with("SS_RTPENCRYPTIONKEY = abc\n")), "encryption-key-unused")->level ==
          severity::advice);
}

TEST_CASE("params::check: switch limit and public-facing advice", "[params][check]")
{
    CHECK(rule(check(with("SS_GATEWAY_SWITCH_LIMIT = 4\n")), "switch-limit") == nullptr);
    CHECK(rule(check(with("SS_GATEWAY_SWITCH_LIMIT = 6\n")), "switch-limit")->message ==
          "up to 6 gateways are tried per call");
    CHECK(rule(check(with("SS_REPLY_UNAUTHORIZED = Off\n")), "public-facing") == nullptr);
}

TEST_CASE("params::file_findings: problems in the file become errors with their place",
          "[params][check]")
{
    const auto parsed =
        param_file::parse_lenient("SS_SIP_TIMEOUT_INVITE = 0\nbad line\n", "p.conf");
    const auto findings = file_findings(parsed.problems);
    REQUIRE(findings.size() == 2);
    CHECK(findings[0].level == severity::error);
    CHECK(findings[0].rule == "file-value");
    CHECK(findings[0].params == std::vector<std::string>{"SS_SIP_TIMEOUT_INVITE"});
    CHECK(findings[0].where == "p.conf:1:25");
    CHECK(findings[1].rule == "file-syntax");
    CHECK(findings[1].params.empty());
    CHECK(check_failed(findings, false));
}
