// SPDX-License-Identifier: MIT
// The three-stage call pipeline over a compiled engine.
#include <ssw/transform/pipeline.hpp>

namespace ssw::transform {

namespace {

struct side_context {
    const engine& rules;
    selector& choices;
    bool trace;
    std::vector<step>& steps;
};

// Table then plan for one number at one application point.
result<std::string> apply_policy(side_context& ctx, const number_policy& policy, std::string number,
                                 const std::string& stage)
{
    for (const std::string* name : {&policy.table, &policy.plan}) {
        if (name->empty()) {
            continue;
        }
        SSW_TRY_ASSIGN(auto out, ctx.rules.apply(*name, number, ctx.choices, ctx.trace));
        for (auto& s : out.steps) {
            s.stage = stage;
            ctx.steps.push_back(std::move(s));
        }
        number = std::move(out.number);
    }
    return number;
}

std::vector<std::string> joined(const std::vector<std::string>& a,
                                const std::vector<std::string>& b)
{
    std::vector<std::string> out = a;
    out.insert(out.end(), b.begin(), b.end());
    return out;
}

bool check(side_context& ctx, call_outcome& out, const std::string& number,
           const std::vector<std::string>& black, const std::vector<std::string>& white,
           const char* side, const char* stage)
{
    auto verdict = ctx.rules.check_lists(number, black, white);
    if (ctx.trace && (!verdict.list.empty() || verdict.blocked)) {
        ctx.steps.push_back(step{std::string(stage) + " " + side, "lists", number,
                                 verdict.blocked ? "blocked" : number, verdict.reason,
                                 verdict.where});
    }
    if (verdict.blocked) {
        out.blocked = true;
        out.blocked_side = side;
        out.blocked_stage = stage;
        out.verdict = std::move(verdict);
        return false;
    }
    return true;
}

} // namespace

result<call_outcome> run_call(const engine& rules, const call_request& call, selector& choices,
                              bool trace)
{
    const rule_set& set = rules.rules();
    const gateway* from = nullptr;
    const gateway* to = nullptr;
    if (!call.from.empty()) {
        from = set.find_gateway(call.from);
        if (from == nullptr) {
            return unexpected(make_error(errc::not_found, "no gateway named '" + call.from + "'"));
        }
        if (from->role == gateway_role::routing) {
            return unexpected(
                make_error(errc::invalid_argument, "gateway '" + call.from +
                                                       "' is a routing gateway: calls come "
                                                       "in through mapping gateways or endpoints"));
        }
    }
    if (!call.to.empty()) {
        to = set.find_gateway(call.to);
        if (to == nullptr) {
            return unexpected(make_error(errc::not_found, "no gateway named '" + call.to + "'"));
        }
        if (to->role == gateway_role::mapping) {
            return unexpected(make_error(errc::invalid_argument,
                                         "gateway '" + call.to +
                                             "' is a mapping gateway: calls go "
                                             "out through routing gateways or endpoints"));
        }
    }
    call_outcome out;
    side_context ctx{rules, choices, trace, out.steps};
    static const number_policy none;

    SSW_TRY_ASSIGN(out.inbound_caller,
                   apply_policy(ctx, from ? from->caller : none, call.caller, "inbound caller"));
    SSW_TRY_ASSIGN(out.inbound_callee,
                   apply_policy(ctx, from ? from->callee : none, call.callee, "inbound callee"));
    SSW_TRY_ASSIGN(out.routed_caller,
                   apply_policy(ctx, set.routing_caller, out.inbound_caller, "routing caller"));
    SSW_TRY_ASSIGN(out.routed_callee,
                   apply_policy(ctx, set.routing_callee, out.inbound_callee, "routing callee"));
    out.caller = out.routed_caller;
    out.callee = out.routed_callee;
    const auto& in_caller = from ? from->caller : none;
    const auto& in_callee = from ? from->callee : none;
    if (!check(ctx, out, out.routed_caller, joined(in_caller.black, set.routing_caller.black),
               joined(in_caller.white, set.routing_caller.white), "caller", "routing") ||
        !check(ctx, out, out.routed_callee, joined(in_callee.black, set.routing_callee.black),
               joined(in_callee.white, set.routing_callee.white), "callee", "routing")) {
        return out;
    }
    if (to == nullptr) {
        return out;
    }
    if (!to->pai_plan.empty()) {
        number_policy pai;
        pai.plan = to->pai_plan;
        SSW_TRY_ASSIGN(out.pai, apply_policy(ctx, pai, out.routed_caller, "outbound pai"));
        out.has_pai = true;
    }
    SSW_TRY_ASSIGN(out.caller, apply_policy(ctx, to->caller, out.routed_caller, "outbound caller"));
    SSW_TRY_ASSIGN(out.callee, apply_policy(ctx, to->callee, out.routed_callee, "outbound callee"));
    if (!check(ctx, out, out.caller, to->caller.black, to->caller.white, "caller", "outbound") ||
        !check(ctx, out, out.callee, to->callee.black, to->callee.white, "callee", "outbound")) {
        return out;
    }
    return out;
}

} // namespace ssw::transform
