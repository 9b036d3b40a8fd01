// SPDX-License-Identifier: MIT
// ssw::b2bua::call_numbers: the numbers a call carries to a vendor, from the rule file and the
// gateways of ssw.conf: the one function ssw-run's call manager and
// `ssw-transform apply --config --pipeline` both run, so a CI test of the rules tests what
// the daemon sends.
#pragma once

#include <ssw/core/result.hpp>
#include <ssw/provision/config.hpp>
#include <ssw/transform/engine.hpp>
#include <ssw/transform/pipeline.hpp>

#include <string>

namespace ssw::b2bua {

// The gateways of one call: the mapping gateway it came in through (nullptr: an account
// alone) and the routing gateway it goes out to (nullptr: up to the routing stage).
struct number_route {
    const provision::mapping_gateway* from = nullptr;
    const provision::routing_gateway* to = nullptr;
};

// The call's numbers, stage by stage. A gateway with a block of its own in the rule file runs
// that block (transform::run_call); one without uses the tables and plans ssw.conf names
// (caller-table, caller-plan, callee-table, callee-plan, pai-plan), tables first. Without a
// rule file the numbers pass unchanged. `trace` fills the outcome's steps for the rule
// file's stages.
[[nodiscard]] result<transform::call_outcome>
call_numbers(const transform::engine* rules, const number_route& route, std::string caller,
             std::string callee, transform::selector& choices, bool trace = false);

} // namespace ssw::b2bua
