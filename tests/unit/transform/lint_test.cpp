// SPDX-License-Identifier: MIT
// Tests of the rule lint: shadowed rules, duplicates, loops, empty results, list conflicts.
#include "helpers.hpp"

#include <ssw/transform/lint.hpp>

using ssw::transform::test::build;
namespace tr = ssw::transform;

namespace {
std::vector<std::string> kinds(const std::string& text)
{
    std::vector<std::string> out;
    for (const auto& f : tr::lint(build(text))) {
        out.push_back(std::string(tr::to_string(f.level)) + " " + f.kind + " " + f.where);
    }
    return out;
}
} // namespace

TEST_CASE("transform::lint: a clean rule set has no findings", "[transform][lint]")
{
    CHECK(kinds("plan p\n  exact 911 => 911\n  strip 00 len>2\n  add 1 len=10\nend\n").empty());
}

TEST_CASE("transform::lint: finds rules shadowed by earlier ones", "[transform][lint]")
{
    CHECK(kinds("plan p\n  prefix 00 => 1\n  prefix 0044 => 2\nend\n") ==
          std::vector<std::string>{"error shadowed main.rules:3"});
    CHECK(kinds("plan p\n  0?:1\n  05:2\n  exact 0512 => 3\nend\n") ==
          std::vector<std::string>{"error shadowed main.rules:3", "error shadowed main.rules:4"});
    CHECK(kinds("plan p\n  regex /^9/ => 1\n  exact 911 => 2\nend\n") ==
          std::vector<std::string>{"error shadowed main.rules:3"});
    // A rule that continues does not hide the rules after it; a longest plan has no order.
    CHECK(kinds("plan p\n  prefix 00 => 1 continue\n  prefix 0044 => 2\nend\n").empty());
    CHECK(kinds("plan p longest\n  00:1\n  0044:2\nend\n").empty());
    // A condition narrows the earlier rule, so the later one can still fire.
    CHECK(kinds("plan p\n  prefix 00 => 1 len=5\n  prefix 0044 => 2\nend\n").empty());
}

TEST_CASE("transform::lint: finds duplicate entries", "[transform][lint]")
{
    CHECK(
        kinds("table t\n  1 => 2\n  1 => 3\n  4 => 5\n  4 => 5\nend\n") ==
        std::vector<std::string>{"error duplicate main.rules:3", "warning duplicate main.rules:5"});
    CHECK(kinds("plan p longest\n  0044:1\n  0044:2\nend\n") ==
          std::vector<std::string>{"error duplicate main.rules:3"});
}

TEST_CASE("transform::lint: finds plans that can loop", "[transform][lint]")
{
    const auto f = tr::lint(build("plan a\n  add 1 goto b\nend\nplan b\n  add 2 goto a\nend\n"));
    REQUIRE(f.size() == 1);
    CHECK(f[0].kind == "loop");
    CHECK(f[0].message == "plans can loop: a -> b -> a");
    CHECK(f[0].where == "main.rules:5");
}

TEST_CASE("transform::lint: finds targets that produce an empty number", "[transform][lint]")
{
    CHECK(kinds("plan p\n  strip 00\n  strip 011 len>3\n  1900*:\n  exact 5 => \"\"\n  regex /x/ "
                "=> \"\"\nend\n"
                "table t\n  9 => \"\"\nend\n") ==
          std::vector<std::string>{"error empty main.rules:2", "error empty main.rules:4",
                                   "error empty main.rules:5", "warning empty main.rules:6",
                                   "error empty main.rules:9"});
}

TEST_CASE("transform::lint: warns when a black list blocks what a white list allows",
          "[transform][lint]")
{
    CHECK(kinds("list b black\n  prefix 1\nend\nlist w white\n  prefix 1800\n  exact 44\nend\n"
                "list s white system\n  prefix 1\nend\n") ==
          std::vector<std::string>{"warning conflict main.rules:5"});
}
