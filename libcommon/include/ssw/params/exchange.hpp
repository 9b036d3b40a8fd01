// SPDX-License-Identifier: MIT
// ssw::params exchange: JSON export and import of parameter values (ssw-param export/import).
#pragma once

#include <ssw/core/result.hpp>
#include <ssw/params/store.hpp>
#include <ssw/params/value.hpp>

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace ssw::params {

// Most nesting accepted in an imported JSON document (ours).
inline constexpr int max_json_depth = 8;

// One JSON object on one line:
//   {"type":"params","format":1,"params":{"SS_...":"value",...},"hidden":["SS_RTPENCRYPTIONKEY"]}
// Values are strings in operator form (raw bytes for text and secret), in catalog order.
// `changed_only` keeps the parameters whose value differs from the default. A non-empty
// secret is left out of "params" and named in "hidden" unless `show_secrets`.
[[nodiscard]] std::string export_json(const param_file& file, bool changed_only, bool show_secrets);

// One imported setting: a value, or nullopt (JSON null) to reset to the default.
struct import_entry {
    const param_info* param = nullptr;
    std::optional<value> v;
};

// A parsed import: the settings, and the parameters the export hid (left as they are).
struct import_data {
    std::vector<import_entry> entries;
    std::vector<const param_info*> hidden;
};

// Reads what export_json writes (or a plain object of NAME: value). Values may be strings,
// numbers, true/false (On/Off), arrays of numbers (schedules) or null (reset). Everything is
// validated before anything is returned: parse_error for bad JSON (with the byte offset),
// invalid_argument for an unknown name ("did you mean") or a bad value; `where` is `source`.
[[nodiscard]] result<import_data> parse_import(std::string_view json, const std::string& source);

// Applies an import to `file`. With `replace`, parameters not named in the import (and not
// hidden in it) go back to their defaults.
void apply_import(const import_data& data, param_file& file, bool replace);

} // namespace ssw::params
