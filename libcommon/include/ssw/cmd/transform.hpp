// SPDX-License-Identifier: MIT
// ssw-transform: apply, test and lint number transform rules (see ssw-transform(1), ssw-rules(5)).
#pragma once

#include <ssw/cli/exit_code.hpp>
#include <ssw/cli/io.hpp>
#include <ssw/core/result.hpp>

#include <cstdint>
#include <string>
#include <vector>

namespace ssw::cmd::transform {

enum class command { none, apply, test, check };

// Everything the command line can say; main.cpp binds CLI11 options onto it.
struct options {
    command what = command::none;
    std::string rules_path;              // --rules (test: overrides the case files' `rules` line)
    std::string config_path;             // apply --config: ssw.conf, the daemon's gateways
    std::string plan;                    // apply --plan: a plan or a table
    std::vector<std::string> numbers;    // apply: numbers (or "CALLER CALLEE" pairs); stdin if none
    bool pipeline = false;               // apply --pipeline: run whole calls
    std::string from;                    // --from: mapping gateway or endpoint
    std::string to;                      // --to: routing gateway or endpoint
    bool explain = false;                // --explain
    bool line_buffered = false;          // --line-buffered: flush after every output line
    std::uint64_t seed = 0;              // --seed: multi-target picks
    std::vector<std::string> case_files; // test: case files
    std::string junit_path;              // test --junit FILE
};

// The --help footer.
extern const char* const examples;

// Runs the chosen subcommand. apply: exit 0, or 65 when some input lines were rejected
// (each is reported and the rest still processed); test: 0 when every case passed, 1
// otherwise; check: 0 without error findings, 1 with. Rule file errors are returned as
// errors (parse_error -> 65, not_found -> 66).
[[nodiscard]] result<cli::exit_code> run(const options& opt, cli::io& io);

} // namespace ssw::cmd::transform
