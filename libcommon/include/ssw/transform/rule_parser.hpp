// SPDX-License-Identifier: MIT
// Parser of ssw-rules(5) files: blocks, rules, includes (with cycle detection), name checks.
#pragma once

#include <ssw/core/result.hpp>
#include <ssw/transform/rules.hpp>

#include <cstddef>
#include <filesystem>
#include <functional>
#include <string>
#include <string_view>

namespace ssw::transform {

// Named limits of the parser (rule files may come from other people).
inline constexpr std::size_t max_line_bytes = 4096;
inline constexpr std::size_t max_include_depth = 16;
inline constexpr std::size_t max_rule_files = 256;
inline constexpr std::size_t max_targets_per_rule = 64;
inline constexpr std::size_t max_number_length = 64;
inline constexpr std::size_t max_rule_count = 2'000'000;

// Reads the text of an included file. `path` is already resolved against the directory
// of the including file. Errors are passed through (not_found, io_error).
using file_reader = std::function<result<std::string>(const std::string& path)>;

// Parses `text` (named `name` in locations) and everything it includes through `reader`.
// Errors are parse_error with where = "file:line:col" and a message saying what was
// expected; a bad regex carries RE2's message and the column of the offending part;
// an include cycle, an unknown name or a duplicate name is a parse_error at its line.
// limit_exceeded when a named limit above is hit.
[[nodiscard]] result<rule_set> parse_rules(std::string_view text, const std::string& name,
                                           const file_reader& reader);

// Reads `path` from disk and parses it; includes are read from disk relative to the
// including file. not_found / io_error when a file cannot be read.
[[nodiscard]] result<rule_set> parse_rule_file(const std::filesystem::path& path);

} // namespace ssw::transform
