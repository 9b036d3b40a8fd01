// SPDX-License-Identifier: MIT
// ssw::params check: the cross-parameter rules of ssw-params(5), each finding with its rule and
// its fix.
#pragma once

#include <ssw/core/error.hpp>
#include <ssw/params/settings.hpp>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace ssw::params {

// How bad a finding is. `error`: ssw-run would misbehave (check exits 1). `warning`: risky
// (check exits 1 with --strict). `advice`: worth knowing, never fails the check.
enum class severity { advice, warning, error };

[[nodiscard]] std::string_view to_string(severity s) noexcept;

// One finding of `check`.
struct finding {
    severity level = severity::advice;
    std::string rule;                // stable id: "keepalive-period-vs-nat-expire"
    std::vector<std::string> params; // the parameters involved, catalog names
    std::string message;             // what is wrong, with the values
    std::string fix;                 // what to do about it
    std::string where;               // file:line:col for problems in the file itself
};

// Inputs of check beyond the parameter values.
struct check_options {
    // Registered NAT endpoints to plan for (ssw-param check --nat-endpoints N).
    std::optional<std::int64_t> nat_endpoints;
};

// Applies every cross-parameter rule (ssw-params(5), CROSS-PARAMETER RULES) to `values`, in a
// stable order:
// keep-alive period vs NAT expiry, keep-alive capacity, auth timeout vs retries, auth retry
// brute-force risk, retries without suspension, key length for the encryption mode, switch
// limit advice, public-facing advice.
[[nodiscard]] std::vector<finding> check(const settings& values, const check_options& options = {});

// Turns problems found while reading the file (param_file::parse_lenient) into error findings.
[[nodiscard]] std::vector<finding> file_findings(const std::vector<error>& problems);

// The exit decision: true when a finding is an error, or a warning and `strict`.
[[nodiscard]] bool check_failed(const std::vector<finding>& findings, bool strict) noexcept;

} // namespace ssw::params
