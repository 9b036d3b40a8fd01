// SPDX-License-Identifier: MIT
// The compiled transform engine: digit trie, hash tables and RE2 sets behind one immutable object.
#pragma once

#include <ssw/core/result.hpp>
#include <ssw/transform/rules.hpp>

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace ssw::transform {

// A plan may jump (goto) at most this many times for one number; more is a loop.
inline constexpr std::size_t max_plan_jumps = 16;
// A rewritten number may not grow beyond this many characters.
inline constexpr std::size_t max_output_length = 256;

// One step of an explanation: which plan/table/list saw which number and what fired.
struct step {
    std::string stage; // "plan", "inbound caller", "routing callee", "outbound pai" ...
    std::string what;  // "plan e164", "table vip", "lists"
    std::string input;
    std::string output;
    std::string rule;  // the rule as written; empty when nothing matched
    std::string where; // file:line of the rule or entry; empty when nothing matched
};

// The result of applying one plan or table to one number.
struct plan_outcome {
    std::string number;   // the rewritten number (the input when nothing matched)
    bool matched = false; // some rule or entry fired
    // Where the last rule or table entry that fired was written (owned by the engine;
    // nullptr when nothing matched). A pointer so the hot path formats nothing.
    const source_location* last_location = nullptr;
    std::vector<step> steps; // filled only when a trace was asked for

    // "file:line" of last_location, or "" when nothing matched.
    [[nodiscard]] std::string last_where() const
    {
        return last_location ? last_location->to_string() : std::string();
    }
};

// The choice state of multi-target rules (`t1;t2`, `t1@3;t2@1`). Round-robin rules take
// their targets in order, one per use; weighted rules draw from a splitmix64 generator
// seeded with `seed`, so the same seed and the same inputs give the same picks. Not
// thread-safe: one selector per thread (the engine itself is immutable and shareable).
class selector {
  public:
    explicit selector(std::uint64_t seed = 0) : state_(seed) {}

    // Index into r.targets for the next use of the rule with engine-wide id `rule_id`.
    std::size_t pick(std::uint32_t rule_id, const rule& r);

  private:
    std::uint64_t next();
    std::uint64_t state_;
    std::unordered_map<std::uint32_t, std::uint64_t> round_robin_;
};

// What the black/white lists said about a number (a result, never an error).
struct list_verdict {
    bool blocked = false;
    std::string list;   // the list that decided (empty when no list matched)
    std::string where;  // file:line of the entry that matched
    std::string reason; // "black list premium", "not in white list vip", "system white list ops"
};

// The rules of a rule_set compiled for matching. Per plan: a hash table for exact rules,
// a digit trie for prefix and VOS rules ('?' as a wildcard edge), an RE2::Set for regex
// rules; the cost per number grows with its length, not with the rule count. Immutable
// after compile(): apply() and check_lists() may run on many threads at once.
class engine {
  public:
    // Compiles every plan, table and list. limit_exceeded when RE2 cannot build a set.
    static result<engine> compile(rule_set rules);

    engine(engine&& other) noexcept;
    engine& operator=(engine&& other) noexcept;
    engine(const engine&) = delete;
    engine& operator=(const engine&) = delete;
    ~engine();

    [[nodiscard]] const rule_set& rules() const noexcept;

    // Applies the plan or table named `name` to `number` (see ssw-rules(5), MATCHING).
    // not_found for an unknown name; invalid_argument for a number longer than
    // max_number_length; limit_exceeded when goto jumps exceed max_plan_jumps or the
    // number outgrows max_output_length. With `trace`, outcome.steps lists every rule fired.
    [[nodiscard]] result<plan_outcome> apply(std::string_view name, std::string_view number,
                                             selector& choices, bool trace = false) const;

    // Checks `number` against every system white list, then the named black lists, then
    // the named white lists (a number in none of them is blocked). Unknown names are ignored
    // (the parser already refused them).
    [[nodiscard]] list_verdict check_lists(std::string_view number,
                                           const std::vector<std::string>& black,
                                           const std::vector<std::string>& white) const;

    // The entry of list `name` that matches `number`, or nullptr.
    [[nodiscard]] const list_entry* match_list(std::string_view name,
                                               std::string_view number) const;

  private:
    struct impl;
    explicit engine(std::unique_ptr<impl> p);
    std::unique_ptr<impl> impl_;
};

} // namespace ssw::transform
