// SPDX-License-Identifier: MIT
// Lint of rule sets: unreachable rules, duplicate entries, goto cycles, empty results, list
// conflicts.
#include <ssw/core/text.hpp>
#include <ssw/transform/lint.hpp>

#include <re2/re2.h>

#include <algorithm>
#include <functional>
#include <map>
#include <memory>
#include <unordered_map>

namespace ssw::transform {

namespace {

std::string fixed_key(const rule& r)
{
    if (r.kind == rule_kind::vos) {
        return r.pattern.substr(0, r.pattern.find('*'));
    }
    return r.pattern;
}

// The part of a VOS original from the first '*' on ("" when there is none).
std::string star_tail(const rule& r)
{
    if (r.kind != rule_kind::vos) {
        return {};
    }
    const auto star = r.pattern.find('*');
    return star == std::string::npos ? std::string{} : r.pattern.substr(star);
}

bool same_conditions(const std::vector<length_condition>& a, const std::vector<length_condition>& b)
{
    return a.size() == b.size() &&
           std::equal(a.begin(), a.end(), b.begin(), [](const auto& x, const auto& y) {
               return x.op == y.op && x.value == y.value;
           });
}

// Glob with '?' and '*' by backtracking to the last star only: linear-ish, never exponential.
bool glob(std::string_view pat, std::string_view text)
{
    // Numbers are digits, so core's case-insensitive glob is exact here.
    return core::glob_match(pat, text);
}

// Does rule `r` match the concrete number `n`? `re` is r's compiled regex (regex rules).
bool matches(const rule& r, const std::string& n, const RE2* re = nullptr)
{
    if (!all_hold(r.conditions, n.size())) {
        return false;
    }
    switch (r.kind) {
    case rule_kind::exact: return n == r.pattern;
    case rule_kind::prefix: return n.starts_with(r.pattern);
    case rule_kind::vos: {
        const auto star = r.pattern.find('*');
        return glob(star == std::string::npos ? r.pattern + "*" : r.pattern, n);
    }
    case rule_kind::regex: return re != nullptr && re->ok() && RE2::PartialMatch(n, *re);
    }
    return false;
}

// Does prefix-like rule `i` match every number prefix-like rule `j` matches?
bool covers(const rule& i, const rule& j)
{
    const std::string ki = fixed_key(i);
    const std::string kj = fixed_key(j);
    const std::string ti = star_tail(i);
    if (!(ti.empty() || ti == "*") || ki.size() > kj.size()) {
        return false;
    }
    if (!i.conditions.empty() && !same_conditions(i.conditions, j.conditions)) {
        return false;
    }
    for (std::size_t p = 0; p < ki.size(); ++p) {
        if (ki[p] != '?' && ki[p] != kj[p]) {
            return false;
        }
    }
    return true;
}

std::string targets_text(const rule& r)
{
    std::string out;
    for (const auto& t : r.targets) {
        out += (out.empty() ? "" : ";") + t.text;
    }
    return out;
}

void lint_plan(const plan& p, std::vector<finding>& out)
{
    const bool first = p.order == plan_order::first;
    std::unordered_map<std::string, std::size_t> plain_prefixes; // unconditioned, no '?'
    std::unordered_map<std::string, std::size_t> exacts;
    std::vector<std::size_t> other_prefixes;
    std::vector<std::size_t> regexes;
    std::vector<std::unique_ptr<RE2>> compiled;   // parallel to regexes
    std::map<std::string, std::size_t> identical; // kind|pattern|conditions -> first index
    for (std::size_t j = 0; j < p.rules.size(); ++j) {
        const rule& rj = p.rules[j];
        std::string ident = std::string(to_string(rj.kind)) + "|" + rj.pattern;
        for (const auto& c : rj.conditions) {
            ident += "|" + c.to_string();
        }
        if (const auto it = identical.find(ident); it != identical.end()) {
            const rule& ri = p.rules[it->second];
            const bool same = targets_text(ri) == targets_text(rj);
            out.push_back({same ? severity::warning : severity::error, "duplicate",
                           rj.where.to_string(),
                           "plan " + p.name + ": the same match as " + ri.where.to_string() +
                               (same ? "" : " with a different target") + "; the first one wins"});
        } else {
            identical.emplace(ident, j);
        }
        // Shadowing: only earlier rules that stop (or jump) hide later ones.
        const rule* by = nullptr;
        if (first && rj.kind != rule_kind::regex) {
            if (rj.kind == rule_kind::exact) {
                const std::string& n = rj.pattern;
                if (const auto e = exacts.find(n); e != exacts.end()) {
                    by = &p.rules[e->second];
                }
                for (std::size_t len = 0; by == nullptr && len <= n.size(); ++len) {
                    if (const auto e = plain_prefixes.find(n.substr(0, len));
                        e != plain_prefixes.end()) {
                        by = &p.rules[e->second];
                    }
                }
                for (const auto i : other_prefixes) {
                    if (by == nullptr && matches(p.rules[i], n)) {
                        by = &p.rules[i];
                    }
                }
                for (std::size_t k = 0; k < regexes.size() && by == nullptr; ++k) {
                    if (matches(p.rules[regexes[k]], n, compiled[k].get())) {
                        by = &p.rules[regexes[k]];
                    }
                }
            } else {
                const std::string kj = fixed_key(rj);
                const std::size_t top = std::min(kj.size(), kj.find('?'));
                for (std::size_t len = 0; by == nullptr && len <= top; ++len) {
                    if (const auto e = plain_prefixes.find(kj.substr(0, len));
                        e != plain_prefixes.end()) {
                        by = &p.rules[e->second];
                    }
                }
                for (const auto i : other_prefixes) {
                    if (by == nullptr && covers(p.rules[i], rj)) {
                        by = &p.rules[i];
                    }
                }
            }
            if (by != nullptr && by != &p.rules[identical.find(ident)->second]) {
                out.push_back({severity::error, "shadowed", rj.where.to_string(),
                               "plan " + p.name + ": never fires, " + by->where.to_string() + " (" +
                                   by->text + ") matches every number it matches first"});
            }
        }
        if (rj.then == chain_action::next) {
            continue;
        }
        switch (rj.kind) {
        case rule_kind::exact: exacts.emplace(rj.pattern, j); break;
        case rule_kind::regex: {
            RE2::Options o;
            o.set_log_errors(false);
            regexes.push_back(j);
            compiled.push_back(std::make_unique<RE2>(rj.pattern, o));
            break;
        }
        case rule_kind::prefix:
        case rule_kind::vos: {
            const std::string k = fixed_key(rj);
            const std::string tail = star_tail(rj);
            if (rj.conditions.empty() && k.find('?') == std::string::npos &&
                (tail.empty() || tail == "*")) {
                plain_prefixes.emplace(k, j);
            } else {
                other_prefixes.push_back(j);
            }
            break;
        }
        }
    }
    // Empty results.
    for (const auto& r : p.rules) {
        for (const auto& t : r.targets) {
            if (!t.text.empty()) {
                continue;
            }
            std::string why;
            severity level = severity::error;
            switch (r.kind) {
            case rule_kind::exact: why = "turns " + r.pattern + " into an empty number"; break;
            case rule_kind::prefix:
            case rule_kind::vos: {
                const bool star =
                    r.kind == rule_kind::vos && r.pattern.find('*') != std::string::npos;
                const std::string k = fixed_key(r);
                if (star) {
                    why = "turns every number it matches into an empty number";
                } else if (all_hold(r.conditions, k.size())) {
                    why = "turns " + k + " itself into an empty number (add len>" +
                          std::to_string(k.size()) + " to exclude it)";
                }
                break;
            }
            case rule_kind::regex:
                level = severity::warning;
                why = "may produce an empty number (empty replacement)";
                break;
            }
            if (!why.empty()) {
                out.push_back({level, "empty", r.where.to_string(), "plan " + p.name + ": " + why});
            }
        }
    }
}

void lint_loops(const rule_set& set, std::vector<finding>& out)
{
    std::map<std::string, int> state; // 0 unvisited, 1 on stack, 2 done
    std::vector<std::string> path;
    std::function<void(const plan&)> visit = [&](const plan& p) {
        state[p.name] = 1;
        path.push_back(p.name);
        for (const auto& r : p.rules) {
            if (r.then != chain_action::jump) {
                continue;
            }
            const plan* next = set.find_plan(r.jump_plan);
            if (next == nullptr) {
                continue;
            }
            if (state[next->name] == 1) {
                std::string cycle;
                const auto from = std::find(path.begin(), path.end(), next->name);
                for (auto it = from; it != path.end(); ++it) {
                    cycle += *it + " -> ";
                }
                out.push_back({severity::error, "loop", r.where.to_string(),
                               "plans can loop: " + cycle + next->name});
            } else if (state[next->name] == 0) {
                visit(*next);
            }
        }
        path.pop_back();
        state[p.name] = 2;
    };
    for (const auto& p : set.plans) {
        if (state[p.name] == 0) {
            visit(p);
        }
    }
}

bool entries_overlap(const engine& rules, const number_list& black, const list_entry& w)
{
    if (w.kind == list_entry_kind::exact) {
        return rules.match_list(black.name, w.value) != nullptr;
    }
    if (w.kind != list_entry_kind::prefix) {
        return false;
    }
    for (const auto& b : black.entries) {
        if ((b.kind == list_entry_kind::prefix &&
             (w.value.starts_with(b.value) || b.value.starts_with(w.value))) ||
            (b.kind == list_entry_kind::exact && b.value.starts_with(w.value))) {
            return true;
        }
    }
    return false;
}

} // namespace

std::string_view to_string(severity level) noexcept
{
    return level == severity::error ? "error" : "warning";
}

std::vector<finding> lint(const engine& rules)
{
    const rule_set& set = rules.rules();
    std::vector<finding> out;
    for (const auto& p : set.plans) {
        lint_plan(p, out);
    }
    lint_loops(set, out);
    for (const auto& t : set.tables) {
        std::unordered_map<std::string, std::size_t> seen;
        for (std::size_t i = 0; i < t.entries.size(); ++i) {
            const auto& e = t.entries[i];
            if (const auto it = seen.find(e.number); it != seen.end()) {
                const auto& first = t.entries[it->second];
                const bool same = first.replacement == e.replacement;
                out.push_back(
                    {same ? severity::warning : severity::error, "duplicate", e.where.to_string(),
                     "table " + t.name + ": " + e.number + " is already at " +
                         first.where.to_string() + (same ? "" : " with a different replacement") +
                         "; the first one wins"});
            } else {
                seen.emplace(e.number, i);
            }
            if (e.replacement.empty()) {
                out.push_back(
                    {severity::error, "empty", e.where.to_string(),
                     "table " + t.name + ": turns " + e.number + " into an empty number"});
            }
        }
    }
    for (const auto& w : set.lists) {
        if (w.kind != list_kind::white || w.system) {
            continue;
        }
        for (const auto& b : set.lists) {
            if (b.kind != list_kind::black) {
                continue;
            }
            for (const auto& e : w.entries) {
                if (entries_overlap(rules, b, e)) {
                    out.push_back(
                        {severity::warning, "conflict", e.where.to_string(),
                         "white list " + w.name + " allows " + e.value + " but black list " +
                             b.name + " (" + b.where.to_string() +
                             ") blocks it first; make the white list 'system' to override"});
                }
            }
        }
    }
    return out;
}

} // namespace ssw::transform
