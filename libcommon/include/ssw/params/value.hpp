// SPDX-License-Identifier: MIT
// ssw::params values: parsing operator-typed text into typed values and printing them back.
#pragma once

#include <ssw/core/result.hpp>
#include <ssw/params/catalog.hpp>

#include <chrono>
#include <cstdint>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

namespace ssw::params {

// The word a kind allows instead of a number: None (switch limit) or Auto (UA expiry).
struct keyword {
    friend bool operator==(keyword, keyword) = default;
};

// Retransmission intervals, in order.
using schedule = std::vector<std::chrono::milliseconds>;

// A typed value. Which alternative is used follows the parameter's kind:
// on_off → bool; integer, duration, choice → std::int64_t (durations in the row's unit);
// duration_or_auto, integer_or_none → std::int64_t or keyword; schedule → schedule;
// text, secret → std::string (raw bytes, escapes already decoded).
using value = std::variant<bool, std::int64_t, keyword, schedule, std::string>;

// Most elements in a schedule (ours).
inline constexpr std::size_t max_schedule_entries = 32;

// Parses a value as written in the parameter file or on the command line. A value in
// double quotes is unquoted first (escapes \\ \" \n \r \t \xHH); On/Off accepts
// on/off/true/false/1/0 in any case; durations accept a trailing unit of their own ("30s",
// "500ms"). Fails with invalid_argument; the message says what was expected
// ("expected whole seconds 1-300 (got 900)"), without a location.
[[nodiscard]] result<value> parse_value(const param_info& info, std::string_view written);

// Like parse_value, but `raw` is taken as is for text and secret (no unquoting); the form
// JSON import uses, since JSON strings carry their own escapes.
[[nodiscard]] result<value> parse_raw_value(const param_info& info, std::string_view raw);

// The accepted form, for error messages and `explain`: "On or Off (also true/false, 1/0)".
[[nodiscard]] std::string accepted_form(const param_info& info);

// The default of `info` as a typed value.
[[nodiscard]] value default_value(const param_info& info);

// The written form: what parse_value reads back to the same value ("On", "Auto",
// "0.5,1,2", "\"\\r\\n\"" for a text that needs quoting). Secrets are printed in full:
// callers mask them with display_value.
[[nodiscard]] std::string format_value(const param_info& info, const value& v);

// The unquoted text of a value (raw bytes for text and secret, the written form otherwise),
// for JSON and shell output.
[[nodiscard]] std::string raw_text(const param_info& info, const value& v);

// True when `info` is a secret that is not empty and must be masked for display.
[[nodiscard]] bool is_hidden(const param_info& info, const value& v, bool show_secrets);

// The form shown to people: format_value, except that a non-empty secret becomes
// "<hidden: N bytes>" unless `show_secrets`.
[[nodiscard]] std::string display_value(const param_info& info, const value& v, bool show_secrets);

// Decodes a double-quoted written value (the quotes included); invalid_argument on a missing
// closing quote or a bad escape. Text not starting with '"' is returned trimmed, unchanged.
[[nodiscard]] result<std::string> unquote(std::string_view written);

// Quotes `raw` (with escapes) when written as is it would not read back: empty, leading or
// trailing blanks, a leading quote, or control bytes. Otherwise returns it unchanged.
[[nodiscard]] std::string quote_if_needed(std::string_view raw);

// Converts an integer of `unit` to a duration.
[[nodiscard]] std::chrono::milliseconds to_duration(time_unit unit, std::int64_t count);

} // namespace ssw::params
