// SPDX-License-Identifier: MIT
// Tests for ssw::result and the SSW_TRY macros.
#include <ssw/core/result.hpp>

#include <catch2/catch.hpp>

#include <memory>
#include <string>

namespace {
ssw::result<int> parse_positive(int v)
{
    if (v <= 0) {
        return ssw::unexpected(
            ssw::make_error(ssw::errc::invalid_argument, "expected a positive number"));
    }
    return v;
}

ssw::result<int> doubled(int v)
{
    SSW_TRY_ASSIGN(const int checked, parse_positive(v));
    return checked * 2;
}

ssw::result<void> check_only(int v)
{
    SSW_TRY(parse_positive(v));
    return {};
}
} // namespace

TEST_CASE("core::result: holds a value or an error", "[core][result]")
{
    auto ok = parse_positive(3);
    REQUIRE(ok.has_value());
    CHECK(*ok == 3);
    CHECK(ok.value_or(7) == 3);

    auto bad = parse_positive(-1);
    REQUIRE_FALSE(bad);
    CHECK(bad.error().code == ssw::errc::invalid_argument);
    CHECK(bad.value_or(7) == 7);
}

TEST_CASE("core::result: SSW_TRY propagates errors unchanged", "[core][result]")
{
    CHECK(*doubled(4) == 8);
    CHECK(doubled(0).error().message == "expected a positive number");
    CHECK(check_only(1).has_value());
    CHECK_FALSE(check_only(-5).has_value());
}

TEST_CASE("core::result: move-only values", "[core][result]")
{
    ssw::result<std::unique_ptr<int>> r = std::make_unique<int>(5);
    REQUIRE(r);
    auto p = std::move(r).value();
    CHECK(*p == 5);
}

TEST_CASE("core::error: to_string joins where and message", "[core][error]")
{
    CHECK(ssw::make_error(ssw::errc::parse_error, "expected '='", "p.conf:3:7").to_string() ==
          "p.conf:3:7: expected '='");
    CHECK(ssw::make_error(ssw::errc::parse_error, "bad").to_string() == "bad");
    CHECK(ssw::to_string(ssw::errc::not_found) == "not_found");
}
