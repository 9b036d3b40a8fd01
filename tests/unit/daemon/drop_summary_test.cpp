// SPDX-License-Identifier: MIT
// The drop summary in virtual time: one line per interval, the busiest sources named.
#include <ssw/daemon/drop_summary.hpp>

#include <catch2/catch.hpp>

using namespace ssw;
using namespace std::chrono_literals;

TEST_CASE("drop_summary: nothing dropped, nothing said", "[daemon][drop_summary]")
{
    core::manual_clock clock;
    daemon::drop_summary drops(clock);
    CHECK_FALSE(drops.deadline());
    clock.advance(60s);
    CHECK_FALSE(drops.take_due());
}

TEST_CASE("drop_summary: one line per interval with counts by reason and the busiest sources",
          "[daemon][drop_summary]")
{
    core::manual_clock clock;
    daemon::drop_summary drops(clock, 10s);
    const auto a = *core::ip_address::parse("127.0.0.2");
    const auto b = *core::ip_address::parse("127.0.0.3");
    for (int i = 0; i < 300; ++i) {
        drops.note(daemon::drop_reason::unknown_silent, a);
    }
    drops.note(daemon::drop_reason::malformed, b);
    REQUIRE(drops.deadline());
    CHECK(*drops.deadline() == clock.now() + 10s);
    clock.advance(9s);
    CHECK_FALSE(drops.take_due());
    clock.advance(1s);
    const auto line = drops.take_due();
    REQUIRE(line);
    CHECK(*line == "flood summary: in the last 10 s: 300 unknown source, dropped, 1 malformed; "
                   "from 2 source address(es), busiest 127.0.0.2 (300), 127.0.0.3 (1)");
    CHECK_FALSE(drops.take_due());
    CHECK_FALSE(drops.deadline());
    CHECK(drops.totals()[static_cast<std::size_t>(daemon::drop_reason::unknown_silent)] == 300);
}

TEST_CASE("drop_summary: the sources it remembers are bounded", "[daemon][drop_summary]")
{
    core::manual_clock clock;
    daemon::drop_summary drops(clock, 10s, 16);
    for (std::uint32_t i = 0; i < 1000; ++i) {
        drops.note(daemon::drop_reason::unknown_rejected, core::ip_address::v4(0x7f000000U + i));
    }
    CHECK(drops.sources_tracked() == 16);
    clock.advance(10s);
    const auto line = drops.take_due();
    REQUIRE(line);
    CHECK_THAT(*line, Catch::Contains("1000 unknown source, rejected; from 16+ source"));
}
