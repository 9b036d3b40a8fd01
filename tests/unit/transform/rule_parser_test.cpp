// SPDX-License-Identifier: MIT
// Tests of the ssw-rules(5) parser: every construct, and errors with file:line:col.
#include "helpers.hpp"

using ssw::transform::test::parse;
namespace tr = ssw::transform;

namespace {
std::string error_of(const std::string& text, std::map<std::string, std::string> files = {})
{
    auto r = parse(text, std::move(files));
    REQUIRE_FALSE(r);
    return r.error().to_string();
}
} // namespace

TEST_CASE("transform::parse_rules: reads plans, tables, lists and gateways",
          "[transform][rule_parser]")
{
    auto r = parse(R"(# comment
table t
    123 => 456   # trailing comment
    9 => ""
end
plan p longest
    0044:44;0033@3
    exact 1 => 2 len=1 stop
    prefix 00 => "" len>2 continue
    strip 011
    add 1 len=10
end
plan q
    regex /^0(\d+)$/ => 44\1 goto p
end
list b black
    exact 1
    prefix 19
    regex /^44(9|871)/
    len<3
end
list w white system
    exact 5
end
gateway g mapping
    caller-transform t
    callee-plan p
    callee-black b
end
gateway v routing
    pai-plan q
end
routing
    callee-white w
end
)");
    REQUIRE(r);
    REQUIRE(r->plans.size() == 2);
    const auto& p = r->plans[0];
    CHECK(p.order == tr::plan_order::longest);
    REQUIRE(p.rules.size() == 5);
    CHECK(p.rules[0].kind == tr::rule_kind::vos);
    CHECK(p.rules[0].pattern == "0044");
    REQUIRE(p.rules[0].targets.size() == 2);
    CHECK(p.rules[0].targets[1].text == "0033");
    CHECK(p.rules[0].targets[1].weight == 3);
    CHECK(p.rules[0].pick == tr::pick_mode::weighted);
    CHECK(p.rules[1].kind == tr::rule_kind::exact);
    CHECK(p.rules[1].conditions.size() == 1);
    CHECK(p.rules[2].then == tr::chain_action::next);
    CHECK(p.rules[2].targets[0].text.empty());
    CHECK(p.rules[3].kind == tr::rule_kind::prefix);
    CHECK(p.rules[3].pattern == "011");
    CHECK(p.rules[4].pattern.empty());
    CHECK(p.rules[4].targets[0].text == "1");
    CHECK(r->plans[1].rules[0].then == tr::chain_action::jump);
    CHECK(r->plans[1].rules[0].jump_plan == "p");
    CHECK(r->plans[1].rules[0].where.to_string() == "main.rules:14");
    REQUIRE(r->tables.size() == 1);
    CHECK(r->tables[0].entries.size() == 2);
    CHECK(r->lists.size() == 2);
    CHECK(r->lists[0].entries.size() == 4);
    CHECK(r->lists[1].system);
    CHECK(r->gateways.size() == 2);
    CHECK(r->gateways[0].caller.table == "t");
    CHECK(r->gateways[1].pai_plan == "q");
    CHECK(r->routing_callee.white == std::vector<std::string>{"w"});
}

TEST_CASE("transform::parse_rules: reads VOS3000 length conditions L, E, G and F",
          "[transform][rule_parser]")
{
    auto r = parse("plan p\n  0*L12G3:9\n  vos ??E7F8:1$\nend\n");
    REQUIRE(r);
    const auto& rules = r->plans[0].rules;
    REQUIRE(rules[0].conditions.size() == 2);
    CHECK(rules[0].conditions[0].op == tr::length_op::less);
    CHECK(rules[0].conditions[0].value == 12);
    CHECK(rules[0].conditions[1].op == tr::length_op::greater);
    CHECK(rules[1].conditions[0].op == tr::length_op::equal);
    CHECK(rules[1].conditions[1].op == tr::length_op::not_equal);
    CHECK(rules[0].pattern == "0*");
}

TEST_CASE("transform::parse_rules: errors name file:line:column and what was expected",
          "[transform][rule_parser]")
{
    CHECK(error_of("plan p\n  exact 123 456\nend\n") ==
          "main.rules:2:13: expected '=>' after the number");
    CHECK(error_of("plan p\n  frobnicate 1\nend\n")
              .starts_with("main.rules:2:3: unknown rule 'frobnicate'"));
    CHECK(error_of("plan p\n  exact 1 => 2\n") ==
          "main.rules:1:1: 'plan p' is not closed: expected 'end'");
    CHECK(error_of("end\n") == "main.rules:1:1: 'end' without an open block");
    CHECK(error_of("plan p\n  exact 1 => 2 contineu\nend\n")
              .starts_with("main.rules:2:16: unexpected 'contineu'"));
    CHECK(
        error_of("plan p\n  exact 1 => 2 contineu\nend\n").ends_with("(did you mean 'continue'?)"));
    CHECK(error_of("plan p\n  exact 1x! => 2\nend\n") ==
          "main.rules:2:11: unexpected '!' in a number: expected digits, letters, '+', '*' or '#'");
    CHECK(error_of("plan p\n  0044X:44\nend\n")
              .starts_with("main.rules:2:7: unexpected 'X' in the original"));
    CHECK(error_of("plan p\n  ??:$$$\nend\n").starts_with("main.rules:2:6: the target has 3 '$'"));
    CHECK(error_of("plan p\n  exact 1 => 2\nend\nplan p\nend\n") ==
          "main.rules:4:6: plan 'p' is already defined at main.rules:1");
    CHECK(error_of("plan p\n  exact 1 => 2 goto nowhere\nend\n") ==
          "main.rules:2:21: unknown plan 'nowhere'");
    CHECK(error_of("gateway g mapping\n  callee-plan pp\nend\nplan p\nend\n") ==
          "main.rules:2:15: unknown plan 'pp' (did you mean 'p'?)");
    CHECK(error_of("plen p\n").starts_with("main.rules:1:1: unknown keyword 'plen'"));
    CHECK(error_of("plan p longest\n  regex /1/ => 2\nend\n")
              .starts_with("main.rules:2:3: regex rules"));
    CHECK(error_of("list l grey\nend\n") ==
          "main.rules:1:8: expected 'black' or 'white' after the list name");
    CHECK(error_of("plan p\n  exact \"12 => 3\nend\n")
              .starts_with("main.rules:2:9: unterminated string"));
    CHECK(error_of("table t\n  1 => 2\nned\n") ==
          "main.rules:3:1: unknown word 'ned': expected NUMBER => REPLACEMENT or 'end' to close "
          "'table t' "
          "(did you mean 'end'?)");
    CHECK(error_of("plan p\n  regex /^0(\\d+)$/ => 44$1\nend\n") ==
          "main.rules:2:25: unexpected '$' in a regex replacement: capture groups are \\1 to \\9 "
          "(RE2 rewrite "
          "syntax), not $1");
    CHECK(error_of("plan p\n  0044 => 44\nend\n")
              .ends_with("(write 0044:TARGET for the VOS form, or "
                         "exact/prefix 0044 => TARGET)"));
}

TEST_CASE("transform::parse_rules: a bad regex shows RE2's message at its position",
          "[transform][rule_parser]")
{
    const auto e = error_of("plan p\n  regex /^0(\\d+$/ => 1\nend\n");
    CHECK(e.starts_with("main.rules:2:10: invalid regex (RE2 syntax): missing )"));
    const auto e2 = error_of("plan p\n  regex /^0(\\d+)$/ => 1\\2\nend\n");
    CHECK(e2.starts_with("main.rules:2:9: invalid replacement '1\\2'"));
    const auto e3 = error_of("list l black\n  regex /a**/\nend\n");
    CHECK(e3.find("invalid regex (RE2 syntax): bad repetition operator") != std::string::npos);
    CHECK(e3.starts_with("main.rules:2:11:"));
}

TEST_CASE("transform::parse_rules: includes are read relative to the including file",
          "[transform][rule_parser]")
{
    auto r = parse(
        "include \"sub/a.rules\"\nplan p\n  exact 1 => 2 goto q\nend\n",
        {{"sub/a.rules", "include b.rules\nplan q\nend\n"}, {"sub/b.rules", "table t\nend\n"}});
    REQUIRE(r);
    CHECK(r->files == std::vector<std::string>{"main.rules", "sub/a.rules", "sub/b.rules"});
    CHECK(r->find_plan("q") != nullptr);
    CHECK(r->find_table("t") != nullptr);
}

TEST_CASE("transform::parse_rules: an include cycle is an error at the include line",
          "[transform][rule_parser]")
{
    const auto e = error_of("include a.rules\n",
                            {{"a.rules", "\ninclude b.rules\n"}, {"b.rules", "include a.rules\n"}});
    CHECK(e == "b.rules:1:9: include cycle: main.rules -> a.rules -> b.rules -> a.rules");
    const auto self = error_of("include main.rules\n");
    CHECK(self == "main.rules:1:9: include cycle: main.rules -> main.rules");
    // A diamond (two files include the same one) is not a cycle.
    auto ok = parse("include a.rules\ninclude b.rules\n", {{"a.rules", "include c.rules\n"},
                                                           {"b.rules", "include c.rules\n"},
                                                           {"c.rules", "plan c\nend\n"}});
    CHECK(ok);
    const auto missing = error_of("include nope.rules\n");
    CHECK(missing == "main.rules:1:9: cannot include 'nope.rules': nope.rules: cannot open");
}

TEST_CASE("transform::parse_rules: named limits refuse oversized input", "[transform][rule_parser]")
{
    auto r = parse("plan p\n  exact " + std::string(100, '1') + " => 2\nend\n");
    REQUIRE_FALSE(r);
    CHECK(r.error().code == ssw::errc::limit_exceeded);
    auto long_line = parse(std::string(tr::max_line_bytes + 1, ' '));
    REQUIRE_FALSE(long_line);
    CHECK(long_line.error().code == ssw::errc::limit_exceeded);
}
