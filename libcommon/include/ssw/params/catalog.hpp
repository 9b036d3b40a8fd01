// SPDX-License-Identifier: MIT
// ssw::params catalog: every operator parameter (VOS3000's tables 4-3 and 4-4, documented in
// ssw-params(5)), as one table of data.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace ssw::params {

// The two tables of the manual: SIP parameters (4-3) and system parameters (4-4).
enum class section { sip, system };

// What a value looks like when typed, and therefore how it is parsed and printed.
enum class value_kind {
    on_off,           // On/Off switch
    integer,          // a count with a range
    duration,         // whole seconds or milliseconds (see time_unit) with a range
    duration_or_auto, // a duration, or Auto (SS_SIP_USER_AGENT_EXPIRE)
    integer_or_none,  // a count, or None for "no limit" (SS_GATEWAY_SWITCH_LIMIT)
    schedule,         // comma list of seconds with decimals (SS_SIP_RESEND_INTERVAL)
    text,             // free bytes, at most `max` of them (keep-alive message)
    secret,           // like text, but never printed unless asked (the RTP key)
    choice,           // one number out of a fixed list (401/407, encryption mode)
};

// The unit of a duration, a schedule element, or none.
enum class time_unit { none, seconds, milliseconds };

// One allowed value of a `choice` parameter: the number and the word also accepted.
struct choice_entry {
    std::int64_t number;
    std::string_view word;
    std::string_view meaning;
};

// One row of the catalog. Texts are static; `min`/`max` bound integers and durations (in
// `unit`), schedule elements (in milliseconds) and text lengths (in bytes).
struct param_info {
    std::string_view name;         // exactly as operators type it: SS_SIP_TIMEOUT_INVITE
    section where;                 // which manual table it belongs to
    value_kind kind;               // how values are parsed and printed
    time_unit unit;                // seconds / milliseconds for durations and schedules
    std::string_view type_text;    // the "type / unit" column: "seconds", "On/Off"
    std::string_view default_text; // the default in operator form ("On", "Auto", "0.5,1,2")
    std::string_view range_text;   // the range column without "(ours)"; may be empty
    std::int64_t min;              // see above; unused for on_off
    std::int64_t max;
    bool default_is_ours;         // VOS3000 gives none: the default is the project's choice
    bool range_is_ours;           // likewise for the range
    std::string_view summary;     // one line
    std::string_view description; // what ssw-run does with it, several sentences
    std::string_view ours_note;   // further project decisions, marked (ours); may be empty
    std::span<const choice_entry> choices; // for `choice` only
};

// The whole catalog in the order of ssw-params(5) (SIP table first, then system table).
[[nodiscard]] std::span<const param_info> catalog() noexcept;

// The row named `name` (ASCII case-insensitive), or nullptr.
[[nodiscard]] const param_info* find_param(std::string_view name) noexcept;

// Position of `info` in catalog(); `info` must come from the catalog.
[[nodiscard]] std::size_t index_of(const param_info& info) noexcept;

// Every name, in catalog order (for "did you mean" suggestions and globbing).
[[nodiscard]] std::vector<std::string> param_names();

// "sip" / "system", and the manual's title for it.
[[nodiscard]] std::string_view to_string(section s) noexcept;
[[nodiscard]] std::string_view section_title(section s) noexcept;

// "s", "ms" or "" for the unit column of tables.
[[nodiscard]] std::string_view unit_symbol(time_unit u) noexcept;

// The error text for a name that is not in the catalog, with a suggestion when one is close:
// "unknown parameter 'SS_SIP_TIMEOUT_INVIT' (did you mean SS_SIP_TIMEOUT_INVITE?)".
[[nodiscard]] std::string unknown_name_message(std::string_view name);

} // namespace ssw::params
