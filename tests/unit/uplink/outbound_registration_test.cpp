// SPDX-License-Identifier: MIT
// Virtual-time tests of outbound registration: challenge, refresh, 423, retry, un-REGISTER.
#include <ssw/uplink/outbound_registration.hpp>

#include <catch2/catch.hpp>

using namespace ssw::uplink;
using namespace std::chrono_literals;
using ssw::core::manual_clock;

namespace {
register_response ok(std::chrono::seconds granted)
{
    return register_response{200, granted, std::nullopt, false};
}
register_response challenge(int code = 401)
{
    return register_response{code, std::nullopt, std::nullopt, true};
}
} // namespace

TEST_CASE("uplink::refresh_after: well before expiry", "[uplink][outbound_registration]")
{
    CHECK(refresh_after(3600s) == 3060s);
    CHECK(refresh_after(120s) == 88s);
    CHECK(refresh_after(60s) == 30s);
    CHECK(refresh_after(20s) == 10s);
}

TEST_CASE("uplink::outbound_registration: challenge, grant, refresh with the next CSeq",
          "[uplink][outbound_registration]")
{
    manual_clock clock;
    outbound_registration reg(registration_settings{}, clock);
    CHECK(*reg.start() == register_request{1, 3600s, false});
    CHECK(*reg.on_response(challenge(407)) == register_request{2, 3600s, true});
    CHECK_FALSE(reg.on_response(ok(1800s)));
    CHECK(reg.state() == registration_state::registered);
    CHECK(*reg.expires_at() == clock.now() + 1800s);
    // Auto: the granted 1800 s is what we ask for from now on, refreshed before it runs out.
    CHECK(*reg.deadline() == clock.now() + refresh_after(1800s));
    clock.set(*reg.deadline());
    CHECK(*reg.on_timer() == register_request{3, 1800s, false});
    CHECK(*reg.on_response(challenge()) == register_request{4, 1800s, true});
    CHECK_FALSE(reg.on_response(ok(1800s)));
    CHECK(reg.state() == registration_state::registered);
}

TEST_CASE("uplink::outbound_registration: fixed expiry is never exceeded",
          "[uplink][outbound_registration]")
{
    manual_clock clock;
    registration_settings settings;
    settings.auto_expiry = false;
    settings.requested_expiry = 300s;
    outbound_registration reg(settings, clock);
    CHECK(reg.start()->expires == 300s);
    reg.on_response(ok(7200s));
    CHECK(*reg.expires_at() == clock.now() + 300s);
}

TEST_CASE("uplink::outbound_registration: 423 raises the expiry to Min-Expires",
          "[uplink][outbound_registration]")
{
    manual_clock clock;
    registration_settings settings;
    settings.auto_expiry = false;
    settings.requested_expiry = 20s;
    outbound_registration reg(settings, clock);
    reg.start();
    CHECK(*reg.on_response(register_response{423, std::nullopt, 60s, false}) ==
          register_request{2, 60s, false});
    reg.on_response(ok(60s));
    CHECK(reg.state() == registration_state::registered);
    // A 423 without a usable Min-Expires is a failure.
    outbound_registration bad(settings, clock);
    bad.start();
    CHECK_FALSE(bad.on_response(register_response{423, std::nullopt, std::nullopt, false}));
    CHECK(bad.state() == registration_state::retry_wait);
}

TEST_CASE("uplink::outbound_registration: failures retry after SS_SIP_USER_AGENT_RETRY_DELAY",
          "[uplink][outbound_registration]")
{
    manual_clock clock;
    registration_settings settings;
    settings.retry_delay = 30s;
    settings.max_challenge_answers = 2;
    outbound_registration reg(settings, clock);
    reg.start();
    reg.on_response(challenge());
    reg.on_response(challenge());
    // A third challenge: the password is wrong, stop answering (no loop).
    CHECK_FALSE(reg.on_response(challenge()));
    CHECK(reg.state() == registration_state::retry_wait);
    REQUIRE(reg.last_failure());
    CHECK(reg.last_failure()->code == 401);
    CHECK(*reg.deadline() == clock.now() + 30s);
    clock.advance(29s);
    CHECK_FALSE(reg.on_timer());
    clock.advance(1s);
    CHECK(*reg.on_timer() == register_request{4, 3600s, false});
    CHECK_FALSE(reg.on_transaction_timeout());
    CHECK(reg.last_failure()->code == 0);
    CHECK(reg.state() == registration_state::retry_wait);
}

TEST_CASE(
    "uplink::outbound_registration: un-REGISTER on stop answers its challenge and keeps Expires: 0",
    "[uplink][outbound_registration]")
{
    manual_clock clock;
    outbound_registration reg(registration_settings{}, clock, 100);
    reg.start();
    reg.on_response(ok(3600s));
    CHECK(*reg.stop() == register_request{101, 0s, false});
    CHECK(reg.state() == registration_state::unregistering);
    const auto grace = *reg.deadline();
    CHECK(*reg.on_response(challenge(407)) == register_request{102, 0s, true});
    CHECK(*reg.deadline() == grace); // the grace time runs on
    CHECK_FALSE(reg.on_response(ok(0s)));
    CHECK(reg.state() == registration_state::stopped);
    CHECK_FALSE(reg.stop());
}

TEST_CASE("uplink::outbound_registration: stop without un-REGISTER when Off or not registered",
          "[uplink][outbound_registration]")
{
    manual_clock clock;
    registration_settings off;
    off.send_unregister = false;
    outbound_registration reg(off, clock);
    reg.start();
    reg.on_response(ok(3600s));
    CHECK_FALSE(reg.stop());
    CHECK(reg.state() == registration_state::stopped);

    outbound_registration never(registration_settings{}, clock);
    never.start();
    never.on_transaction_timeout();
    CHECK_FALSE(never.stop());
    CHECK(never.state() == registration_state::stopped);
}

TEST_CASE("uplink::outbound_registration: an unanswered un-REGISTER ends at the grace time",
          "[uplink][outbound_registration]")
{
    manual_clock clock;
    registration_settings settings;
    settings.shutdown_grace = 4s;
    outbound_registration reg(settings, clock);
    reg.start();
    reg.on_response(ok(60s));
    reg.stop();
    clock.advance(4s);
    CHECK_FALSE(reg.on_timer());
    CHECK(reg.state() == registration_state::stopped);
    CHECK(reg.last_failure()->reason.find("grace") != std::string::npos);
}
