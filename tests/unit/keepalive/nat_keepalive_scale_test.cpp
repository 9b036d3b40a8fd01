// SPDX-License-Identifier: MIT
// The keep-alive scheduler at 100,000 NAT endpoints: a wake-up hands out at most one batch,
// from one buffer reserved up front (no allocation per message or per wake-up), in both the
// parameters' pacing (ssw-params(5)) and the spread-and-rotate option.
#include <ssw/keepalive/nat_keepalive.hpp>

#include <catch2/catch.hpp>

#include <algorithm>
#include <vector>

using namespace ssw::keepalive;
using namespace std::chrono_literals;
using ssw::core::manual_clock;

namespace {

struct scale_run {
    std::size_t wakeups = 0;
    std::size_t largest = 0;
    std::size_t sent = 0;
    std::size_t distinct_buffers = 0;
    std::vector<std::uint32_t> per_endpoint;
};

scale_run run(keepalive_settings settings, std::size_t endpoints, std::chrono::seconds duration)
{
    manual_clock clock;
    nat_keepalive scheduler(settings, clock);
    for (std::uint64_t id = 0; id < endpoints; ++id) {
        scheduler.upsert({id,
                          ssw::core::ip_address::v4(0x0a000000u + static_cast<std::uint32_t>(id)),
                          static_cast<std::uint16_t>(1024 + id % 60000)});
    }
    scale_run r;
    r.per_endpoint.assign(endpoints, 0);
    const nat_endpoint* buffer = nullptr;
    const auto end = clock.now() + duration;
    while (true) {
        const auto wake = scheduler.next_wakeup();
        if (!wake || *wake >= end) {
            break;
        }
        clock.set(std::max(*wake, clock.now()));
        const auto batch = scheduler.on_timer();
        ++r.wakeups;
        if (batch.empty()) {
            continue;
        }
        // The same storage every time: the batch buffer is never reallocated.
        if (batch.data() != buffer) {
            ++r.distinct_buffers;
            buffer = batch.data();
        }
        r.largest = std::max(r.largest, batch.size());
        r.sent += batch.size();
        for (const auto& e : batch) {
            ++r.per_endpoint[e.id];
        }
    }
    return r;
}

} // namespace

TEST_CASE("keepalive scale: 100,000 endpoints, batches back to back: one batch per wake-up, one "
          "buffer",
          "[keepalive][scale]")
{
    keepalive_settings s; // 30 s, 500 ms, 3000 per batch: capacity 180,000
    const auto r = run(s, 100000, 60s);
    CHECK(r.largest == 3000);
    CHECK(r.distinct_buffers == 1);
    CHECK(r.sent == 200000);
    CHECK(std::all_of(r.per_endpoint.begin(), r.per_endpoint.end(),
                      [](std::uint32_t n) { return n == 2; }));
}

TEST_CASE(
    "keepalive scale: 100,000 endpoints spread evenly with too little capacity: nobody starves",
    "[keepalive][scale]")
{
    keepalive_settings s;
    s.period = 30s;
    s.send_interval = 1000ms;
    s.batch_size = 2000; // capacity 60,000 < 100,000: each cycle misses 40,000
    s.spread_evenly = true;
    const auto r = run(s, 100000, 150s); // five cycles
    CHECK(r.largest == 2000);
    CHECK(r.distinct_buffers == 1);
    // Rotation: over five cycles (300,000 sends) every endpoint got its turns.
    const auto fewest = *std::min_element(r.per_endpoint.begin(), r.per_endpoint.end());
    const auto most = *std::max_element(r.per_endpoint.begin(), r.per_endpoint.end());
    CHECK(fewest >= 2);
    CHECK(most - fewest <= 1);

    // Restarting every cycle from the beginning (the parameters' pacing) starves the tail.
    s.spread_evenly = false;
    const auto restart = run(s, 100000, 150s);
    CHECK(restart.per_endpoint.back() == 0);
}
