// SPDX-License-Identifier: MIT
// Tests of case files for `ssw-transform test`: grammar, errors, pass and fail outcomes.
#include "helpers.hpp"

#include <ssw/transform/test_cases.hpp>

using ssw::transform::test::build;
namespace tr = ssw::transform;

TEST_CASE("transform::parse_cases: reads rules, plan and call lines", "[transform][test_cases]")
{
    auto f = tr::parse_cases("# c\nrules ../r/site.rules\nplan p 1 => 2\ncall a - 1 \"\" => x y\n"
                             "call - b 1 2 => blocked\n",
                             "dir/cases.txt");
    REQUIRE(f);
    CHECK(f->rules_path == "r/site.rules");
    REQUIRE(f->cases.size() == 3);
    CHECK(f->cases[0].name == "p");
    CHECK(f->cases[0].expected == "2");
    CHECK(f->cases[1].from == "a");
    CHECK(f->cases[1].to.empty());
    CHECK(f->cases[1].input_callee.empty());
    CHECK(f->cases[1].expected_callee == "y");
    CHECK(f->cases[2].expect_blocked);
    CHECK(f->cases[2].where.to_string() == "dir/cases.txt:5");
}

TEST_CASE("transform::parse_cases: errors name file:line:column", "[transform][test_cases]")
{
    auto a = tr::parse_cases("plan p 1 2\n", "c.txt");
    REQUIRE_FALSE(a);
    CHECK(a.error().to_string() == "c.txt:1:10: expected '=>' before the expected result");
    auto b = tr::parse_cases("\nexpect 1\n", "c.txt");
    REQUIRE_FALSE(b);
    CHECK(b.error().to_string() ==
          "c.txt:2:1: unknown case 'expect': expected rules, plan or call");
    auto c = tr::parse_cases("plan p 1 => blocked\n", "c.txt");
    REQUIRE_FALSE(c);
}

TEST_CASE("transform::run_case: passes, fails with expected/actual and the rule, reports errors",
          "[transform][test_cases]")
{
    const auto e =
        build("plan p\n  strip 00\nend\nlist b black\n  exact 9\nend\ngateway g mapping\n"
              "  callee-black b\nend\n");
    auto f = tr::parse_cases("plan p 0044 => 44\nplan p 0044 => 0044\nplan nope 1 => 1\n"
                             "call g - 1 9 => blocked\ncall g - 1 8 => blocked\n",
                             "c.txt");
    REQUIRE(f);
    const auto ok = tr::run_case(e, f->cases[0]);
    CHECK(ok.passed);
    const auto bad = tr::run_case(e, f->cases[1]);
    CHECK_FALSE(bad.passed);
    CHECK(bad.expected == "0044");
    CHECK(bad.actual == "44");
    CHECK(bad.rule_where == "main.rules:2");
    const auto err = tr::run_case(e, f->cases[2]);
    CHECK_FALSE(err.passed);
    CHECK(err.actual == "error");
    CHECK(err.detail == "no plan or table named 'nope'");
    const auto blocked = tr::run_case(e, f->cases[3]);
    CHECK(blocked.passed);
    CHECK(blocked.rule_where == "main.rules:5");
    const auto not_blocked = tr::run_case(e, f->cases[4]);
    CHECK_FALSE(not_blocked.passed);
    CHECK(not_blocked.actual == "1 8");
}
