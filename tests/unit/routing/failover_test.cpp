// SPDX-License-Identifier: MIT
// Table-driven tests of gateway switching in virtual time, following the switching rules of
// ssw-params(5) case by case.
#include <ssw/routing/failover.hpp>

#include <catch2/catch.hpp>

#include <string>
#include <vector>

using namespace ssw::routing;
using namespace std::chrono_literals;
using kind = action::kind;
using ssw::core::manual_clock;

namespace {

std::vector<gateway_target> two_gateways()
{
    return {gateway_target{"A", 10s, {}}, gateway_target{"B", 10s, {}}};
}

// Advances the clock to the engine's deadline and fires the timer.
std::vector<action> expire(failover& engine, manual_clock& clock)
{
    REQUIRE(engine.deadline());
    clock.set(*engine.deadline());
    return engine.on_timer();
}

std::vector<action> acts(std::initializer_list<action> list)
{
    return list;
}

} // namespace

TEST_CASE("routing::failover: no response within the INVITE timeout switches to the next gateway",
          "[routing][failover]")
{
    manual_clock clock;
    const auto t0 = clock.now();
    failover engine({}, two_gateways(), clock);
    CHECK(engine.start() == acts({{kind::send_invite, 0, 0}}));
    CHECK(*engine.deadline() == t0 + 10s);
    clock.advance(9999ms);
    CHECK(engine.on_timer().empty());
    // No provisional was seen, so no CANCEL (RFC 3261 §9.1): only the next INVITE.
    CHECK(expire(engine, clock) == acts({{kind::send_invite, 1, 0}}));
    CHECK(engine.attempts()[0].reason == attempt_end::invite_timeout);
    CHECK(engine.on_final(1, 200) == acts({{kind::answer_caller, 1, 200}}));
    CHECK(engine.current_state() == failover::state::answered);
    // A provisional arriving late on the abandoned attempt is cancelled then.
    CHECK(engine.on_provisional(0, 180, false) == acts({{kind::send_cancel, 0, 0}}));
}

TEST_CASE("routing::failover: SS_SIP_USER_AGENT_STOP_SWITCH_AFTER_INVITE_TIMEOUT On fails with 408",
          "[routing][failover]")
{
    manual_clock clock;
    switching_policy policy;
    policy.stop_after_invite_timeout = true;
    failover engine(policy, two_gateways(), clock);
    engine.start();
    CHECK(expire(engine, clock) == acts({{kind::fail_caller, 0, 408}}));
    CHECK(engine.stopped_by() == stop_rule::invite_timeout);
    CHECK_FALSE(engine.deadline());
}

TEST_CASE("routing::failover: final responses and the stop rules", "[routing][failover]")
{
    struct row {
        const char* name;
        switching_policy policy;
        std::vector<int> stop_codes_of_a;
        int code_of_a;
        bool expect_switch;
        int expect_caller_code; // when not switching
        stop_rule expect_rule;
    };
    switching_policy defaults;
    switching_policy busy_off;
    busy_off.stop_after_user_busy = false;
    switching_policy until_connect;
    until_connect.until_connect = true;
    const std::vector<row> rows{
        {"503 switches", defaults, {}, 503, true, 0, stop_rule::none},
        {"404 switches", defaults, {}, 404, true, 0, stop_rule::none},
        {"486 stops by default", defaults, {}, 486, false, 486, stop_rule::user_busy},
        {"486 switches with busy rule Off", busy_off, {}, 486, true, 0, stop_rule::none},
        {"486 switches with until-connect", until_connect, {}, 486, true, 0, stop_rule::none},
        {"603 is global", defaults, {}, 603, false, 603, stop_rule::global_failure},
        {"603 is global even with until-connect",
         until_connect,
         {},
         603,
         false,
         603,
         stop_rule::global_failure},
        {"gateway stop code", defaults, {404, 480}, 480, false, 480, stop_rule::gateway_stop_code},
        {"other codes than the stop codes switch", defaults, {404}, 502, true, 0, stop_rule::none},
    };
    for (const auto& r : rows) {
        SECTION(r.name)
        {
            manual_clock clock;
            auto targets = two_gateways();
            targets[0].stop_codes = r.stop_codes_of_a;
            failover engine(r.policy, targets, clock);
            engine.start();
            clock.advance(1s);
            const auto out = engine.on_final(0, r.code_of_a);
            if (r.expect_switch) {
                CHECK(out == acts({{kind::send_invite, 1, 0}}));
            } else {
                CHECK(out == acts({{kind::fail_caller, 0, r.expect_caller_code}}));
                CHECK(engine.stopped_by() == r.expect_rule);
            }
        }
    }
}

TEST_CASE("routing::failover: 183 with SDP commits when SS_SIP_STOP_SWITCH_AFTER_SDP is On",
          "[routing][failover]")
{
    for (const bool stop_after_sdp : {true, false}) {
        for (const bool until_connect : {false, true}) {
            manual_clock clock;
            switching_policy policy;
            policy.stop_after_sdp = stop_after_sdp;
            policy.until_connect = until_connect;
            failover engine(policy, two_gateways(), clock);
            engine.start();
            CHECK(engine.on_provisional(0, 183, true) ==
                  acts({{kind::forward_provisional, 0, 183}}));
            const auto out = engine.on_final(0, 503);
            if (stop_after_sdp && !until_connect) {
                CHECK(out == acts({{kind::fail_caller, 0, 503}}));
                CHECK(engine.stopped_by() == stop_rule::committed_sdp);
            } else {
                CHECK(out == acts({{kind::send_invite, 1, 0}}));
            }
        }
    }
}

TEST_CASE("routing::failover: RTP from the callee commits when "
          "SS_GATEWAY_SWITCH_STOP_AFTER_RTP_START is On",
          "[routing][failover]")
{
    for (const bool stop_after_rtp : {true, false}) {
        manual_clock clock;
        switching_policy policy;
        policy.stop_after_rtp_start = stop_after_rtp;
        failover engine(policy, two_gateways(), clock);
        engine.start();
        engine.on_provisional(0, 180, false);
        engine.on_rtp_started(0); // early media without an SDP-bearing provisional
        const auto out = engine.on_final(0, 503);
        if (stop_after_rtp) {
            CHECK(out == acts({{kind::fail_caller, 0, 503}}));
            CHECK(engine.stopped_by() == stop_rule::committed_rtp);
        } else {
            CHECK(out == acts({{kind::send_invite, 1, 0}}));
        }
    }
}

TEST_CASE("routing::failover: progress timers after 100, 180 and 183 cancel and switch",
          "[routing][failover]")
{
    struct row {
        const char* name;
        int code;
        bool sdp;
        std::chrono::seconds timeout;
        attempt_end reason;
    };
    const std::vector<row> rows{
        {"100 then nothing: SS_SIP_TIMEOUT_TRYING", 100, false, 20s, attempt_end::trying_timeout},
        {"180 then no answer: SS_SIP_TIMEOUT_RINGING", 180, false, 120s,
         attempt_end::ringing_timeout},
        {"183 then nothing: SS_SIP_TIMEOUT_SESSION_PROGRESS", 183, false, 20s,
         attempt_end::progress_timeout},
    };
    for (const auto& r : rows) {
        SECTION(r.name)
        {
            manual_clock clock;
            failover engine({}, two_gateways(), clock);
            engine.start();
            clock.advance(2s);
            engine.on_provisional(0, r.code, r.sdp);
            CHECK(*engine.deadline() == clock.now() + r.timeout);
            CHECK(expire(engine, clock) ==
                  acts({{kind::send_cancel, 0, 0}, {kind::send_invite, 1, 0}}));
            CHECK(engine.attempts()[0].reason == r.reason);
            // The abandoned gateway answers anyway: ACK and BYE, the caller never hears it.
            CHECK(engine.on_final(0, 200) == acts({{kind::ack_and_bye, 0, 200}}));
            CHECK(engine.attempts()[0].reason == attempt_end::lost_race);
        }
    }
}

TEST_CASE("routing::failover: a committed call whose gateway times out fails instead of switching",
          "[routing][failover]")
{
    manual_clock clock;
    failover engine({}, two_gateways(), clock);
    engine.start();
    engine.on_provisional(0, 183, true);
    CHECK(expire(engine, clock) == acts({{kind::send_cancel, 0, 0}, {kind::fail_caller, 0, 408}}));
}

TEST_CASE("routing::failover: SS_GATEWAY_SWITCH_LIMIT bounds the attempts", "[routing][failover]")
{
    manual_clock clock;
    switching_policy policy;
    policy.switch_limit = 2;
    std::vector<gateway_target> targets{{"A", 5s, {}}, {"B", 5s, {}}, {"C", 5s, {}}};
    failover engine(policy, targets, clock);
    engine.start();
    CHECK(engine.on_final(0, 503) == acts({{kind::send_invite, 1, 0}}));
    // RFC 3261 §16.7: a lone 503 becomes 500 towards the caller.
    CHECK(engine.on_final(1, 503) == acts({{kind::fail_caller, 1, 500}}));
    CHECK(engine.stopped_by() == stop_rule::switch_limit);
}

TEST_CASE("routing::failover: when every gateway fails the caller gets the most meaningful code",
          "[routing][failover]")
{
    struct row {
        std::vector<int> codes; // 0 = INVITE timeout
        int expect;
    };
    const std::vector<row> rows{
        {{503, 404}, 404}, {{404, 503}, 404}, {{0, 503}, 408}, {{0, 480}, 480},
        {{503, 502}, 500}, {{502, 503}, 502}, {{0, 0}, 408},   {{500, 403}, 403},
    };
    for (const auto& r : rows) {
        manual_clock clock;
        failover engine({}, two_gateways(), clock);
        engine.start();
        std::vector<action> last;
        for (std::size_t i = 0; i < r.codes.size(); ++i) {
            last = r.codes[i] == 0 ? expire(engine, clock) : engine.on_final(i, r.codes[i]);
        }
        CHECK(last.back() == action{kind::fail_caller, 1, r.expect});
        CHECK(engine.stopped_by() == stop_rule::no_more_gateways);
    }
}

TEST_CASE("routing::failover: the caller hears one coherent story", "[routing][failover]")
{
    manual_clock clock;
    failover engine({}, two_gateways(), clock);
    engine.start();
    CHECK(engine.on_provisional(0, 100, false).empty()); // gateway 100s are not relayed
    CHECK(engine.on_provisional(0, 180, false) == acts({{kind::forward_provisional, 0, 180}}));
    CHECK(engine.on_final(0, 500) == acts({{kind::send_invite, 1, 0}}));
    // A straggler from the abandoned attempt is not relayed.
    CHECK(engine.on_provisional(0, 183, true).empty());
    CHECK(engine.on_provisional(1, 183, true) == acts({{kind::forward_provisional, 1, 183}}));
    CHECK(engine.on_final(1, 200) == acts({{kind::answer_caller, 1, 200}}));
    // After the answer nothing reaches the caller again.
    CHECK(engine.on_final(1, 200).empty());
    CHECK(engine.on_caller_cancel().empty());
}

TEST_CASE("routing::failover: caller CANCEL, including CANCEL racing a 200 OK",
          "[routing][failover]")
{
    SECTION("after a provisional: CANCEL now, 487 to the caller, late 200 gets ACK+BYE")
    {
        manual_clock clock;
        failover engine({}, two_gateways(), clock);
        engine.start();
        engine.on_provisional(0, 180, false);
        CHECK(engine.on_caller_cancel() ==
              acts({{kind::send_cancel, 0, 0}, {kind::fail_caller, 0, 487}}));
        CHECK(engine.on_final(0, 200) == acts({{kind::ack_and_bye, 0, 200}}));
        CHECK(engine.on_final(0, 487).empty());
    }
    SECTION("before any provisional: the CANCEL waits for one")
    {
        manual_clock clock;
        failover engine({}, two_gateways(), clock);
        engine.start();
        CHECK(engine.on_caller_cancel() == acts({{kind::fail_caller, 0, 487}}));
        CHECK(engine.on_provisional(0, 100, false) == acts({{kind::send_cancel, 0, 0}}));
        CHECK(engine.on_provisional(0, 180, false).empty());
    }
}

TEST_CASE("routing::failover: per-gateway INVITE timeout and auth retry restart the timer",
          "[routing][failover]")
{
    manual_clock clock;
    const auto t0 = clock.now();
    std::vector<gateway_target> targets{{"lan", 5s, {}}, {"satellite", 20s, {}}};
    failover engine({}, targets, clock);
    engine.start();
    CHECK(*engine.deadline() == t0 + 5s);
    clock.advance(3s);
    engine.on_auth_retry(0); // 407 answered with credentials: a new INVITE, a new timeout
    CHECK(*engine.deadline() == t0 + 8s);
    expire(engine, clock);
    CHECK(*engine.deadline() == clock.now() + 20s);
}

TEST_CASE("routing::failover: no gateway at all gives 503", "[routing][failover]")
{
    manual_clock clock;
    failover engine({}, {}, clock);
    CHECK(engine.start() == acts({{kind::fail_caller, 0, 503}}));
    CHECK(engine.stopped_by() == stop_rule::no_more_gateways);
}

namespace {

// Gateway A with two addresses (A1, A2), then gateway B.
std::vector<gateway_target> two_addresses_then_b()
{
    gateway_target a2{"A", 10s, {}};
    a2.further_address = true;
    return {gateway_target{"A", 10s, {}}, a2, gateway_target{"B", 10s, {}}};
}

} // namespace

TEST_CASE("routing::failover: a gateway's next address after no response or 503, its other "
          "addresses skipped after any other failure",
          "[routing][failover]")
{
    struct row {
        const char* name;
        int code_of_a1; // 0: no response until the INVITE timeout
        std::size_t expect_next_target;
    };
    const row rows[] = {
        {"no response", 0, 1}, {"503", 503, 1}, {"500", 500, 2}, {"404", 404, 2}, {"480", 480, 2},
    };
    for (const auto& r : rows) {
        INFO(r.name);
        manual_clock clock;
        failover engine({}, two_addresses_then_b(), clock);
        CHECK(engine.start() == acts({{kind::send_invite, 0, 0}}));
        const auto next =
            r.code_of_a1 == 0 ? expire(engine, clock) : engine.on_final(0, r.code_of_a1);
        CHECK(next == acts({{kind::send_invite, 1, 0}}));
        REQUIRE(engine.attempts().size() == 2);
        CHECK(engine.attempts()[1].gateway == r.expect_next_target);
    }
}

TEST_CASE("routing::failover: 100 then the trying timeout is the gateway's failure, not the "
          "address's",
          "[routing][failover]")
{
    manual_clock clock;
    failover engine({}, two_addresses_then_b(), clock);
    engine.start();
    CHECK(engine.on_provisional(0, 100, false).empty());
    // The CANCEL of the abandoned attempt, then gateway B (A's second address is skipped).
    CHECK(expire(engine, clock) == acts({{kind::send_cancel, 0, 0}, {kind::send_invite, 1, 0}}));
    CHECK(engine.attempts()[1].gateway == 2);
}

TEST_CASE("routing::failover: addresses of one gateway are not gateway switches",
          "[routing][failover]")
{
    manual_clock clock;
    switching_policy policy;
    policy.switch_limit = 1;
    failover engine(policy, two_addresses_then_b(), clock);
    engine.start();
    CHECK(engine.on_final(0, 503) == acts({{kind::send_invite, 1, 0}})); // A's second address
    // B would be a second gateway: the limit of one stops here with the best failure (503
    // becomes 500, RFC 3261 §16.7 as in the other cases).
    CHECK(engine.on_final(1, 503) == acts({{kind::fail_caller, 1, 500}}));
    CHECK(engine.stopped_by() == stop_rule::switch_limit);
}

TEST_CASE("routing::failover: every address fails, the last one's code decides like any other",
          "[routing][failover]")
{
    manual_clock clock;
    failover engine({}, two_addresses_then_b(), clock);
    engine.start();
    CHECK(engine.on_final(0, 503) == acts({{kind::send_invite, 1, 0}}));
    CHECK(engine.on_final(1, 503) == acts({{kind::send_invite, 2, 0}}));
    CHECK(engine.on_final(2, 404) == acts({{kind::fail_caller, 2, 404}}));
    CHECK(engine.stopped_by() == stop_rule::no_more_gateways);
}
