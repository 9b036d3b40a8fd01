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
