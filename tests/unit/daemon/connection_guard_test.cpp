// SPDX-License-Identifier: MIT
// The TCP connection guard in virtual time: caps per source and in total, deadlines.
#include <ssw/daemon/connection_guard.hpp>

#include <catch2/catch.hpp>

using namespace ssw;
using namespace std::chrono_literals;

namespace {

core::ip_address address(const char* text)
{
    return *core::ip_address::parse(text);
}

daemon::connection_limits small_limits()
{
    daemon::connection_limits l;
    l.max_total = 4;
    l.max_per_source = 2;
    return l;
}

} // namespace

TEST_CASE("connection_guard: one source gets at most max_per_source connections",
          "[daemon][connection_guard]")
{
    core::manual_clock clock;
    daemon::connection_guard guard(small_limits(), clock);
    CHECK(guard.on_open(1, address("127.0.0.2"), false).accepted);
    CHECK(guard.on_open(2, address("127.0.0.2"), false).accepted);
    CHECK_FALSE(guard.on_open(3, address("127.0.0.2"), false).accepted);
    CHECK(guard.on_open(4, address("127.0.0.3"), false).accepted);
    guard.on_close(1);
    CHECK(guard.on_open(5, address("127.0.0.2"), false).accepted);
    CHECK(guard.from_source(address("127.0.0.2")) == 2);
}

TEST_CASE("connection_guard: at the total cap a new connection displaces the oldest "
          "unauthenticated one, never an authenticated one",
          "[daemon][connection_guard]")
{
    core::manual_clock clock;
    daemon::connection_guard guard(small_limits(), clock);
    REQUIRE(guard.on_open(1, address("127.0.0.2"), false).accepted);
    REQUIRE(guard.on_open(2, address("127.0.0.3"), false).accepted);
    REQUIRE(guard.on_open(3, address("127.0.0.4"), false).accepted);
    REQUIRE(guard.on_open(4, address("127.0.0.5"), false).accepted);
    guard.on_known_source(1); // a phone that authenticated
    const auto a = guard.on_open(5, address("127.0.0.6"), false);
    CHECK(a.accepted);
    REQUIRE(a.evict);
    CHECK(*a.evict == 2);
    guard.on_known_source(3);
    guard.on_known_source(4);
    guard.on_known_source(5);
    // Every slot authenticated: the newcomer is refused, nobody is displaced.
    const auto b = guard.on_open(6, address("127.0.0.7"), false);
    CHECK_FALSE(b.accepted);
    CHECK_FALSE(b.evict);
    CHECK(guard.size() == 4);
}

TEST_CASE("connection_guard: a connection that never authenticates is closed after "
          "unauthenticated_lifetime, whatever it sends",
          "[daemon][connection_guard]")
{
    core::manual_clock clock;
    daemon::connection_guard guard(daemon::connection_limits{}, clock);
    REQUIRE(guard.on_open(1, address("127.0.0.2"), false).accepted); // half-open: sends part
    REQUIRE(guard.on_open(2, address("127.0.0.2"), false).accepted); // authenticates
    REQUIRE(guard.on_open(3, address("127.0.0.9"), true).accepted);  // ours, to a vendor
    guard.on_known_source(2);
    REQUIRE(guard.deadline());
    CHECK(*guard.deadline() == clock.now() + 32s);
    clock.advance(20s);
    guard.on_activity(1);
    CHECK(guard.take_due().empty());
    clock.advance(12s);
    CHECK(guard.take_due() == std::vector<std::uint64_t>{1});
    CHECK(guard.size() == 2);
    CHECK(guard.unauthenticated() == 0);
}

TEST_CASE("connection_guard: an authenticated connection is closed after idle_timeout without "
          "a byte",
          "[daemon][connection_guard]")
{
    core::manual_clock clock;
    daemon::connection_guard guard(daemon::connection_limits{}, clock);
    REQUIRE(guard.on_open(7, address("::1"), false).accepted);
    guard.on_known_source(7);
    clock.advance(3000s);
    guard.on_activity(7); // a CRLF keep-alive
    clock.advance(3599s);
    CHECK(guard.take_due().empty());
    clock.advance(1s);
    CHECK(guard.take_due() == std::vector<std::uint64_t>{7});
    CHECK(guard.size() == 0);
    CHECK_FALSE(guard.deadline());
}
