// SPDX-License-Identifier: MIT
// Tests of the compiled engine: each rule kind, ordering, chaining, wildcards, picks, and a
// property test against a simple reference matcher.
#include "helpers.hpp"

#include <cstring>
#include <random>
#include <regex>

using ssw::transform::test::apply;
using ssw::transform::test::build;
using ssw::transform::test::parse;
namespace tr = ssw::transform;

TEST_CASE("transform::engine: exact rules replace the whole number", "[transform][engine]")
{
    const auto e = build("plan p\n  exact 1234567890 => 0987654321\n  exact 911 => \"\"\nend\n");
    CHECK(apply(e, "p", "1234567890") == "0987654321");
    CHECK(apply(e, "p", "12345678901") == "12345678901");
    CHECK(apply(e, "p", "911").empty());
}

TEST_CASE("transform::engine: prefix, strip and add rewrite the front of the number",
          "[transform][engine]")
{
    const auto e = build("plan p\n  prefix 0044 => 44\n  strip 00\n  add 1 len=10\nend\n");
    CHECK(apply(e, "p", "0044123456789") == "44123456789");
    CHECK(apply(e, "p", "0033123") == "33123");
    CHECK(apply(e, "p", "2015551234") == "12015551234");
    CHECK(apply(e, "p", "201555123") == "201555123");
}

TEST_CASE("transform::engine: transform tables look numbers up exactly", "[transform][engine]")
{
    const auto e = build("table t\n  1234567890 => 0987654321\n  1234567890 => 1\nend\n");
    CHECK(apply(e, "t", "1234567890") == "0987654321");
    CHECK(apply(e, "t", "123456789") == "123456789");
}

TEST_CASE("transform::engine: VOS wildcards ? and *, and $ keeps the digits of the ?",
          "[transform][engine]")
{
    const auto e = build(R"(plan p longest
    0044:44
    ???????E7:1201$$$$$$$
    0?????E6:9$$$$$
    1900*:
    88*99:7
    555?*1:6$
end
)");
    CHECK(apply(e, "p", "00441234") == "441234");
    CHECK(apply(e, "p", "5551234") == "12015551234");
    CHECK(apply(e, "p", "012345") == "912345");
    CHECK(apply(e, "p", "19001234").empty());
    CHECK(apply(e, "p", "8899") == "7");
    CHECK(apply(e, "p", "88123499") == "7");
    CHECK(apply(e, "p", "881234990") == "881234990");
    CHECK(apply(e, "p", "555431") == "64");
    CHECK(apply(e, "p", "55541") == "64");
}

TEST_CASE("transform::engine: VOS length conditions L, E, G, F", "[transform][engine]")
{
    const auto e = build("plan p\n  0L5:A\n  0E5:B\n  0G6:C\n  1F3:D\nend\n");
    CHECK(apply(e, "p", "0123") == "A123");
    CHECK(apply(e, "p", "01234") == "B1234");
    CHECK(apply(e, "p", "012345") == "012345");
    CHECK(apply(e, "p", "0123456") == "C123456");
    CHECK(apply(e, "p", "123") == "123");
    CHECK(apply(e, "p", "1234") == "D234");
}

TEST_CASE(
    "transform::engine: in a longest plan the longest match wins, ties go to the earlier rule",
    "[transform][engine]")
{
    const auto e = build("plan p longest\n  0:A\n  0044:B\n  00:C\n  0044:D\n  004?:E\nend\n");
    CHECK(apply(e, "p", "0044123") == "B123");
    CHECK(apply(e, "p", "0045123") == "E123");
    CHECK(apply(e, "p", "0011") == "C11");
    CHECK(apply(e, "p", "01") == "A1");
}

TEST_CASE("transform::engine: in a first plan the earliest matching rule wins",
          "[transform][engine]")
{
    const auto e = build("plan p\n  prefix 0 => A\n  prefix 0044 => B\n  regex /4/ => X\nend\n");
    CHECK(apply(e, "p", "0044123") == "A044123");
    CHECK(apply(e, "p", "144") == "1X4");
}

TEST_CASE("transform::engine: regex rules replace the first match with capture groups",
          "[transform][engine]")
{
    const auto e = build(R"(plan p
    regex /^0(\d{9})$/ => 44\1
    regex /^(8(00|88))(\d{7})$/ => 1\1\3
    regex /^\+/ => ""
end
)");
    CHECK(apply(e, "p", "0123456789") == "44123456789");
    CHECK(apply(e, "p", "8005551234") == "18005551234");
    CHECK(apply(e, "p", "+4412") == "4412");
    CHECK(apply(e, "p", "12") == "12");
    // Anchored literals (trie) and other regexes (RE2::Set) still obey file order.
    const auto mixed =
        build("plan p\n  regex /5/ => A\n  regex /^12?3/ => B\n  regex /^12|7/ => C\nend\n");
    CHECK(apply(mixed, "p", "125") == "12A");
    CHECK(apply(mixed, "p", "13") == "B");
    CHECK(apply(mixed, "p", "1234") == "B4");
    CHECK(apply(mixed, "p", "87") == "8C");
}

TEST_CASE("transform::engine: continue goes on with the later rules, stop ends the plan",
          "[transform][engine]")
{
    const auto e = build(R"(plan p
    strip 011 continue
    strip 00 continue
    add + len>9
    add X
end
plan s
    strip 0 stop
    add 9
end
)");
    CHECK(apply(e, "p", "01144207123456") == "+44207123456");
    CHECK(apply(e, "p", "0044207123456") == "+44207123456");
    CHECK(apply(e, "p", "011") == "X");
    CHECK(apply(e, "p", "123") == "X123");
    CHECK(apply(e, "s", "012") == "12");
    // Rules before the one that continued are not looked at again.
    const auto back = build("plan p\n  prefix 1 => 2\n  prefix 0 => 1 continue\nend\n");
    CHECK(apply(back, "p", "05") == "15");
}

TEST_CASE("transform::engine: goto jumps to another plan; a loop is an error, not a hang",
          "[transform][engine]")
{
    const auto e = build(R"(plan a
    strip 00 goto b
end
plan b
    add + len>3
end
plan x
    add 1 goto y
end
plan y
    add 2 goto x
end
)");
    CHECK(apply(e, "a", "004412") == "+4412");
    CHECK(apply(e, "a", "12") == "12");
    tr::selector s;
    auto loop = e.apply("x", "5", s);
    REQUIRE_FALSE(loop);
    CHECK(loop.error().code == ssw::errc::limit_exceeded);
    CHECK(loop.error().message.find("loop") != std::string::npos);
}

TEST_CASE("transform::engine: several targets are picked round-robin or by weight, reproducibly",
          "[transform][engine]")
{
    const auto e = build("plan rr\n  0044:A;B;C\nend\nplan w\n  0044:A@9;B@1\nend\n");
    tr::selector s(0);
    std::vector<std::string> seen;
    for (int i = 0; i < 4; ++i) {
        seen.push_back(e.apply("rr", "00441", s)->number);
    }
    CHECK(seen == std::vector<std::string>{"A1", "B1", "C1", "A1"});
    auto draw = [&](std::uint64_t seed) {
        tr::selector sel(seed);
        std::string out;
        int a = 0;
        for (int i = 0; i < 1000; ++i) {
            const auto n = e.apply("w", "0044", sel)->number;
            out += n;
            a += n == "A" ? 1 : 0;
        }
        return std::make_pair(out, a);
    };
    const auto first = draw(42);
    CHECK(first == draw(42));
    CHECK(first.first != draw(43).first);
    CHECK(first.second > 850);
    CHECK(first.second < 950);
}

TEST_CASE("transform::engine: unknown names and oversized numbers are errors",
          "[transform][engine]")
{
    const auto e = build("plan p\nend\n");
    tr::selector s;
    auto r = e.apply("nope", "1", s);
    REQUIRE_FALSE(r);
    CHECK(r.error().code == ssw::errc::not_found);
    auto big = e.apply("p", std::string(tr::max_number_length + 1, '1'), s);
    REQUIRE_FALSE(big);
    CHECK(big.error().code == ssw::errc::invalid_argument);
}

TEST_CASE("transform::engine: the trace names every rule that fired with file:line",
          "[transform][engine]")
{
    const auto e = build("plan p\n  strip 00 continue\n  add +\nend\n");
    tr::selector s;
    auto r = e.apply("p", "0044", s, true);
    REQUIRE(r);
    REQUIRE(r->steps.size() == 2);
    CHECK(r->steps[0].where == "main.rules:2");
    CHECK(r->steps[0].input == "0044");
    CHECK(r->steps[0].output == "44");
    CHECK(r->steps[0].rule == "strip 00 continue");
    CHECK(r->steps[1].output == "+44");
    CHECK(r->last_where() == "main.rules:3");
}

TEST_CASE("transform::engine: lists match exact, prefix, regex and length; system white wins",
          "[transform][engine]")
{
    const auto e = build(R"(list b black
    exact 911
    prefix 1900
    regex /^44(9|871)/
    len<3
end
list w white
    prefix 1
end
list sys white system
    exact 19005550100
end
)");
    CHECK(e.check_lists("911", {"b"}, {}).blocked);
    CHECK(e.check_lists("19001", {"b"}, {}).blocked);
    CHECK(e.check_lists("449123", {"b"}, {}).blocked);
    CHECK(e.check_lists("12", {"b"}, {}).blocked);
    CHECK_FALSE(e.check_lists("4412345", {"b"}, {}).blocked);
    const auto v = e.check_lists("19001", {"b"}, {});
    CHECK(v.list == "b");
    CHECK(v.where == "main.rules:3");
    CHECK(v.reason == "black list b");
    CHECK(e.check_lists("2015551234", {}, {"w"}).blocked);
    CHECK(e.check_lists("2015551234", {}, {"w"}).reason == "not in white list w");
    CHECK_FALSE(e.check_lists("12015551234", {}, {"w"}).blocked);
    const auto sys = e.check_lists("19005550100", {"b"}, {"w"});
    CHECK_FALSE(sys.blocked);
    CHECK(sys.reason == "system white list sys");
}

namespace {

// The reference: every rule in turn, the way the manual page defines matching.
struct reference {
    const tr::plan& p;

    static bool glob(std::string_view pat, std::string_view text)
    {
        if (pat.empty()) {
            return text.empty();
        }
        if (pat[0] == '*') {
            for (std::size_t i = 0; i <= text.size(); ++i) {
                if (glob(pat.substr(1), text.substr(i))) {
                    return true;
                }
            }
            return false;
        }
        return !text.empty() && (pat[0] == '?' || pat[0] == text[0]) &&
               glob(pat.substr(1), text.substr(1));
    }

    static bool matches(const tr::rule& r, const std::string& n)
    {
        if (!tr::all_hold(r.conditions, n.size())) {
            return false;
        }
        switch (r.kind) {
        case tr::rule_kind::exact: return n == r.pattern;
        case tr::rule_kind::prefix: return n.rfind(r.pattern, 0) == 0;
        case tr::rule_kind::vos:
            return glob(r.pattern.find('*') == std::string::npos ? r.pattern + "*" : r.pattern, n);
        // The generated patterns (^, digits, .) mean the same in ECMAScript and RE2.
        case tr::rule_kind::regex: return std::regex_search(n, std::regex(r.pattern));
        }
        return false;
    }

    static std::size_t key_length(const tr::rule& r)
    {
        std::size_t k = 0;
        for (const char c : r.pattern) {
            k += c == '*' ? 0 : 1;
        }
        return k;
    }

    // Index of the rule that fires, or -1.
    [[nodiscard]] int winner(const std::string& n) const
    {
        int best = -1;
        for (std::size_t i = 0; i < p.rules.size(); ++i) {
            if (!matches(p.rules[i], n)) {
                continue;
            }
            if (best < 0) {
                best = static_cast<int>(i);
                if (p.order == tr::plan_order::first) {
                    break;
                }
            } else if (key_length(p.rules[i]) >
                       key_length(p.rules[static_cast<std::size_t>(best)])) {
                best = static_cast<int>(i);
            }
        }
        return best;
    }
};

std::string random_digits(std::mt19937& rng, std::size_t min_len, std::size_t max_len,
                          const char* alphabet)
{
    std::uniform_int_distribution<std::size_t> len(min_len, max_len);
    std::uniform_int_distribution<std::size_t> pick(0, std::strlen(alphabet) - 1);
    std::string s;
    const auto n = len(rng);
    for (std::size_t i = 0; i < n; ++i) {
        s += alphabet[pick(rng)];
    }
    return s;
}

std::string random_rule(std::mt19937& rng, std::size_t index, bool allow_regex)
{
    std::uniform_int_distribution<int> kind(0, allow_regex ? 4 : 3);
    std::uniform_int_distribution<int> coin(0, 3);
    std::string cond;
    if (coin(rng) == 0) {
        const char* ops[] = {"<", "=", ">", "!="};
        cond = std::string(" len") + ops[coin(rng)] + std::to_string(coin(rng) + 2);
    }
    const std::string target = "T" + std::to_string(index);
    switch (kind(rng)) {
    case 0: return "exact " + random_digits(rng, 1, 4, "012") + " => " + target + cond;
    case 1: {
        const auto prefix = random_digits(rng, 0, 3, "012");
        return "prefix " + (prefix.empty() ? std::string("\"\"") : prefix) + " => " + target + cond;
    }
    case 2: {
        std::string orig = random_digits(rng, 0, 4, "012??");
        if (coin(rng) == 0) {
            orig += "*" + random_digits(rng, 0, 2, "01?");
        }
        return orig + (cond.empty() ? "" : (coin(rng) < 2 ? "E3" : "G2")) + ":" + target;
    }
    case 3: return "vos " + random_digits(rng, 1, 3, "01?") + "*:" + target;
    default:
        // Anchored literals go through the trie, the others through the RE2::Set.
        if (coin(rng) < 2) {
            return "regex /^" + random_digits(rng, 1, 3, "012.") + "/ => " + target + cond;
        }
        return "regex /" + random_digits(rng, 1, 2, "012.") + (coin(rng) == 0 ? "$" : "") +
               "/ => " + target + cond;
    }
}

} // namespace

TEST_CASE("transform::engine: compiled matching agrees with every-rule-in-turn on random rule sets",
          "[transform][engine][property]")
{
    std::mt19937 rng(20260101);
    for (int round = 0; round < 60; ++round) {
        const bool longest = round % 2 == 1;
        std::string text = std::string("plan p") + (longest ? " longest" : "") + "\n";
        std::uniform_int_distribution<std::size_t> count(1, 40);
        const auto n = count(rng);
        for (std::size_t i = 0; i < n; ++i) {
            text += "  " + random_rule(rng, i, !longest) + "\n";
        }
        text += "end\n";
        auto set = parse(text);
        REQUIRE(set);
        const tr::rule_set copy = *set;
        auto eng = tr::engine::compile(std::move(*set));
        REQUIRE(eng);
        const reference ref{copy.plans[0]};
        for (int k = 0; k < 200; ++k) {
            const std::string number = random_digits(rng, 0, 6, "0123");
            const int w = ref.winner(number);
            tr::selector s;
            auto out = eng->apply("p", number, s, true);
            REQUIRE(out);
            INFO("rules:\n" << text << "number: " << number);
            if (w < 0) {
                CHECK_FALSE(out->matched);
                CHECK(out->number == number);
            } else {
                REQUIRE(out->matched);
                CHECK(out->steps.front().where ==
                      copy.plans[0].rules[static_cast<std::size_t>(w)].where.to_string());
            }
        }
    }
}
