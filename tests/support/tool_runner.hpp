// SPDX-License-Identifier: MIT
// Runs a built tool as a child process with given stdin and environment; captures out, err, rc.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <vector>

namespace ssw::test {

struct tool_result {
    int exit_code = -1;
    std::string out;
    std::string err;
};

struct tool_call {
    std::vector<std::string> args;          // argv[1..]
    std::string stdin_text;                 // fed to the child, then closed
    std::map<std::string, std::string> env; // added to (or replacing) the environment
    std::vector<std::string> unset_env;     // removed from the environment
    std::optional<std::string> working_directory;
    int timeout_seconds = 60; // the child is killed after this
};

// Spawns `binary` with the call; never throws on a failing child, only on fork/pipe failure.
tool_result run_tool(const std::string& binary, const tool_call& call);

// Shorthand: run with only arguments.
tool_result run_tool(const std::string& binary, std::vector<std::string> args);

} // namespace ssw::test
