// SPDX-License-Identifier: MIT
// Tests of route selection order.
#include <ssw/routing/route_table.hpp>

#include <catch2/catch.hpp>

#include <map>

using namespace ssw::routing;

TEST_CASE("routing::route_table: longest prefix, then priority, then configured order",
          "[routing][route_table]")
{
    const route_table table({
        {0, {""}, 5, 1},     // default route
        {1, {"1"}, 1, 1},    // North America
        {2, {"1201"}, 9, 1}, // New Jersey specialist, worst priority but longest match
        {3, {"1"}, 1, 1},    // same as 1, configured later
        {4, {"44"}, 0, 1},
    });
    CHECK(table.select("12015551234", 0) == std::vector<std::size_t>{2, 1, 3, 0});
    CHECK(table.select("4420", 0) == std::vector<std::size_t>{4, 0});
    CHECK(table.select("33", 0) == std::vector<std::size_t>{0});
    CHECK(table.select("12015551234", 0, [](std::size_t g) { return g != 1; }) ==
          std::vector<std::size_t>{2, 3, 0});
}

TEST_CASE("routing::route_table: weights share the traffic, reproducibly with a seed",
          "[routing][route_table]")
{
    const route_table table({{0, {"1"}, 1, 3}, {1, {"1"}, 1, 1}});
    std::map<std::size_t, int> first;
    for (std::uint64_t seed = 0; seed < 4000; ++seed) {
        const auto order = table.select("1555", seed);
        REQUIRE(order.size() == 2);
        ++first[order[0]];
    }
    CHECK(first[0] > 2700); // expected 3000 of 4000
    CHECK(first[0] < 3300);
    CHECK(table.select("1555", 42) == table.select("1555", 42));
}

TEST_CASE("routing::route_table: a gateway listed under several prefixes appears once",
          "[routing][route_table]")
{
    const route_table table({{7, {"1", "12", ""}, 1, 1}});
    CHECK(table.select("123", 0) == std::vector<std::size_t>{7});
}
