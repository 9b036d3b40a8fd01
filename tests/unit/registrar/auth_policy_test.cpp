// SPDX-License-Identifier: MIT
// Tests for the retry/timeout/lockout policy, in virtual time.
#include <ssw/registrar/auth_policy.hpp>

#include <catch2/catch.hpp>

#include <string>

using namespace ssw::registrar;
using namespace std::chrono_literals;
using ssw::core::ip_address;
using ssw::core::manual_clock;

namespace {

ip_address addr(const char* text)
{
    return *ip_address::parse(text);
}

auth_request req(std::string_view account, const char* source, std::string_view call_id,
                 bool is_register = true)
{
    return auth_request{account, addr(source), call_id, is_register};
}

// An attacker that guesses as fast as it is answered, a fresh Call-ID per guess when
// `fresh_call_ids`, for `duration` of virtual time at one request per 100 ms. Returns how
// many guesses the policy actually evaluated (answered with anything but "suspended").
int evaluated_guesses(auth_policy& policy, manual_clock& clock, std::chrono::seconds duration,
                      bool fresh_call_ids)
{
    int evaluated = 0;
    const auto end = clock.now() + duration;
    int n = 0;
    while (clock.now() < end) {
        const std::string call_id = fresh_call_ids ? "c" + std::to_string(n++) : "same";
        const auto d =
            policy.on_request(req("1001", "203.0.113.9", call_id), credential_check::wrong);
        if (d.action != auth_action::refuse_suspended) {
            ++evaluated;
        }
        clock.advance(100ms);
    }
    return evaluated;
}

} // namespace

TEST_CASE("registrar::auth_policy: the first credential-less request is never a failure",
          "[registrar][auth_policy]")
{
    manual_clock clock;
    auth_limits limits;
    limits.attempt_max_failures = 1;
    auth_policy policy(limits, clock);
    for (int i = 0; i < 20; ++i) {
        const auto d = policy.on_request(req("1001", "192.0.2.1", "c" + std::to_string(i)),
                                         credential_check::none);
        CHECK(d.action == auth_action::challenge);
    }
    CHECK_FALSE(policy.is_suspended("1001", addr("192.0.2.1")));
    CHECK(policy.on_request(req("1001", "192.0.2.1", "c1"), credential_check::valid).action ==
          auth_action::accept);
}

TEST_CASE("registrar::auth_policy: a stale nonce is re-challenged with stale=true, not counted",
          "[registrar][auth_policy]")
{
    manual_clock clock;
    auth_limits limits;
    limits.attempt_max_failures = 2;
    auth_policy policy(limits, clock);
    for (int i = 0; i < 10; ++i) {
        CHECK(policy.on_request(req("1001", "192.0.2.1", "x"), credential_check::stale_nonce)
                  .action == auth_action::challenge_stale);
    }
    CHECK_FALSE(policy.is_suspended("1001", addr("192.0.2.1")));
}

TEST_CASE("registrar::auth_policy: retries within one attempt, then 403 and suspension",
          "[registrar][auth_policy]")
{
    manual_clock clock;
    auth_limits limits; // defaults: 6 / 10 s / 6 / 180 s
    auth_policy policy(limits, clock);
    REQUIRE(policy.on_request(req("1001", "192.0.2.1", "a"), credential_check::none).action ==
            auth_action::challenge);
    for (int i = 1; i <= 5; ++i) {
        clock.advance(1s);
        CHECK(policy.on_request(req("1001", "192.0.2.1", "a"), credential_check::wrong).action ==
              auth_action::challenge);
    }
    const auto last = policy.on_request(req("1001", "192.0.2.1", "a"), credential_check::wrong);
    CHECK(last.action == auth_action::reject);
    CHECK(last.suspension_started);
    CHECK(last.reason.find("6 wrong credentials in one attempt") != std::string::npos);
    CHECK(last.suspended_until == clock.now() + 180s);

    // Even the right password is refused while suspended, then accepted after it.
    CHECK(policy.on_request(req("1001", "192.0.2.1", "b"), credential_check::valid).action ==
          auth_action::refuse_suspended);
    clock.advance(179s);
    CHECK(policy.is_suspended("1001", addr("192.0.2.1")));
    clock.advance(1s);
    CHECK_FALSE(policy.is_suspended("1001", addr("192.0.2.1")));
    CHECK(policy.on_request(req("1001", "192.0.2.1", "b"), credential_check::valid).action ==
          auth_action::accept);
}

TEST_CASE("registrar::auth_policy: SS_SIP_AUTHENTICATION_TIMEOUT rejects a slow attempt",
          "[registrar][auth_policy]")
{
    manual_clock clock;
    auth_limits limits;
    auth_policy policy(limits, clock);
    REQUIRE(policy.on_request(req("1001", "192.0.2.1", "a"), credential_check::none).action ==
            auth_action::challenge);
    clock.advance(11s);
    const auto d = policy.on_request(req("1001", "192.0.2.1", "a"), credential_check::valid);
    CHECK(d.action == auth_action::reject);
    CHECK(d.reason.find("10 s") != std::string::npos);
    CHECK_FALSE(d.suspension_started);
    // The next attempt starts afresh.
    REQUIRE(policy.on_request(req("1001", "192.0.2.1", "a"), credential_check::none).action ==
            auth_action::challenge);
    CHECK(policy.on_request(req("1001", "192.0.2.1", "a"), credential_check::valid).action ==
          auth_action::accept);
}

TEST_CASE("registrar::auth_policy: with the defaults, at most 6 guesses per 180 s",
          "[registrar][auth_policy]")
{
    for (const bool fresh : {false, true}) {
        manual_clock clock;
        auth_policy policy(auth_limits{}, clock);
        CHECK(evaluated_guesses(policy, clock, 180s, fresh) == 6);
        // The next window opens after the suspension, with again at most 6.
        CHECK(evaluated_guesses(policy, clock, 180s, fresh) <= 6);
        CHECK(evaluated_guesses(policy, clock, 3600s, fresh) <= 6 * 20);
    }
}

TEST_CASE("registrar::auth_policy: internet-facing preset gives at most 3 guesses per 600 s",
          "[registrar][auth_policy]")
{
    for (const bool fresh : {false, true}) {
        manual_clock clock;
        auth_limits limits;
        limits.attempt_max_failures = 3;
        limits.attempt_timeout = 5s;
        limits.terminal_suspend = 600s;
        auth_policy policy(limits, clock);
        CHECK(evaluated_guesses(policy, clock, 600s, fresh) == 3);
        CHECK(evaluated_guesses(policy, clock, 3600s, fresh) <= 3 * 6);
    }
}

TEST_CASE("registrar::auth_policy: a suspended account is still served from other addresses",
          "[registrar][auth_policy]")
{
    manual_clock clock;
    auth_limits limits;
    limits.attempt_max_failures = 2;
    auth_policy policy(limits, clock);
    policy.on_request(req("1001", "203.0.113.9", "a"), credential_check::wrong);
    REQUIRE(policy.on_request(req("1001", "203.0.113.9", "a"), credential_check::wrong)
                .suspension_started);
    CHECK(policy.is_suspended("1001", addr("203.0.113.9")));
    CHECK_FALSE(policy.is_suspended("1001", addr("198.51.100.20")));
    CHECK(policy.on_request(req("1001", "198.51.100.20", "z"), credential_check::valid).action ==
          auth_action::accept);
}

TEST_CASE("registrar::auth_policy: one source spraying accounts is suspended as a whole",
          "[registrar][auth_policy]")
{
    manual_clock clock;
    auth_limits limits;
    limits.source_max_failures = 10;
    auth_policy policy(limits, clock);
    auth_decision last;
    for (int i = 0; i < 10; ++i) {
        const std::string account = "10" + std::to_string(i);
        last = policy.on_request(req(account, "203.0.113.9", account),
                                 credential_check::unknown_account);
    }
    CHECK(last.suspension_started);
    CHECK(last.reason.find("across accounts") != std::string::npos);
    CHECK(policy.on_request(req("2000", "203.0.113.9", "q"), credential_check::none).action ==
          auth_action::refuse_suspended);
}

TEST_CASE(
    "registrar::auth_policy: a trusted office behind one NAT address is never locked out whole",
    "[registrar][auth_policy]")
{
    manual_clock clock;
    auth_limits limits;
    limits.source_max_failures = 3;
    limits.attempt_max_failures = 2;
    limits.trusted_networks.push_back(*ssw::core::ip_network::parse("198.51.100.0/24"));
    auth_policy policy(limits, clock);
    // Five phones each mistype once: no lockout of the office.
    for (int i = 0; i < 5; ++i) {
        const std::string account = "20" + std::to_string(i);
        CHECK(policy.on_request(req(account, "198.51.100.7", account), credential_check::wrong)
                  .action == auth_action::challenge);
    }
    // One phone that keeps failing is suspended alone.
    policy.on_request(req("200", "198.51.100.7", "200"), credential_check::wrong);
    CHECK(policy.is_suspended("200", addr("198.51.100.7")));
    CHECK_FALSE(policy.is_suspended("201", addr("198.51.100.7")));
    CHECK(policy.on_request(req("201", "198.51.100.7", "new"), credential_check::valid).action ==
          auth_action::accept);
}

TEST_CASE("registrar::auth_policy: REGISTER limits suspend registrations only",
          "[registrar][auth_policy]")
{
    manual_clock clock;
    auth_limits limits;
    limits.attempt_max_failures = 10;
    limits.terminal_max_failures = 10;
    limits.register_max_failures = 2;
    limits.register_suspend = 60s;
    auth_policy policy(limits, clock);
    policy.on_request(req("1001", "192.0.2.1", "r1"), credential_check::wrong);
    const auto d = policy.on_request(req("1001", "192.0.2.1", "r2"), credential_check::wrong);
    CHECK(d.suspension_started);
    CHECK(d.reason.find("registrations suspended for 60 s") != std::string::npos);
    CHECK(policy.is_suspended("1001", addr("192.0.2.1"), true));
    CHECK_FALSE(policy.is_suspended("1001", addr("192.0.2.1"), false));
    CHECK(
        policy.on_request(req("1001", "192.0.2.1", "i1", false), credential_check::valid).action ==
        auth_action::accept);
}

TEST_CASE("registrar::auth_policy: failures decay, so rare typos never add up",
          "[registrar][auth_policy]")
{
    manual_clock clock;
    auth_policy policy(auth_limits{}, clock);
    for (int day = 0; day < 30; ++day) {
        CHECK(policy
                  .on_request(req("1001", "192.0.2.1", "d" + std::to_string(day)),
                              credential_check::wrong)
                  .action == auth_action::challenge);
        clock.advance(24h);
    }
    CHECK_FALSE(policy.is_suspended("1001", addr("192.0.2.1")));
}

TEST_CASE("registrar::auth_policy: tables stay bounded under a flood from many sources",
          "[registrar][auth_policy]")
{
    manual_clock clock;
    auth_limits limits;
    limits.max_tracked = 1000;
    auth_policy policy(limits, clock);
    for (std::uint32_t i = 0; i < 20000; ++i) {
        const auto source = ip_address::v4(0xcb007100u + i);
        const std::string call_id = std::to_string(i);
        policy.on_request(auth_request{"1001", source, call_id, true}, credential_check::wrong);
        clock.advance(1ms);
    }
    const auto sizes = policy.sizes();
    CHECK(sizes.attempts <= 1000);
    CHECK(sizes.terminals <= 1000);
    CHECK(sizes.sources <= 1000);
    clock.advance(1h);
    policy.expire();
    CHECK(policy.sizes().attempts == 0);
    CHECK(policy.sizes().terminals == 0);
    CHECK(policy.sizes().sources == 0);
}

TEST_CASE("registrar::auth_policy: a reload with new limits keeps running suspensions",
          "[registrar][auth_policy]")
{
    manual_clock clock;
    auth_policy policy(auth_limits{}, clock);
    for (int i = 0; i < 6; ++i) {
        (void)policy.on_request(req("1001", "192.0.2.1", "a"), credential_check::wrong);
    }
    REQUIRE(policy.is_suspended("1001", addr("192.0.2.1")));

    auth_limits stricter;
    stricter.terminal_max_failures = 3;
    stricter.attempt_max_failures = 3;
    policy.set_limits(stricter);
    CHECK(policy.is_suspended("1001", addr("192.0.2.1"))); // SIGHUP is no way out of a lockout

    // The new limits apply to the next attempt of another account: 3 wrong answers suspend.
    for (int i = 0; i < 2; ++i) {
        CHECK(policy.on_request(req("1002", "192.0.2.1", "b"), credential_check::wrong).action ==
              auth_action::challenge);
    }
    CHECK(policy.on_request(req("1002", "192.0.2.1", "b"), credential_check::wrong).action ==
          auth_action::reject);
}
