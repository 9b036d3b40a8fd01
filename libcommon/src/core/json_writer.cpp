// SPDX-License-Identifier: MIT
// NDJSON object building with RFC 8259 string escaping.
#include <ssw/core/json_writer.hpp>

#include <charconv>
#include <cmath>
#include <cstdio>

namespace ssw::core {

namespace {
// Length of the valid UTF-8 sequence starting at s[i], or 0 if it is not valid.
std::size_t utf8_sequence_length(std::string_view s, std::size_t i) noexcept
{
    const auto b0 = static_cast<unsigned char>(s[i]);
    std::size_t len = 0;
    if (b0 < 0x80) {
        return 1;
    }
    if (b0 >= 0xc2 && b0 <= 0xdf) {
        len = 2;
    } else if (b0 >= 0xe0 && b0 <= 0xef) {
        len = 3;
    } else if (b0 >= 0xf0 && b0 <= 0xf4) {
        len = 4;
    } else {
        return 0;
    }
    if (i + len > s.size()) {
        return 0;
    }
    for (std::size_t k = 1; k < len; ++k) {
        if ((static_cast<unsigned char>(s[i + k]) & 0xc0) != 0x80) {
            return 0;
        }
    }
    return len;
}
} // namespace

void encode_json_string(std::string& out, std::string_view text)
{
    out.push_back('"');
    for (std::size_t i = 0; i < text.size();) {
        const auto c = static_cast<unsigned char>(text[i]);
        switch (c) {
        case '"':
            out += "\\\"";
            ++i;
            continue;
        case '\\':
            out += "\\\\";
            ++i;
            continue;
        case '\n':
            out += "\\n";
            ++i;
            continue;
        case '\r':
            out += "\\r";
            ++i;
            continue;
        case '\t':
            out += "\\t";
            ++i;
            continue;
        default: break;
        }
        if (c < 0x20 || c == 0x7f) {
            char buf[8];
            std::snprintf(buf, sizeof buf, "\\u%04x", c);
            out += buf;
            ++i;
            continue;
        }
        const std::size_t len = utf8_sequence_length(text, i);
        if (len == 0) {
            char buf[8];
            std::snprintf(buf, sizeof buf, "\\u%04x", c);
            out += buf;
            ++i;
            continue;
        }
        out.append(text.substr(i, len));
        i += len;
    }
    out.push_back('"');
}

void json_line::key(std::string_view k)
{
    if (buf_.size() > 1) {
        buf_.push_back(',');
    }
    encode_json_string(buf_, k);
    buf_.push_back(':');
}

json_line& json_line::field(std::string_view k, std::string_view value)
{
    key(k);
    encode_json_string(buf_, value);
    return *this;
}

json_line& json_line::field(std::string_view k, bool value)
{
    key(k);
    buf_ += value ? "true" : "false";
    return *this;
}

json_line& json_line::field(std::string_view k, std::int64_t value)
{
    key(k);
    buf_ += std::to_string(value);
    return *this;
}

json_line& json_line::field(std::string_view k, std::uint64_t value)
{
    key(k);
    buf_ += std::to_string(value);
    return *this;
}

json_line& json_line::field(std::string_view k, double value)
{
    key(k);
    if (!std::isfinite(value)) {
        buf_ += "null";
        return *this;
    }
    char buf[32];
    const auto [ptr, ec] = std::to_chars(buf, buf + sizeof buf, value);
    buf_.append(buf, ec == std::errc{} ? ptr : buf);
    return *this;
}

json_line& json_line::field_null(std::string_view k)
{
    key(k);
    buf_ += "null";
    return *this;
}

json_line& json_line::field_raw(std::string_view k, std::string_view json)
{
    key(k);
    buf_ += json;
    return *this;
}

json_line& json_line::field(std::string_view k, const std::vector<std::string>& values)
{
    key(k);
    buf_.push_back('[');
    for (std::size_t i = 0; i < values.size(); ++i) {
        if (i != 0) {
            buf_.push_back(',');
        }
        encode_json_string(buf_, values[i]);
    }
    buf_.push_back(']');
    return *this;
}

} // namespace ssw::core
