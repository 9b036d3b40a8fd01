// SPDX-License-Identifier: MIT
// ssw-param: list, read, edit and check the parameter file (the behaviour behind tools/ssw-param).
#pragma once

#include <ssw/cli/exit_code.hpp>
#include <ssw/cli/io.hpp>
#include <ssw/core/result.hpp>

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace ssw::cmd::param {

// The subcommands of ssw-param.
enum class command { none, list, get, set, reset, diff, check, explain, preset, export_, import };

// Everything main.cpp's CLI11 declarations fill in.
struct options {
    command cmd = command::none;
    std::string file;              // --file; empty: $SSW_PARAMS, else /etc/ssw/params.conf
    std::string format = "auto";   // --format: auto, table, plain, env, json
    bool show_secrets = false;     // --show-secrets
    std::vector<std::string> args; // names, globs, NAME=VALUE pairs, preset name, files
    bool changed = false;          // list/export --changed
    bool strict = false;           // check --strict
    std::optional<std::int64_t> nat_endpoints; // check --nat-endpoints N
    bool dry_run = false;                      // set/reset/preset/import --dry-run
    bool all = false;                          // reset --all
    bool replace = false;                      // import --replace
};

// The --help footer: examples.
extern const char* const examples;

// The file ssw-param works on: `file`, else $SSW_PARAMS (when set and non-empty), else
// /etc/ssw/params.conf.
[[nodiscard]] std::string resolve_file(const std::string& file);

// Runs one subcommand. Exit codes (cli::exit_code): 0 ok; 1 check found errors (or
// warnings with --strict) or diff found differences; 2 usage; 65 invalid value, unknown name,
// malformed file; 66 file missing (diff OTHER, import) or unreadable; 73 file read-only or
// not replaceable; 74 read or write failed.
[[nodiscard]] result<cli::exit_code> run(const options& opt, cli::io& io);

} // namespace ssw::cmd::param
