// SPDX-License-Identifier: MIT
// Typed parameter values: parse, validate against the catalog row, print.
#include <ssw/core/text.hpp>
#include <ssw/params/value.hpp>

#include <cmath>
#include <cstdio>

namespace ssw::params {

namespace {

error bad(const param_info& info, std::string_view got)
{
    std::string shown(got.substr(0, 64));
    if (got.size() > 64) {
        shown += "...";
    }
    return make_error(errc::invalid_argument,
                      "expected " + accepted_form(info) + " (got '" + shown + "')");
}

std::string range_words(const param_info& info)
{
    return std::to_string(info.min) + "-" + std::to_string(info.max);
}

std::string_view unit_words(time_unit unit)
{
    return unit == time_unit::milliseconds ? "milliseconds" : "seconds";
}

// A whole number of the row's unit; "30s" / "500ms" accepted when the suffix is the row's own.
std::optional<std::int64_t> parse_count(const param_info& info, std::string_view text)
{
    if (info.unit != time_unit::none) {
        const std::string_view suffix = unit_symbol(info.unit);
        if (text.size() > suffix.size() &&
            core::iequals(text.substr(text.size() - suffix.size()), suffix)) {
            text = core::trim(text.substr(0, text.size() - suffix.size()));
        }
    }
    if (!text.empty() && text.front() == '+') {
        return std::nullopt;
    }
    return core::parse_int(text);
}

result<value> in_range(const param_info& info, std::string_view text, std::int64_t n)
{
    if (n < info.min || n > info.max) {
        return unexpected(bad(info, text));
    }
    return value{n};
}

result<value> parse_schedule(const param_info& info, std::string_view text)
{
    schedule out;
    const auto fields = core::split(text, ',');
    if (fields.size() > max_schedule_entries) {
        return unexpected(make_error(errc::invalid_argument,
                                     "expected at most " + std::to_string(max_schedule_entries) +
                                         " intervals (got " + std::to_string(fields.size()) + ")"));
    }
    for (const auto field : fields) {
        std::string_view item = core::trim(field);
        if (item.size() > 1 && (item.back() == 's' || item.back() == 'S')) {
            item = item.substr(0, item.size() - 1);
        }
        const auto seconds = core::parse_decimal(item);
        if (!seconds) {
            return unexpected(bad(info, text));
        }
        const double ms = *seconds * 1000.0;
        const double rounded = std::round(ms);
        if (std::fabs(ms - rounded) > 1e-6 || rounded < static_cast<double>(info.min) ||
            rounded > static_cast<double>(info.max)) {
            return unexpected(bad(info, text));
        }
        out.emplace_back(static_cast<std::int64_t>(rounded));
    }
    return value{std::move(out)};
}

std::string format_seconds(std::chrono::milliseconds ms)
{
    const auto count = ms.count();
    std::string s = std::to_string(count / 1000);
    if (const auto frac = count % 1000; frac != 0) {
        char buf[8];
        std::snprintf(buf, sizeof buf, ".%03lld", static_cast<long long>(frac));
        std::string f = buf;
        while (f.back() == '0') {
            f.pop_back();
        }
        s += f;
    }
    return s;
}

} // namespace

std::chrono::milliseconds to_duration(time_unit unit, std::int64_t count)
{
    return unit == time_unit::milliseconds ? std::chrono::milliseconds(count)
                                           : std::chrono::milliseconds(count * 1000);
}

std::string accepted_form(const param_info& info)
{
    switch (info.kind) {
    case value_kind::on_off: return "On or Off (also true/false, 1/0)";
    case value_kind::integer: return "a whole number " + range_words(info);
    case value_kind::duration:
        return "whole " + std::string(unit_words(info.unit)) + " " + range_words(info);
    case value_kind::duration_or_auto:
        return "whole " + std::string(unit_words(info.unit)) + " " + range_words(info) + " or Auto";
    case value_kind::integer_or_none: return "a whole number " + range_words(info) + " or None";
    case value_kind::schedule:
        return "a comma list of seconds, each 0.1-60, at most " +
               std::to_string(max_schedule_entries) + " (e.g. 0.5,1,2,4)";
    case value_kind::text:
    case value_kind::secret:
        return "text of at most " + std::to_string(info.max) +
               " bytes (in double quotes for escapes: \"\\r\\n\")";
    case value_kind::choice: {
        std::string s;
        for (std::size_t i = 0; i < info.choices.size(); ++i) {
            const auto& c = info.choices[i];
            s += i == 0 ? "" : (i + 1 == info.choices.size() ? " or " : ", ");
            s += std::to_string(c.number);
            if (c.word != std::to_string(c.number)) {
                s += " (" + std::string(c.word) + ")";
            }
        }
        return s;
    }
    }
    return "a value";
}

result<std::string> unquote(std::string_view written)
{
    return core::unquote(written);
}

std::string quote_if_needed(std::string_view raw)
{
    bool needs = raw.empty() || raw.front() == ' ' || raw.front() == '\t' || raw.back() == ' ' ||
                 raw.back() == '\t' || raw.front() == '"';
    // A '#' at the start or after a blank would begin a comment (core::strip_comment).
    for (std::size_t i = 0; i < raw.size(); ++i) {
        if (raw[i] == '#' && (i == 0 || raw[i - 1] == ' ' || raw[i - 1] == '\t')) {
            needs = true;
        }
    }
    for (const char c : raw) {
        const auto b = static_cast<unsigned char>(c);
        if (b < 0x20 || b == 0x7f) {
            needs = true;
        }
    }
    if (!needs) {
        return std::string(raw);
    }
    std::string out = "\"";
    for (const char c : raw) {
        const auto b = static_cast<unsigned char>(c);
        switch (c) {
        case '\\': out += "\\\\"; break;
        case '"': out += "\\\""; break;
        case '\n': out += "\\n"; break;
        case '\r': out += "\\r"; break;
        case '\t': out += "\\t"; break;
        default:
            if (b < 0x20 || b == 0x7f) {
                char buf[8];
                std::snprintf(buf, sizeof buf, "\\x%02x", static_cast<unsigned>(b));
                out += buf;
            } else {
                out.push_back(c);
            }
        }
    }
    out.push_back('"');
    return out;
}

result<value> parse_raw_value(const param_info& info, std::string_view raw)
{
    if (info.kind == value_kind::text || info.kind == value_kind::secret) {
        if (raw.size() > static_cast<std::size_t>(info.max)) {
            return unexpected(
                make_error(errc::invalid_argument, "expected " + accepted_form(info) + " (got " +
                                                       std::to_string(raw.size()) + " bytes)"));
        }
        return value{std::string(raw)};
    }
    const std::string_view text = core::trim(raw);
    switch (info.kind) {
    case value_kind::on_off:
        if (core::iequals(text, "on") || core::iequals(text, "true") || text == "1") {
            return value{true};
        }
        if (core::iequals(text, "off") || core::iequals(text, "false") || text == "0") {
            return value{false};
        }
        return unexpected(bad(info, text));
    case value_kind::integer:
    case value_kind::duration: {
        const auto n = parse_count(info, text);
        if (!n) {
            return unexpected(bad(info, text));
        }
        return in_range(info, text, *n);
    }
    case value_kind::duration_or_auto:
    case value_kind::integer_or_none: {
        const std::string_view word = info.kind == value_kind::duration_or_auto ? "Auto" : "None";
        if (core::iequals(text, word)) {
            return value{keyword{}};
        }
        const auto n = parse_count(info, text);
        if (!n) {
            return unexpected(bad(info, text));
        }
        return in_range(info, text, *n);
    }
    case value_kind::schedule: return parse_schedule(info, text);
    case value_kind::choice:
        for (const auto& c : info.choices) {
            if (core::iequals(text, c.word) || core::parse_int(text) == c.number) {
                return value{c.number};
            }
        }
        return unexpected(bad(info, text));
    case value_kind::text:
    case value_kind::secret: break;
    }
    return unexpected(bad(info, text));
}

result<value> parse_value(const param_info& info, std::string_view written)
{
    SSW_TRY_ASSIGN(const std::string raw, unquote(written));
    return parse_raw_value(info, raw);
}

value default_value(const param_info& info)
{
    auto v = parse_value(info, info.default_text);
    // The catalog test proves every default parses; a failure here is a broken table.
    return v ? *v : value{std::string{}};
}

std::string raw_text(const param_info& info, const value& v)
{
    if (const auto* s = std::get_if<std::string>(&v)) {
        return *s;
    }
    return format_value(info, v);
}

std::string format_value(const param_info& info, const value& v)
{
    if (const auto* b = std::get_if<bool>(&v)) {
        return *b ? "On" : "Off";
    }
    if (const auto* n = std::get_if<std::int64_t>(&v)) {
        return std::to_string(*n);
    }
    if (std::holds_alternative<keyword>(v)) {
        return info.kind == value_kind::duration_or_auto ? "Auto" : "None";
    }
    if (const auto* list = std::get_if<schedule>(&v)) {
        std::string s;
        for (std::size_t i = 0; i < list->size(); ++i) {
            s += (i == 0 ? "" : ",") + format_seconds((*list)[i]);
        }
        return s;
    }
    return quote_if_needed(std::get<std::string>(v));
}

bool is_hidden(const param_info& info, const value& v, bool show_secrets)
{
    const auto* s = std::get_if<std::string>(&v);
    return info.kind == value_kind::secret && !show_secrets && s != nullptr && !s->empty();
}

std::string display_value(const param_info& info, const value& v, bool show_secrets)
{
    if (is_hidden(info, v, show_secrets)) {
        return "<hidden: " + std::to_string(std::get<std::string>(v).size()) + " bytes>";
    }
    return format_value(info, v);
}

} // namespace ssw::params
