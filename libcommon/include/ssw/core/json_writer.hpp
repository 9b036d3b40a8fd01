// SPDX-License-Identifier: MIT
// ssw::core::json_line: builds one NDJSON object (the --json output of every tool).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace ssw::core {

// Appends `text` to `out` as a JSON string literal, quotes included (RFC 8259 §7).
// Invalid UTF-8 bytes are written as \u00XX so output is always valid JSON.
void encode_json_string(std::string& out, std::string_view text);

// One JSON object written field by field in the order given, so key order is stable.
// Usage: json_line{}.field("type", "param").field("name", n).str()
class json_line {
  public:
    json_line& field(std::string_view key, std::string_view value);
    json_line& field(std::string_view key, const char* value)
    {
        return field(key, std::string_view{value});
    }
    json_line& field(std::string_view key, const std::string& value)
    {
        return field(key, std::string_view{value});
    }
    json_line& field(std::string_view key, bool value);
    json_line& field(std::string_view key, std::int64_t value);
    json_line& field(std::string_view key, std::uint64_t value);
    json_line& field(std::string_view key, int value)
    {
        return field(key, static_cast<std::int64_t>(value));
    }
    json_line& field(std::string_view key, unsigned value)
    {
        return field(key, static_cast<std::uint64_t>(value));
    }
    json_line& field(std::string_view key, double value);
    json_line& field_null(std::string_view key);
    // `json` must already be valid JSON (a nested object or array).
    json_line& field_raw(std::string_view key, std::string_view json);
    json_line& field(std::string_view key, const std::vector<std::string>& values);

    // The object text without a trailing newline.
    [[nodiscard]] std::string str() const { return buf_ + "}"; }

  private:
    void key(std::string_view k);
    std::string buf_ = "{";
};

} // namespace ssw::core
