// SPDX-License-Identifier: MIT
// The presets of ssw-params(5): values as the table gives them, applied without touching
// anything else.
#include <ssw/params/check.hpp>
#include <ssw/params/preset.hpp>
#include <ssw/params/settings.hpp>

#include <catch2/catch.hpp>

using namespace ssw::params;
using namespace std::chrono_literals;

namespace {
settings applied(std::string_view name, std::string_view base = "")
{
    auto file = param_file::parse(base, "p.conf");
    REQUIRE(file);
    const auto p = find_preset(name);
    REQUIRE(p);
    REQUIRE(apply_preset(**p, *file));
    return settings{*file};
}
} // namespace

TEST_CASE("params::presets: the authentication presets of ssw-params(5)", "[params][preset]")
{
    struct row {
        const char* name;
        int retry;
        std::chrono::seconds timeout;
        std::chrono::seconds suspend;
        bool reply;
    };
    for (const row& r :
         {row{"internet-facing", 3, 5s, 600s, false}, row{"standard", 6, 10s, 180s, true},
          row{"satellite", 8, 20s, 300s, true}, row{"lan", 6, 10s, 120s, true}}) {
        INFO(r.name);
        const settings s = applied(r.name);
        CHECK(s.authentication_retry() == r.retry);
        CHECK(s.authentication_timeout() == r.timeout);
        CHECK(s.authentication_failed_suspend() == r.suspend);
        CHECK(s.reply_unauthorized() == r.reply);
    }
    // "standard" is the factory state.
    const settings factory;
    const settings standard = applied("standard");
    for (const auto& info : catalog()) {
        CHECK(factory.get(info) == standard.get(info));
    }
}

TEST_CASE("params::presets: the NAT keep-alive presets of ssw-params(5)", "[params][preset]")
{
    CHECK(applied("keepalive-small-office").nat_keepalive_period() == 20s);
    CHECK(applied("keepalive-medium").nat_keepalive_period() == 30s);
    CHECK(applied("keepalive-large").nat_keepalive_batch_size() == 1500);
    const settings strict = applied("keepalive-strict-nat");
    CHECK(strict.nat_keepalive_period() == 15s);
    CHECK(strict.nat_keepalive_send_interval() == 200ms);
    const settings low = applied("keepalive-low-bandwidth");
    CHECK(low.nat_keepalive_send_interval() == 1000ms);
    CHECK(low.nat_keepalive_batch_size() == 1000);
}

TEST_CASE("params::apply_preset: sets only its own parameters and keeps the rest of the file",
          "[params][preset]")
{
    auto file = param_file::parse("# mine\nSS_SIP_TIMEOUT_INVITE = 7\nSS_REPLY_UNAUTHORIZED = On\n",
                                  "p.conf");
    REQUIRE(file);
    REQUIRE(apply_preset(**find_preset("internet-facing"), *file));
    CHECK(file->render() == "# mine\nSS_SIP_TIMEOUT_INVITE = 7\nSS_REPLY_UNAUTHORIZED = Off\n"
                            "SS_SIP_AUTHENTICATION_RETRY = 3\nSS_SIP_AUTHENTICATION_TIMEOUT = 5\n"
                            "SS_AUTHENTICATION_FAILED_SUSPEND = 600\n");
}

TEST_CASE("params::find_preset: every preset is valid; unknown names get a suggestion",
          "[params][preset]")
{
    CHECK(presets().size() == 9);
    for (const auto& p : presets()) {
        INFO(p.name);
        param_file file;
        CHECK(apply_preset(p, file));
        // No preset may produce a configuration that fails the check.
        CHECK_FALSE(check_failed(check(settings{file}), false));
    }
    CHECK(*find_preset("Internet-Facing") == &presets()[0]);
    const auto typo = find_preset("internet-facin");
    REQUIRE_FALSE(typo);
    CHECK(typo.error().code == ssw::errc::invalid_argument);
    CHECK(typo.error().message ==
          "unknown preset 'internet-facin' (did you mean internet-facing?)");
}
