// SPDX-License-Identifier: MIT
// Tests of the NAT keep-alive scheduler in virtual time: batches, cycles, starvation, spreading.
#include <ssw/keepalive/nat_keepalive.hpp>

#include <catch2/catch.hpp>

#include <map>

using namespace ssw::keepalive;
using namespace std::chrono_literals;
using ssw::core::manual_clock;

namespace {

nat_endpoint endpoint(std::uint64_t id)
{
    return nat_endpoint{id, ssw::core::ip_address::v4(0xc0000200u + static_cast<std::uint32_t>(id)),
                        static_cast<std::uint16_t>(5060 + id)};
}

// Runs the scheduler for `duration`, always jumping to its next wake-up; counts sends per id.
std::map<std::uint64_t, int> run_for(nat_keepalive& scheduler, manual_clock& clock,
                                     std::chrono::seconds duration,
                                     std::size_t* largest_batch = nullptr)
{
    std::map<std::uint64_t, int> sent;
    const auto end = clock.now() + duration;
    while (true) {
        const auto wake = scheduler.next_wakeup();
        if (!wake || *wake >= end) {
            clock.set(end);
            return sent;
        }
        clock.set(std::max(*wake, clock.now()));
        const auto batch = scheduler.on_timer();
        if (largest_batch != nullptr) {
            *largest_batch = std::max(*largest_batch, batch.size());
        }
        for (const auto& e : batch) {
            ++sent[e.id];
        }
    }
}

} // namespace

TEST_CASE("keepalive::cycle_capacity: PERIOD x 1000 / INTERVAL x ONE_TIME",
          "[keepalive][nat_keepalive]")
{
    CHECK(cycle_capacity(keepalive_settings{}) == 180000);
    keepalive_settings constrained;
    constrained.send_interval = 1000ms;
    constrained.batch_size = 1000;
    CHECK(cycle_capacity(constrained) == 30000);
}

TEST_CASE("keepalive::nat_keepalive: batches every interval, a new cycle every period",
          "[keepalive][nat_keepalive]")
{
    manual_clock clock;
    const auto t0 = clock.now();
    keepalive_settings settings;
    settings.batch_size = 3;
    nat_keepalive scheduler(settings, clock);
    for (std::uint64_t id = 0; id < 7; ++id) {
        scheduler.upsert(endpoint(id));
    }
    CHECK(*scheduler.next_wakeup() == t0);
    CHECK(scheduler.on_timer().size() == 3);
    CHECK(*scheduler.next_wakeup() == t0 + 500ms);
    clock.advance(499ms);
    CHECK(scheduler.on_timer().empty());
    clock.advance(1ms);
    CHECK(scheduler.on_timer().size() == 3);
    clock.advance(500ms);
    const auto last = scheduler.on_timer();
    REQUIRE(last.size() == 1);
    CHECK(last[0].id == 6);
    CHECK(last[0].port == 5066);
    CHECK(*scheduler.next_wakeup() == t0 + 30s);
    clock.set(t0 + 30s);
    CHECK(scheduler.on_timer().size() == 3);
    CHECK(scheduler.stats().cycles_started == 2);
    CHECK(scheduler.stats().cycles_incomplete == 0);
    CHECK(scheduler.stats().messages_sent == 10);
}

TEST_CASE("keepalive::nat_keepalive: restarting each cycle from the top starves the tail, and "
          "says so",
          "[keepalive][nat_keepalive]")
{
    manual_clock clock;
    keepalive_settings settings;
    settings.batch_size = 2;
    settings.send_interval = 10000ms; // capacity 3 batches x 2 = 6 per 30 s cycle
    nat_keepalive scheduler(settings, clock);
    for (std::uint64_t id = 0; id < 10; ++id) {
        scheduler.upsert(endpoint(id));
    }
    const auto sent = run_for(scheduler, clock, 300s);
    for (std::uint64_t id = 0; id < 6; ++id) {
        CHECK(sent.at(id) == 10);
    }
    for (std::uint64_t id = 6; id < 10; ++id) {
        CHECK(sent.count(id) == 0);
    }
    CHECK(scheduler.stats().cycles_incomplete == 9);
    CHECK(scheduler.stats().endpoints_missed_last == 4);
    CHECK(scheduler.stats().endpoints_missed_total == 36);
}

TEST_CASE("keepalive::nat_keepalive: spread mode rotates so nobody starves",
          "[keepalive][nat_keepalive]")
{
    manual_clock clock;
    keepalive_settings settings;
    settings.batch_size = 2;
    settings.send_interval = 10000ms;
    settings.spread_evenly = true;
    nat_keepalive scheduler(settings, clock);
    for (std::uint64_t id = 0; id < 10; ++id) {
        scheduler.upsert(endpoint(id));
    }
    const auto sent = run_for(scheduler, clock, 300s);
    for (std::uint64_t id = 0; id < 10; ++id) {
        CHECK(sent.count(id) == 1);
        CHECK(sent.at(id) >= 5);
    }
    CHECK(scheduler.stats().cycles_incomplete > 0); // still reported
}

TEST_CASE("keepalive::nat_keepalive: spread mode paces a small population over the period",
          "[keepalive][nat_keepalive]")
{
    manual_clock clock;
    const auto t0 = clock.now();
    keepalive_settings settings;
    settings.batch_size = 1;
    settings.send_interval = 100ms;
    settings.period = 40s;
    settings.spread_evenly = true;
    nat_keepalive scheduler(settings, clock);
    for (std::uint64_t id = 0; id < 4; ++id) {
        scheduler.upsert(endpoint(id));
    }
    CHECK(scheduler.on_timer().size() == 1);
    CHECK(*scheduler.next_wakeup() == t0 + 10s);
}

TEST_CASE("keepalive::nat_keepalive: disabled or empty means no wake-ups; removal works",
          "[keepalive][nat_keepalive]")
{
    manual_clock clock;
    keepalive_settings off;
    off.enabled = false;
    nat_keepalive disabled(off, clock);
    disabled.upsert(endpoint(1));
    CHECK_FALSE(disabled.next_wakeup());

    nat_keepalive scheduler(keepalive_settings{}, clock);
    CHECK_FALSE(scheduler.next_wakeup());
    scheduler.upsert(endpoint(1));
    scheduler.upsert(endpoint(2));
    scheduler.upsert(endpoint(3));
    scheduler.remove(1);
    scheduler.remove(42);
    CHECK(scheduler.size() == 2);
    std::map<std::uint64_t, int> seen;
    for (const auto& e : scheduler.on_timer()) {
        ++seen[e.id];
    }
    CHECK(seen == std::map<std::uint64_t, int>{{2, 1}, {3, 1}});
}

TEST_CASE("keepalive::nat_keepalive: 100,000 endpoints served every cycle, never more than a batch "
          "per wake-up",
          "[keepalive][nat_keepalive]")
{
    manual_clock clock;
    nat_keepalive scheduler(keepalive_settings{}, clock);
    for (std::uint64_t id = 0; id < 100000; ++id) {
        scheduler.upsert(endpoint(id));
    }
    std::size_t largest = 0;
    const auto sent = run_for(scheduler, clock, 90s, &largest);
    CHECK(largest == 3000);
    CHECK(sent.size() == 100000);
    CHECK(scheduler.stats().cycles_incomplete == 0);
    CHECK(scheduler.stats().messages_sent == 300000);
}
