// SPDX-License-Identifier: MIT
// Small text helpers shared by every parser of operator-typed text (params, rules, CLI).
#pragma once

#include <ssw/core/result.hpp>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace ssw::core {

// ASCII case-insensitive comparison (SIP header names, On/Off, method names).
[[nodiscard]] bool iequals(std::string_view a, std::string_view b) noexcept;
[[nodiscard]] bool istarts_with(std::string_view text, std::string_view prefix) noexcept;
[[nodiscard]] std::string to_lower(std::string_view text);
[[nodiscard]] std::string to_upper(std::string_view text);

// Strips spaces and tabs (and CR/LF) from both ends.
[[nodiscard]] std::string_view trim(std::string_view text) noexcept;

// The part of an operator-typed line before its comment, as the parameter file and ssw.conf
// both read it: a '#' that starts the line or follows a blank (space or tab) begins a
// comment that runs to the end of the line, unless it is inside double quotes. A quote
// opens a quoted value at the start of the line or after a blank or '=' ("a\"b" is plain
// text); inside, a backslash escapes the next byte. An unterminated quote runs to the end
// (the value's parser reports it). Blanks before the comment stay: callers trim.
[[nodiscard]] std::string_view strip_comment(std::string_view line) noexcept;

// Decodes a value written in double quotes (the quotes included) with the escapes \\ \"
// \n \r \t \xHH; invalid_argument on a missing closing quote, a bare quote inside, or a
// bad escape. Text not starting with '"' is returned trimmed, unchanged.
[[nodiscard]] result<std::string> unquote(std::string_view written);

// Splits on a single character; empty fields are kept ("a,,b" gives three fields).
[[nodiscard]] std::vector<std::string_view> split(std::string_view text, char separator);

// Whole-string decimal integer, optional leading '-'; nullopt on anything else or overflow.
[[nodiscard]] std::optional<std::int64_t> parse_int(std::string_view text) noexcept;

// Whole-string decimal number such as "0.5" or "4"; nullopt on anything else.
[[nodiscard]] std::optional<double> parse_decimal(std::string_view text) noexcept;

// Levenshtein distance, for "did you mean ...?" suggestions.
[[nodiscard]] std::size_t edit_distance(std::string_view a, std::string_view b);

// The candidate closest to `word` (case-insensitive) if it is close enough to be a typo.
[[nodiscard]] std::optional<std::string> closest_match(std::string_view word,
                                                       const std::vector<std::string>& candidates);

// Shell-style glob with '*' and '?' (case-insensitive), for `ssw-param list 'SS_SIP_*'`.
[[nodiscard]] bool glob_match(std::string_view pattern, std::string_view text) noexcept;

// Lowercase hex of bytes ("0a1b"), and back; parse_hex fails on odd length or non-hex.
[[nodiscard]] std::string to_hex(std::string_view bytes);
[[nodiscard]] result<std::string> parse_hex(std::string_view hex);

} // namespace ssw::core
