// SPDX-License-Identifier: MIT
// Compiled matching: flattened digit trie with '?' edges, exact hash maps, RE2::Set prefilters.
#include <ssw/core/text.hpp>
#include <ssw/transform/engine.hpp>
#include <ssw/transform/rule_parser.hpp>

#include <re2/re2.h>
#include <re2/set.h>

#include <algorithm>
#include <limits>
#include <map>
#include <optional>
#include <unordered_set>

namespace ssw::transform {

namespace {

constexpr std::uint32_t no_node = std::numeric_limits<std::uint32_t>::max();
constexpr std::uint32_t no_rule = std::numeric_limits<std::uint32_t>::max();
// The DFA budget of one RE2::Set; above it matching falls back to one regex at a time.
constexpr std::int64_t regex_set_max_mem = 256LL << 20;

// Glob over the rest of a number: '?' one character, '*' any run (also empty).
bool glob_tail(std::string_view pat, std::string_view text) noexcept
{
    // Numbers are digits, so core's case-insensitive glob is exact here.
    return core::glob_match(pat, text);
}

// A flattened trie: children of node n are child_chars/child_nodes[begin, begin+count).
class digit_trie {
  public:
    void insert(std::string_view key, std::uint32_t rule_index)
    {
        std::uint32_t n = 0;
        if (build_.empty()) {
            build_.emplace_back();
        }
        for (const char c : key) {
            auto& children = build_[n].children;
            const auto it = children.find(c);
            if (it != children.end()) {
                n = it->second;
                continue;
            }
            const auto fresh = static_cast<std::uint32_t>(build_.size());
            build_[n].children.emplace(c, fresh);
            build_.emplace_back();
            n = fresh;
        }
        build_[n].rules.push_back(rule_index);
    }

    // `before(a, b)`: rule a beats rule b when both match at the same node; each node's rules
    // are sorted by it so matching can stop at the first one that passes its checks.
    template <class Before> void freeze(Before before)
    {
        for (auto& b : build_) {
            std::stable_sort(b.rules.begin(), b.rules.end(), before);
        }
        nodes_.resize(build_.size());
        for (std::size_t i = 0; i < build_.size(); ++i) {
            auto& b = build_[i];
            auto& n = nodes_[i];
            n.child_begin = static_cast<std::uint32_t>(child_chars_.size());
            for (const auto& [c, idx] : b.children) {
                if (c == '?') {
                    n.any = idx;
                    continue;
                }
                child_chars_.push_back(c);
                child_nodes_.push_back(idx);
            }
            n.child_count = static_cast<std::uint32_t>(child_chars_.size()) - n.child_begin;
            n.rule_begin = static_cast<std::uint32_t>(rules_.size());
            rules_.insert(rules_.end(), b.rules.begin(), b.rules.end());
            n.rule_count = static_cast<std::uint32_t>(b.rules.size());
        }
        build_.clear();
        build_.shrink_to_fit();
    }

    [[nodiscard]] bool empty() const noexcept { return nodes_.empty(); }

    // Calls fn(rule_index, depth) for the rules whose key matches a prefix of `number`, node
    // by node in freeze() order; fn returns true to skip the rest of that node's rules.
    template <class Fn> void for_each_match(std::string_view number, Fn&& fn) const
    {
        if (nodes_.empty()) {
            return;
        }
        std::uint32_t single[2] = {0, no_node};
        std::vector<std::uint32_t> frontier;
        std::vector<std::uint32_t> next_frontier;
        bool wide = false;
        for (std::size_t depth = 0;; ++depth) {
            auto visit = [&](std::uint32_t idx) {
                const auto& n = nodes_[idx];
                for (std::uint32_t r = 0; r < n.rule_count; ++r) {
                    if (fn(rules_[n.rule_begin + r], depth)) {
                        break;
                    }
                }
            };
            if (!wide) {
                visit(single[0]);
                if (depth == number.size()) {
                    return;
                }
                const auto& n = nodes_[single[0]];
                const std::uint32_t child = find_child(n, number[depth]);
                if (n.any == no_node) {
                    if (child == no_node) {
                        return;
                    }
                    single[0] = child;
                    continue;
                }
                frontier.clear();
                if (child != no_node) {
                    frontier.push_back(child);
                }
                frontier.push_back(n.any);
                wide = true;
                continue;
            }
            for (const auto idx : frontier) {
                visit(idx);
            }
            if (depth == number.size() || frontier.empty()) {
                return;
            }
            next_frontier.clear();
            for (const auto idx : frontier) {
                const auto& n = nodes_[idx];
                const std::uint32_t child = find_child(n, number[depth]);
                if (child != no_node) {
                    next_frontier.push_back(child);
                }
                if (n.any != no_node) {
                    next_frontier.push_back(n.any);
                }
            }
            frontier.swap(next_frontier);
        }
    }

  private:
    struct node {
        std::uint32_t child_begin = 0;
        std::uint32_t child_count = 0;
        std::uint32_t any = no_node;
        std::uint32_t rule_begin = 0;
        std::uint32_t rule_count = 0;
    };
    struct build_node {
        std::map<char, std::uint32_t> children;
        std::vector<std::uint32_t> rules;
    };

    [[nodiscard]] std::uint32_t find_child(const node& n, char c) const noexcept
    {
        const char* begin = child_chars_.data() + n.child_begin;
        for (std::uint32_t i = 0; i < n.child_count; ++i) {
            if (begin[i] == c) {
                return child_nodes_[n.child_begin + i];
            }
        }
        return no_node;
    }

    std::vector<build_node> build_;
    std::vector<node> nodes_;
    std::vector<char> child_chars_;
    std::vector<std::uint32_t> child_nodes_;
    std::vector<std::uint32_t> rules_;
};

struct compiled_rule {
    const rule* source = nullptr;
    std::uint32_t id = 0;                // engine-wide, for the selector
    std::size_t key_length = 0;          // what "longest match" compares
    std::size_t fixed_length = 0;        // characters matched by the trie key
    bool has_star = false;               // vos: the original contains '*'
    std::string tail;                    // vos: the original from the first '*' on
    std::vector<std::uint8_t> wildcards; // vos: positions of '?' before the first '*'
    std::unique_ptr<RE2> re;             // regex rules
};

// What matching needs of a rule, packed so that checking a candidate touches one cache line
// instead of the rule and its condition vector (this is what keeps 100,000 rules fast).
struct rule_filter {
    std::uint32_t min_length = 0;
    std::uint32_t max_length = std::numeric_limits<std::uint32_t>::max();
    std::uint32_t key_length = 0;
    bool has_star = false;
    bool not_equal = false; // an F/len!= condition: ask all_hold()
    bool is_regex = false; // a regex filed in the trie under its anchored literal: confirm with RE2
};

rule_filter make_filter(const rule& r, std::size_t key_length, bool has_star)
{
    rule_filter f;
    f.key_length = static_cast<std::uint32_t>(key_length);
    f.has_star = has_star;
    for (const auto& c : r.conditions) {
        const auto v = static_cast<std::uint32_t>(c.value);
        switch (c.op) {
        case length_op::less:
            if (v == 0) {
                f.min_length = 1;
                f.max_length = 0;
            } else {
                f.max_length = std::min(f.max_length, v - 1);
            }
            break;
        case length_op::equal:
            f.min_length = std::max(f.min_length, v);
            f.max_length = std::min(f.max_length, v);
            break;
        case length_op::greater: f.min_length = std::max(f.min_length, v + 1); break;
        case length_op::not_equal: f.not_equal = true; break;
        }
    }
    return f;
}

struct compiled_plan {
    const plan* source = nullptr;
    std::vector<compiled_rule> rules;
    std::vector<rule_filter> filters; // parallel to rules
    std::unordered_map<std::string, std::vector<std::uint32_t>> exact;
    digit_trie trie;
    std::unique_ptr<RE2::Set> regex_set;
    std::vector<std::uint32_t> regex_rules; // set index -> rule index
};

struct compiled_table {
    const table* source = nullptr;
    std::unordered_map<std::string, std::uint32_t> entries; // first entry wins
};

struct compiled_list {
    const number_list* source = nullptr;
    std::unordered_map<std::string, std::uint32_t> exact;
    std::unordered_map<std::string, std::uint32_t> prefixes;
    std::size_t longest_prefix = 0;
    std::vector<std::uint32_t> lengths;
    std::vector<std::unique_ptr<RE2>> regexes;
    std::vector<std::uint32_t> regex_entries;
};

// The literal digits every match of `pattern` must start the number with ("^0044(\\d+)" gives
// "0044"), or nullopt when the pattern is not anchored that way. Conservative: any '|' (it
// could be top-level) disqualifies, and a quantified last literal is dropped.
std::optional<std::string> anchored_literal(std::string_view pattern)
{
    if (pattern.size() < 2 || pattern[0] != '^' || pattern.find('|') != std::string_view::npos) {
        return std::nullopt;
    }
    std::string lit;
    std::size_t i = 1;
    while (i < pattern.size()) {
        const char c = pattern[i];
        if ((c >= '0' && c <= '9') || c == '#') {
            lit += c;
            ++i;
        } else if (c == '\\' && i + 1 < pattern.size() &&
                   (pattern[i + 1] == '+' || pattern[i + 1] == '*')) {
            lit += pattern[i + 1];
            i += 2;
        } else {
            break;
        }
    }
    if (i < pattern.size() && !lit.empty() &&
        (pattern[i] == '?' || pattern[i] == '*' || pattern[i] == '+' || pattern[i] == '{')) {
        lit.pop_back();
    }
    if (lit.empty()) {
        return std::nullopt;
    }
    return lit;
}

std::string rewrite(const compiled_rule& cr, const std::string& target, std::string_view number)
{
    const rule& r = *cr.source;
    switch (r.kind) {
    case rule_kind::exact: return target;
    case rule_kind::prefix: return target + std::string(number.substr(r.pattern.size()));
    case rule_kind::vos: {
        // The k-th '$' keeps the digit the k-th '?' of the original matched.
        std::string out;
        out.reserve(target.size() + number.size());
        std::size_t k = 0;
        for (const char c : target) {
            if (c != '$') {
                out += c;
            } else if (k < cr.wildcards.size()) {
                out += number[cr.wildcards[k++]];
            }
        }
        if (!cr.has_star && cr.fixed_length < number.size()) {
            out.append(number.substr(cr.fixed_length));
        }
        return out;
    }
    case rule_kind::regex: {
        std::string out(number);
        RE2::Replace(&out, *cr.re, target);
        return out;
    }
    }
    return std::string(number);
}

} // namespace

std::uint64_t selector::next()
{
    // splitmix64: tiny, fast, and identical on every platform for a given seed.
    state_ += 0x9e3779b97f4a7c15ULL;
    std::uint64_t z = state_;
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
}

std::size_t selector::pick(std::uint32_t rule_id, const rule& r)
{
    if (r.targets.size() <= 1) {
        return 0;
    }
    if (r.pick == pick_mode::round_robin) {
        auto& counter = round_robin_[rule_id];
        return static_cast<std::size_t>(counter++ % r.targets.size());
    }
    std::uint64_t total = 0;
    for (const auto& t : r.targets) {
        total += t.weight;
    }
    std::uint64_t draw = next() % total;
    for (std::size_t i = 0; i < r.targets.size(); ++i) {
        if (draw < r.targets[i].weight) {
            return i;
        }
        draw -= r.targets[i].weight;
    }
    return r.targets.size() - 1;
}

struct engine::impl {
    rule_set rules;
    std::unordered_map<std::string, compiled_plan> plans;
    std::unordered_map<std::string, compiled_table> tables;
    std::unordered_map<std::string, compiled_list> lists;

    // The rule of `cp` that fires for `number` among rules with index >= floor, or no_rule.
    std::uint32_t winner(const compiled_plan& cp, std::string_view number,
                         std::uint32_t floor) const
    {
        const bool longest = cp.source->order == plan_order::longest;
        std::uint32_t best = no_rule;
        std::size_t best_key = 0;
        const std::size_t len = number.size();
        auto offer = [&](std::uint32_t idx, std::size_t key_length) {
            if (best == no_rule) {
                best = idx;
                best_key = key_length;
                return;
            }
            if (longest) {
                if (key_length > best_key || (key_length == best_key && idx < best)) {
                    best = idx;
                    best_key = key_length;
                }
            } else if (idx < best) {
                best = idx;
            }
        };
        auto passes = [&](std::uint32_t idx) {
            const rule_filter& f = cp.filters[idx];
            return idx >= floor && len >= f.min_length && len <= f.max_length &&
                   (!f.not_equal || all_hold(cp.rules[idx].source->conditions, len));
        };
        if (!cp.exact.empty()) {
            if (const auto it = cp.exact.find(std::string(number)); it != cp.exact.end()) {
                for (const auto idx : it->second) {
                    if (passes(idx)) {
                        offer(idx, cp.filters[idx].key_length);
                    }
                }
            }
        }
        cp.trie.for_each_match(number, [&](std::uint32_t idx, std::size_t depth) {
            if (!passes(idx)) {
                return false;
            }
            const rule_filter& f = cp.filters[idx];
            if (f.has_star && !glob_tail(cp.rules[idx].tail, number.substr(depth))) {
                return false;
            }
            if (f.is_regex && !RE2::PartialMatch(re2::StringPiece(number.data(), number.size()),
                                                 *cp.rules[idx].re)) {
                return false;
            }
            offer(idx, f.key_length);
            return true;
        });
        if (cp.regex_set) {
            std::vector<int> hits;
            RE2::Set::ErrorInfo info{};
            if (cp.regex_set->Match(re2::StringPiece(number.data(), number.size()), &hits, &info)) {
                for (const int h : hits) {
                    const auto idx = cp.regex_rules[static_cast<std::size_t>(h)];
                    if (passes(idx)) {
                        offer(idx, 0);
                    }
                }
            } else if (info.kind != RE2::Set::kNoError) {
                // The set's DFA ran out of its budget: ask each regex in turn (slow, correct).
                for (const auto idx : cp.regex_rules) {
                    if (passes(idx) &&
                        RE2::PartialMatch(re2::StringPiece(number.data(), number.size()),
                                          *cp.rules[idx].re)) {
                        offer(idx, 0);
                    }
                }
            }
        }
        return best;
    }
};

engine::engine(std::unique_ptr<impl> p) : impl_(std::move(p)) {}
engine::engine(engine&& other) noexcept = default;
engine& engine::operator=(engine&& other) noexcept = default;
engine::~engine() = default;

const rule_set& engine::rules() const noexcept
{
    return impl_->rules;
}

result<engine> engine::compile(rule_set rules)
{
    auto p = std::make_unique<impl>();
    p->rules = std::move(rules);
    std::uint32_t next_id = 0;
    RE2::Options re_opts;
    re_opts.set_log_errors(false);
    for (const auto& pl : p->rules.plans) {
        auto& cp = p->plans[pl.name];
        cp.source = &pl;
        cp.rules.reserve(pl.rules.size());
        RE2::Options set_opts = re_opts;
        set_opts.set_max_mem(regex_set_max_mem);
        for (std::uint32_t i = 0; i < pl.rules.size(); ++i) {
            const rule& r = pl.rules[i];
            compiled_rule cr;
            cr.source = &r;
            cr.id = next_id++;
            switch (r.kind) {
            case rule_kind::exact:
                cr.key_length = r.pattern.size();
                cp.exact[r.pattern].push_back(i);
                break;
            case rule_kind::prefix:
                cr.key_length = r.pattern.size();
                cr.fixed_length = r.pattern.size();
                cp.trie.insert(r.pattern, i);
                break;
            case rule_kind::vos: {
                const auto star = r.pattern.find('*');
                cr.has_star = star != std::string::npos;
                const std::string key = r.pattern.substr(0, star);
                cr.fixed_length = key.size();
                for (std::size_t w = 0; w < key.size(); ++w) {
                    if (key[w] == '?') {
                        cr.wildcards.push_back(static_cast<std::uint8_t>(w));
                    }
                }
                cr.key_length = static_cast<std::size_t>(std::count_if(
                    r.pattern.begin(), r.pattern.end(), [](char c) { return c != '*'; }));
                if (cr.has_star) {
                    cr.tail = r.pattern.substr(star);
                }
                cp.trie.insert(key, i);
                break;
            }
            case rule_kind::regex: {
                cr.re = std::make_unique<RE2>(r.pattern, re_opts);
                if (!cr.re->ok()) {
                    return unexpected(make_error(errc::parse_error,
                                                 "invalid regex (RE2 syntax): " + cr.re->error(),
                                                 r.where.with_column()));
                }
                // Anchored literal prefixes go into the trie (the usual operator regex); only
                // the rest needs the RE2::Set, whose DFA grows with the pattern count.
                if (const auto lit = anchored_literal(r.pattern)) {
                    cp.trie.insert(*lit, i);
                    cp.filters.push_back(make_filter(r, 0, false));
                    cp.filters.back().is_regex = true;
                    cp.rules.push_back(std::move(cr));
                    continue;
                }
                if (!cp.regex_set) {
                    cp.regex_set = std::make_unique<RE2::Set>(set_opts, RE2::UNANCHORED);
                }
                std::string why;
                if (cp.regex_set->Add(r.pattern, &why) < 0) {
                    return unexpected(make_error(errc::parse_error,
                                                 "invalid regex (RE2 syntax): " + why,
                                                 r.where.with_column()));
                }
                cp.regex_rules.push_back(i);
                break;
            }
            }
            cp.filters.push_back(make_filter(r, cr.key_length, cr.has_star));
            cp.rules.push_back(std::move(cr));
        }
        const bool longest = pl.order == plan_order::longest;
        cp.trie.freeze([&cp, longest](std::uint32_t a, std::uint32_t b) {
            if (longest && cp.rules[a].key_length != cp.rules[b].key_length) {
                return cp.rules[a].key_length > cp.rules[b].key_length;
            }
            return a < b;
        });
        if (cp.regex_set && !cp.regex_set->Compile()) {
            return unexpected(make_error(errc::limit_exceeded,
                                         "RE2 could not compile the regex set of plan '" + pl.name +
                                             "' (too large)",
                                         pl.where.to_string()));
        }
    }
    for (const auto& t : p->rules.tables) {
        auto& ct = p->tables[t.name];
        ct.source = &t;
        for (std::uint32_t i = 0; i < t.entries.size(); ++i) {
            ct.entries.emplace(t.entries[i].number, i);
        }
    }
    for (const auto& l : p->rules.lists) {
        auto& cl = p->lists[l.name];
        cl.source = &l;
        for (std::uint32_t i = 0; i < l.entries.size(); ++i) {
            const auto& e = l.entries[i];
            switch (e.kind) {
            case list_entry_kind::exact: cl.exact.emplace(e.value, i); break;
            case list_entry_kind::prefix:
                cl.prefixes.emplace(e.value, i);
                cl.longest_prefix = std::max(cl.longest_prefix, e.value.size());
                break;
            case list_entry_kind::length: cl.lengths.push_back(i); break;
            case list_entry_kind::regex: {
                auto re = std::make_unique<RE2>(e.value, re_opts);
                if (!re->ok()) {
                    return unexpected(make_error(errc::parse_error,
                                                 "invalid regex (RE2 syntax): " + re->error(),
                                                 e.where.with_column()));
                }
                cl.regexes.push_back(std::move(re));
                cl.regex_entries.push_back(i);
                break;
            }
            }
        }
    }
    return engine(std::move(p));
}

result<plan_outcome> engine::apply(std::string_view name, std::string_view number,
                                   selector& choices, bool trace) const
{
    if (number.size() > max_number_length) {
        return unexpected(
            make_error(errc::invalid_argument,
                       "number longer than " + std::to_string(max_number_length) + " characters"));
    }
    plan_outcome out;
    out.number = std::string(number);
    if (const auto t = impl_->tables.find(std::string(name)); t != impl_->tables.end()) {
        step s{"table", "table " + t->second.source->name, out.number, out.number, {}, {}};
        if (const auto e = t->second.entries.find(out.number); e != t->second.entries.end()) {
            const auto& entry = t->second.source->entries[e->second];
            out.number = entry.replacement;
            out.matched = true;
            out.last_location = &entry.where;
            s.output = out.number;
            s.rule =
                entry.number + " => " + (entry.replacement.empty() ? "\"\"" : entry.replacement);
            s.where = entry.where.to_string();
        }
        if (trace) {
            out.steps.push_back(std::move(s));
        }
        return out;
    }
    auto found = impl_->plans.find(std::string(name));
    if (found == impl_->plans.end()) {
        return unexpected(
            make_error(errc::not_found, "no plan or table named '" + std::string(name) + "'"));
    }
    const compiled_plan* cp = &found->second;
    std::uint32_t floor = 0;
    std::size_t jumps = 0;
    bool fired_in_plan = false;
    while (true) {
        const std::uint32_t idx = impl_->winner(*cp, out.number, floor);
        if (idx == no_rule) {
            if (trace && !fired_in_plan) {
                out.steps.push_back(
                    step{"plan", "plan " + cp->source->name, out.number, out.number, {}, {}});
            }
            return out;
        }
        const auto& cr = cp->rules[idx];
        const rule& r = *cr.source;
        const auto& tg =
            r.targets.size() == 1 ? r.targets.front() : r.targets[choices.pick(cr.id, r)];
        std::string rewritten = rewrite(cr, tg.text, out.number);
        if (rewritten.size() > max_output_length) {
            return unexpected(make_error(errc::limit_exceeded,
                                         "the number grew beyond " +
                                             std::to_string(max_output_length) + " characters",
                                         r.where.to_string()));
        }
        out.matched = true;
        fired_in_plan = true;
        out.last_location = &r.where;
        if (trace) {
            out.steps.push_back(step{"plan", "plan " + cp->source->name, out.number, rewritten,
                                     r.text, r.where.to_string()});
        }
        out.number = std::move(rewritten);
        switch (r.then) {
        case chain_action::stop: return out;
        case chain_action::next: floor = idx + 1; break;
        case chain_action::jump: {
            if (++jumps > max_plan_jumps) {
                return unexpected(make_error(errc::limit_exceeded,
                                             "more than " + std::to_string(max_plan_jumps) +
                                                 " goto jumps: the plans loop",
                                             r.where.to_string()));
            }
            const auto j = impl_->plans.find(r.jump_plan);
            if (j == impl_->plans.end()) {
                return unexpected(make_error(errc::not_found, "no plan named '" + r.jump_plan + "'",
                                             r.where.to_string()));
            }
            cp = &j->second;
            floor = 0;
            fired_in_plan = false;
            break;
        }
        }
    }
}

const list_entry* engine::match_list(std::string_view name, std::string_view number) const
{
    const auto it = impl_->lists.find(std::string(name));
    if (it == impl_->lists.end()) {
        return nullptr;
    }
    const compiled_list& cl = it->second;
    const auto& entries = cl.source->entries;
    std::uint32_t best = no_rule;
    auto offer = [&](std::uint32_t i) { best = std::min(best, i); };
    const std::string key(number);
    if (const auto e = cl.exact.find(key); e != cl.exact.end()) {
        offer(e->second);
    }
    if (!cl.prefixes.empty()) {
        const std::size_t top = std::min(cl.longest_prefix, key.size());
        for (std::size_t n = 0; n <= top; ++n) {
            if (const auto e = cl.prefixes.find(key.substr(0, n)); e != cl.prefixes.end()) {
                offer(e->second);
            }
        }
    }
    for (const auto i : cl.lengths) {
        if (entries[i].length.holds(number.size())) {
            offer(i);
        }
    }
    for (std::size_t r = 0; r < cl.regexes.size(); ++r) {
        if (RE2::PartialMatch(re2::StringPiece(number.data(), number.size()), *cl.regexes[r])) {
            offer(cl.regex_entries[r]);
        }
    }
    return best == no_rule ? nullptr : &entries[best];
}

list_verdict engine::check_lists(std::string_view number, const std::vector<std::string>& black,
                                 const std::vector<std::string>& white) const
{
    list_verdict v;
    for (const auto& l : impl_->rules.lists) {
        if (l.system && l.kind == list_kind::white) {
            if (const auto* e = match_list(l.name, number)) {
                v.list = l.name;
                v.where = e->where.to_string();
                v.reason = "system white list " + l.name;
                return v;
            }
        }
    }
    for (const auto& name : black) {
        if (const auto* e = match_list(name, number)) {
            v.blocked = true;
            v.list = name;
            v.where = e->where.to_string();
            v.reason = "black list " + name;
            return v;
        }
    }
    if (white.empty()) {
        return v;
    }
    std::string names;
    for (const auto& name : white) {
        if (const auto* e = match_list(name, number)) {
            v.list = name;
            v.where = e->where.to_string();
            v.reason = "white list " + name;
            return v;
        }
        names += (names.empty() ? "" : ", ") + name;
    }
    v.blocked = true;
    v.list = white.front();
    v.reason = "not in white list " + names;
    return v;
}

} // namespace ssw::transform
