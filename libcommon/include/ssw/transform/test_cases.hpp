// SPDX-License-Identifier: MIT
// Case files for `ssw-transform test`: expected results of plans and of whole calls.
#pragma once

#include <ssw/core/result.hpp>
#include <ssw/transform/engine.hpp>

#include <string>
#include <string_view>
#include <vector>

namespace ssw::transform {

// One expectation, one line of a case file (see ssw-transform(1), CASE FILES):
//   plan NAME INPUT => EXPECTED
//   call FROM TO CALLER CALLEE => CALLER CALLEE     (FROM/TO may be '-' for none)
//   call FROM TO CALLER CALLEE => blocked
// "" stands for an empty number.
struct test_case {
    enum class kind { plan, call };
    kind what = kind::plan;
    std::string name; // plan or table (kind::plan)
    std::string from, to;
    std::string input, input_callee;
    bool expect_blocked = false;
    std::string expected, expected_callee;
    source_location where;
    std::string text; // the line as written
};

// A parsed case file. `rules_path` comes from a `rules FILE` line, resolved against the
// directory of the case file; empty when the file has none.
struct case_file {
    std::string path;
    std::string rules_path;
    std::vector<test_case> cases;
};

// Parses a case file. parse_error with file:line:col when a line does not follow the grammar.
[[nodiscard]] result<case_file> parse_cases(std::string_view text, const std::string& path);

// The outcome of one case. Errors (unknown plan, loop) are failures with `error` set.
struct case_result {
    bool passed = false;
    std::string actual;      // "NUMBER", "CALLER CALLEE" or "blocked"
    std::string expected;    // in the same form
    std::string rule_where;  // file:line of the last rule that fired (or the blocking entry)
    std::string detail;      // why it was blocked, or the error message
    std::vector<step> steps; // the trace of the run
};

// Runs one case against the engine with a fresh selector(seed) so results are reproducible.
[[nodiscard]] case_result run_case(const engine& rules, const test_case& c, std::uint64_t seed = 0);

} // namespace ssw::transform
