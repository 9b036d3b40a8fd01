// SPDX-License-Identifier: MIT
// The per-call pipeline the daemon runs: inbound mapping stage -> routing stage -> outbound vendor
// stage.
#pragma once

#include <ssw/core/result.hpp>
#include <ssw/transform/engine.hpp>

#include <string>
#include <vector>

namespace ssw::transform {

// One call as it arrives: the numbers, the gateway (or endpoint) it came from and the
// routing gateway (or endpoint) the router chose. An empty gateway name skips that stage.
struct call_request {
    std::string caller;
    std::string callee;
    std::string from; // mapping gateway or endpoint
    std::string to;   // routing gateway or endpoint
};

// The numbers after each stage and the list verdict. Blocked is a result: `blocked`
// is set, `blocked_side` says "caller" or "callee", and `verdict` says which list and entry.
struct call_outcome {
    std::string inbound_caller, inbound_callee; // after the mapping gateway
    std::string routed_caller, routed_callee;   // after the routing stage (what routing sees)
    std::string caller, callee;                 // as sent to the vendor
    std::string pai;                            // P-Asserted-Identity caller (empty if no pai-plan)
    bool has_pai = false;
    bool blocked = false;
    std::string blocked_side;
    std::string blocked_stage; // "routing" (inbound lists) or "outbound" (vendor lists)
    list_verdict verdict;
    std::vector<step> steps; // filled only with trace
};

// Runs the call through the stages of ssw-rules(5) section PIPELINE:
//  1. inbound: the `from` gateway's caller/callee transform table, then its dial plan;
//  2. routing: the routing block's tables and plans, then the lists of `from` and of the
//     routing block are checked on the numbers (system white lists first);
//  3. outbound: pai-plan on the routed caller, then the `to` gateway's tables and plans,
//     then its lists.
// not_found for an unknown gateway; invalid_argument when a routing gateway is used as
// `from` or a mapping gateway as `to`; errors of engine::apply pass through.
[[nodiscard]] result<call_outcome> run_call(const engine& rules, const call_request& call,
                                            selector& choices, bool trace = false);

} // namespace ssw::transform
