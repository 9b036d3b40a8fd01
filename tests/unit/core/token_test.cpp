// SPDX-License-Identifier: MIT
#include <ssw/core/token.hpp>

#include <catch2/catch.hpp>

#include <set>

TEST_CASE("core::token_source: hex words and branches, reproducible from a seed", "[core][token]")
{
    ssw::core::token_source a(42);
    ssw::core::token_source b(42);
    CHECK(a.hex() == b.hex());
    const auto branch = a.branch();
    CHECK(branch.rfind("z9hG4bK", 0) == 0);
    CHECK(branch.size() == 7 + 16);
    CHECK(a.hex(12).size() == 12);
    std::set<std::string> seen;
    ssw::core::token_source drawn; // seeded from std::random_device
    for (int i = 0; i < 10000; ++i) {
        seen.insert(drawn.hex());
    }
    CHECK(seen.size() == 10000);
}
