// SPDX-License-Identifier: MIT
// ssw::cli::run: parse, call the command, and turn errors into "tool: message" and an exit code.
#pragma once

#include <ssw/cli/app.hpp>
#include <ssw/cli/exit_code.hpp>
#include <ssw/cli/io.hpp>
#include <ssw/core/result.hpp>

#include <functional>
#include <iosfwd>

namespace ssw::cli {

using command = std::function<result<exit_code>(io&)>;

// The one place that maps errors to exit codes. Parse errors print CLI11's message and
// return `usage` (help and version return 0); an ssw::error prints "<tool>: <where>: <msg>"
// (or a {"type":"error"} line with --json) on stderr and returns exit_code_for(code);
// any escaping exception returns `internal`.
int run(app& application, int argc, char** argv, const command& body);

// The same with explicit streams and tty facts, for in-process tests.
int run(app& application, int argc, char** argv, const command& body, std::istream& in,
        std::ostream& out, std::ostream& err, bool out_is_tty, bool err_is_tty);

// Prints an error the way run() does, for commands that report per-record errors and go on.
void print_error(const io& streams, std::string_view tool, const error& e);

} // namespace ssw::cli
