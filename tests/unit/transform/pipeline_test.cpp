// SPDX-License-Identifier: MIT
// Tests of the call pipeline: stage order, caller and callee together, lists after transform.
#include "helpers.hpp"

#include <ssw/transform/pipeline.hpp>

using ssw::transform::test::build;
namespace tr = ssw::transform;

namespace {
const char* const rules = R"(
table vip
    1234567890 => 0987654321
end
plan in
    add 1 len=10
end
plan route
    strip 00
end
plan out
    add +
end
plan pai
    strip 1
end
list premium black
    prefix 1900
end
list noc white system
    exact 19005550100
end
list only-uk white
    prefix +44
end
gateway cust mapping
    caller-transform vip
    caller-plan in
    callee-plan in
    callee-black premium
end
gateway vendor routing
    caller-plan out
    callee-plan out
    pai-plan pai
end
gateway uk-vendor routing
    callee-white only-uk
    callee-plan out
end
gateway phone endpoint
    callee-plan in
end
routing
    callee-plan route
end
)";
} // namespace

TEST_CASE("transform::run_call: runs inbound, routing and outbound stages in order",
          "[transform][pipeline]")
{
    const auto e = build(rules);
    tr::selector s;
    auto r = tr::run_call(e, {"1234567890", "2015551234", "cust", "vendor"}, s, true);
    REQUIRE(r);
    CHECK_FALSE(r->blocked);
    CHECK(r->inbound_caller == "10987654321");
    CHECK(r->inbound_callee == "12015551234");
    CHECK(r->routed_callee == "12015551234");
    CHECK(r->caller == "+10987654321");
    CHECK(r->callee == "+12015551234");
    CHECK(r->has_pai);
    CHECK(r->pai == "0987654321");
    REQUIRE(r->steps.size() >= 5);
    CHECK(r->steps[0].stage == "inbound caller");
    CHECK(r->steps[0].what == "table vip");
    CHECK(r->steps[0].where == "main.rules:3");
}

TEST_CASE("transform::run_call: the routing stage rewrites between inbound and outbound",
          "[transform][pipeline]")
{
    const auto e = build(rules);
    tr::selector s;
    auto r = tr::run_call(e, {"", "0044207123", "", "vendor"}, s);
    REQUIRE(r);
    CHECK(r->routed_callee == "44207123");
    CHECK(r->callee == "+44207123");
    CHECK(r->caller == "+");
}

TEST_CASE("transform::run_call: lists see the transformed numbers; blocked is a result",
          "[transform][pipeline]")
{
    const auto e = build(rules);
    tr::selector s;
    // 900555 0100 only becomes a premium number after the inbound plan adds the 1.
    auto r = tr::run_call(e, {"2015551234", "9005551234", "cust", "vendor"}, s);
    REQUIRE(r);
    CHECK(r->blocked);
    CHECK(r->blocked_side == "callee");
    CHECK(r->blocked_stage == "routing");
    CHECK(r->verdict.list == "premium");
    CHECK(r->verdict.where == "main.rules:18");
    // The system white list overrides the black list.
    auto noc = tr::run_call(e, {"2015551234", "9005550100", "cust", "vendor"}, s);
    REQUIRE(noc);
    CHECK_FALSE(noc->blocked);
    CHECK(noc->callee == "+19005550100");
    // Vendor white list: only +44 numbers may go out through uk-vendor.
    auto uk = tr::run_call(e, {"1", "0044207123", "", "uk-vendor"}, s);
    REQUIRE(uk);
    CHECK_FALSE(uk->blocked);
    auto us = tr::run_call(e, {"1", "2015551234", "", "uk-vendor"}, s);
    REQUIRE(us);
    CHECK(us->blocked);
    CHECK(us->blocked_stage == "outbound");
    CHECK(us->verdict.reason == "not in white list only-uk");
}

TEST_CASE("transform::run_call: gateways are checked by name and role", "[transform][pipeline]")
{
    const auto e = build(rules);
    tr::selector s;
    auto unknown = tr::run_call(e, {"1", "2", "nope", ""}, s);
    REQUIRE_FALSE(unknown);
    CHECK(unknown.error().code == ssw::errc::not_found);
    auto wrong = tr::run_call(e, {"1", "2", "vendor", ""}, s);
    REQUIRE_FALSE(wrong);
    CHECK(wrong.error().code == ssw::errc::invalid_argument);
    auto wrong_out = tr::run_call(e, {"1", "2", "", "cust"}, s);
    REQUIRE_FALSE(wrong_out);
    auto phone = tr::run_call(e, {"1", "2015551234", "phone", "phone"}, s);
    REQUIRE(phone);
    CHECK(phone->callee == "12015551234"); // len=10 no longer holds on the way out
}
