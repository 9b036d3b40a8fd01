// SPDX-License-Identifier: MIT
// The parsed form of ssw-rules(5): dial plans, transform tables, black/white lists, gateways.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace ssw::transform {

// Where a rule file construct was written. to_string() gives "file:line" (the form
// --explain and test reports print); with_column() gives "file:line:col" for errors.
struct source_location {
    std::string file;
    int line = 0;
    int column = 0;

    [[nodiscard]] std::string to_string() const;
    [[nodiscard]] std::string with_column() const;
};

// A length condition on the whole number: VOS3000's L (shorter than), E (equal),
// G (longer than), F (not equal), or `len<N`, `len=N`, `len>N`, `len!=N`.
enum class length_op { less, equal, greater, not_equal };
struct length_condition {
    length_op op = length_op::equal;
    std::size_t value = 0;

    [[nodiscard]] bool holds(std::size_t length) const noexcept;
    // "len<7" style text.
    [[nodiscard]] std::string to_string() const;
};

// True if every condition holds for a number of `length` characters.
[[nodiscard]] bool all_hold(const std::vector<length_condition>& conditions,
                            std::size_t length) noexcept;

// The rule kinds of a dial plan (see ssw-rules(5), section DIAL PLANS).
enum class rule_kind {
    exact,  // the whole number equals `pattern`; it is replaced by the target
    prefix, // the number starts with `pattern`; that prefix is replaced (strip, add, replace)
    vos,    // VOS3000 form original:target with ?, *, $ and length conditions
    regex,  // RE2 pattern; the first match is replaced by the target (\1..\9 groups)
};

// What a rule does after it fired: stop the plan, continue with the rules written
// after it (on the rewritten number), or jump to another plan.
enum class chain_action { stop, next, jump };

// How a plan picks the rule that fires when several match.
enum class plan_order {
    first,   // the earliest rule in the file
    longest, // the longest matched prefix; ties go to the earlier rule (VOS3000 behaviour)
};

// One replacement of a multi-target rule (`t1@3;t2@1`). Weight 1 unless written.
struct target {
    std::string text;
    std::uint32_t weight = 1;
};

// Several targets are picked round-robin, or by weight when any weight is written.
enum class pick_mode { round_robin, weighted };

// One dial plan rule as written.
struct rule {
    rule_kind kind = rule_kind::exact;
    // exact: the number; prefix: the prefix; vos: the original without conditions
    // (digits, '?', '*'); regex: the RE2 pattern without its slashes.
    std::string pattern;
    std::vector<length_condition> conditions;
    std::vector<target> targets; // never empty
    pick_mode pick = pick_mode::round_robin;
    chain_action then = chain_action::stop;
    std::string jump_plan; // for chain_action::jump
    source_location where;
    std::string text; // the rule line as written, trimmed (for --explain)
};

// A named, ordered dial plan.
struct plan {
    std::string name;
    plan_order order = plan_order::first;
    std::vector<rule> rules;
    source_location where;
};

// An exact number -> replacement entry of a transform table (VOS3000 manual §2.13.3, ssw-rules(5)).
struct table_entry {
    std::string number;
    std::string replacement;
    source_location where;
};

// A named number transform table; when a number appears twice the first entry wins.
struct table {
    std::string name;
    std::vector<table_entry> entries;
    source_location where;
};

// Black/white list entries (VOS3000 manual §2.13.4-2.13.6): exact, prefix, regex (partial match),
// length.
enum class list_entry_kind { exact, prefix, regex, length };
struct list_entry {
    list_entry_kind kind = list_entry_kind::exact;
    std::string value; // number, prefix or RE2 pattern
    length_condition length;
    source_location where;
};

enum class list_kind { black, white };

// A named list. A `system` white list is consulted on every check and overrides black lists.
struct number_list {
    std::string name;
    list_kind kind = list_kind::black;
    bool system = false;
    std::vector<list_entry> entries;
    source_location where;
};

// What is applied to one number (caller or callee) at one application point:
// first the transform table, then the dial plan, then the lists are checked.
struct number_policy {
    std::string table;
    std::string plan;
    std::vector<std::string> black;
    std::vector<std::string> white;
};

// mapping = customer (inbound), routing = vendor (outbound), endpoint = a phone (either side).
enum class gateway_role { mapping, routing, endpoint };

// A gateway or endpoint block: the application points of VOS3000 manual §2.13.3 and §4.3.1.
struct gateway {
    std::string name;
    gateway_role role = gateway_role::mapping;
    number_policy caller;
    number_policy callee;
    std::string pai_plan; // caller dial plan for P-Asserted-Identity (routing gateways)
    source_location where;
};

// Everything a set of rule files defines. Names are unique per kind across all files.
struct rule_set {
    std::vector<plan> plans;
    std::vector<table> tables;
    std::vector<number_list> lists;
    std::vector<gateway> gateways;
    // The system-wide routing stage between inbound and outbound (empty policies if absent).
    number_policy routing_caller;
    number_policy routing_callee;
    source_location routing_where;
    std::vector<std::string> files; // every file read, in include order

    [[nodiscard]] const plan* find_plan(std::string_view name) const noexcept;
    [[nodiscard]] const table* find_table(std::string_view name) const noexcept;
    [[nodiscard]] const number_list* find_list(std::string_view name) const noexcept;
    [[nodiscard]] const gateway* find_gateway(std::string_view name) const noexcept;
};

[[nodiscard]] std::string_view to_string(rule_kind kind) noexcept;
[[nodiscard]] std::string_view to_string(gateway_role role) noexcept;

} // namespace ssw::transform
