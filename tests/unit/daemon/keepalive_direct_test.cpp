// SPDX-License-Identifier: MIT
// The daemon engine with 100,000 NAT bindings and keep-alives handed to net/ directly: each
// wake-up yields at most one batch, as a view into one buffer (no copy or allocation per
// datagram), nothing goes through the outgoing message list, and every endpoint is reached
// once per cycle.
#include <ssw/daemon/engine.hpp>
#include <ssw/daemon/status.hpp>
#include <ssw/params/catalog.hpp>

#include <catch2/catch.hpp>

#include <set>

using namespace ssw;
using namespace std::chrono_literals;

TEST_CASE("daemon keep-alive: 100,000 NAT endpoints, a batch per wake-up, straight from one buffer",
          "[daemon][keepalive]")
{
    core::manual_clock clock;
    auto store = *registrar::binding_store::open(":memory:", clock.wall_now());
    for (std::uint32_t i = 0; i < 100000; ++i) {
        registrar::binding b;
        b.account = "u" + std::to_string(i);
        b.contact = "sip:u" + std::to_string(i) + "@10.0.0.1:5060";
        b.source = core::ip_address::v4(0xc6336400u + i); // 198.51.100.0 onwards
        b.source_port = static_cast<std::uint16_t>(1024 + i % 60000);
        b.transport = "udp";
        b.expires = clock.wall_now() + 1h;
        b.behind_nat = true;
        b.call_id = "c" + std::to_string(i);
        b.cseq = 1;
        store.stage_put(b);
    }
    REQUIRE(store.commit());
    auto cfg = *provision::parse_config("[listen]\nudp = 127.0.0.1:5070\n", "t.conf");
    params::settings settings; // HELLO, 30 s, 500 ms, 3000 a batch
    daemon::engine engine(cfg, settings, clock, store, {});
    engine.set_keepalive_direct(true);

    std::size_t largest = 0;
    std::size_t sent = 0;
    std::set<const keepalive::nat_endpoint*> buffers;
    std::vector<daemon::outgoing> out;
    const auto end = clock.now() + 60s;
    while (true) {
        const auto d = engine.next_deadline();
        REQUIRE(d);
        if (*d >= end) {
            break;
        }
        clock.set(std::max(*d, clock.now()));
        engine.on_timer(out);
        CHECK(out.empty()); // keep-alives never go through the message list
        const auto batch = engine.take_keepalives();
        if (!batch.endpoints.empty()) {
            buffers.insert(batch.endpoints.data());
            CHECK(batch.payload == "HELLO");
        }
        largest = std::max(largest, batch.endpoints.size());
        sent += batch.endpoints.size();
        CHECK(engine.take_keepalives().endpoints.empty()); // handed out once
    }
    CHECK(largest == 3000);
    CHECK(sent == 200000); // two cycles of 100,000 in 60 s
    CHECK(buffers.size() == 1);
    const auto st = engine.status();
    CHECK(st.keepalive.endpoints == 100000);
    CHECK(st.keepalive.cycles_incomplete == 0);
}
