// SPDX-License-Identifier: MIT
// ssw::cmd::cdr_export: `ssw-run cdr export`, the CDR database as CSV or JSON lines.
#pragma once

#include <ssw/cdr/record.hpp>
#include <ssw/cli/exit_code.hpp>
#include <ssw/cli/io.hpp>
#include <ssw/core/result.hpp>

#include <string>
#include <string_view>

namespace ssw::cmd::cdr_export {

struct options {
    std::string database =
        "ssw-cdr.db";           // the CDR store (ssw.conf cdr-db; the demo's is in its workdir)
    std::string since;          // empty: all; else a time (see parse_since)
    std::string format = "csv"; // csv or json
    std::string output = "-";   // file, or - for stdout
};

extern const char* const examples;

// Parses a --since value against `now`: "2026-01-31", "2026-01-31T12:00:00" (UTC, optional
// trailing Z), an age "90s", "15m", "2h", "7d" (that long before now), or "@<unix seconds>".
// invalid_argument otherwise.
result<cdr::wall_time> parse_since(std::string_view text, cdr::wall_time now);

// Writes the calls that started at or after --since to --output, oldest first. With --json
// the count is reported on stderr as {"type":"summary","calls":N}. not_found when the
// database does not exist; invalid_argument for a bad --since or --format.
result<cli::exit_code> run(const options& opt, cli::io& io);

} // namespace ssw::cmd::cdr_export
