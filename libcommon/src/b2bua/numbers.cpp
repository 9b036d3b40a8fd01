// SPDX-License-Identifier: MIT
// The call's numbers: rule-file blocks and the transforms ssw.conf names.
#include <ssw/b2bua/numbers.hpp>

namespace ssw::b2bua {

namespace {

bool has_block(const transform::engine* rules, const std::string& name)
{
    return rules != nullptr && !name.empty() && rules->rules().find_gateway(name) != nullptr;
}

// A table then a plan named in ssw.conf (for a gateway without a block in the rule file).
result<std::string> apply_named(const transform::engine* rules, std::string_view table,
                                std::string_view plan, std::string number,
                                transform::selector& choices)
{
    if (rules == nullptr) {
        return number;
    }
    for (const auto name : {table, plan}) {
        if (name.empty()) {
            continue;
        }
        SSW_TRY_ASSIGN(auto o, rules->apply(name, number, choices));
        number = o.number;
    }
    return number;
}

} // namespace

result<transform::call_outcome> call_numbers(const transform::engine* rules,
                                             const number_route& route, std::string caller,
                                             std::string callee, transform::selector& choices,
                                             bool trace)
{
    transform::call_outcome o;
    transform::call_request req;
    if (const auto* mg = route.from) {
        if (has_block(rules, mg->name)) {
            req.from = mg->name;
        } else {
            SSW_TRY_ASSIGN(caller,
                           apply_named(rules, mg->caller_table, mg->caller_plan, caller, choices));
            SSW_TRY_ASSIGN(callee,
                           apply_named(rules, mg->callee_table, mg->callee_plan, callee, choices));
        }
    }
    const auto* to = route.to;
    const bool to_block = to != nullptr && has_block(rules, to->name);
    if (to_block) {
        req.to = to->name;
    }
    if (rules != nullptr) {
        req.caller = caller;
        req.callee = callee;
        SSW_TRY_ASSIGN(o, transform::run_call(*rules, req, choices, trace));
    } else {
        o.inbound_caller = o.routed_caller = o.caller = caller;
        o.inbound_callee = o.routed_callee = o.callee = callee;
    }
    if (to != nullptr && !to_block && rules != nullptr && !o.blocked) {
        if (!to->pai_plan.empty()) {
            SSW_TRY_ASSIGN(auto p, rules->apply(to->pai_plan, o.caller, choices));
            o.pai = p.number;
            o.has_pai = true;
        }
        SSW_TRY_ASSIGN(o.caller,
                       apply_named(rules, to->caller_table, to->caller_plan, o.caller, choices));
        SSW_TRY_ASSIGN(o.callee,
                       apply_named(rules, to->callee_table, to->callee_plan, o.callee, choices));
    }
    return o;
}

} // namespace ssw::b2bua
