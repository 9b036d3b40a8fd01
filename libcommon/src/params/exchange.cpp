// SPDX-License-Identifier: MIT
// JSON export/import of parameter values, with a small bounded JSON reader (RFC 8259).
#include <ssw/core/json_writer.hpp>
#include <ssw/core/text.hpp>
#include <ssw/params/exchange.hpp>

#include <cstdint>

namespace ssw::params {

namespace {

struct json_member;

struct json_value {
    enum class type { null, boolean, number, string, array, object } t = type::null;
    bool flag = false;
    std::string text; // string contents, or the number token as written
    std::vector<json_value> items;
    std::vector<json_member> members; // a vector of an incomplete type is fine since C++17
};

struct json_member {
    std::string name;
    json_value value;
};

// Recursive descent over the whole input; every step checks bounds, depth is limited.
class json_reader {
  public:
    explicit json_reader(std::string_view in) : in_(in) {}

    result<json_value> document()
    {
        SSW_TRY_ASSIGN(auto v, parse(0));
        skip_space();
        if (pos_ != in_.size()) {
            return fail("unexpected text after the JSON value");
        }
        return v;
    }

  private:
    unexpected<error> fail(const std::string& what) const
    {
        return unexpected(make_error(errc::parse_error,
                                     "invalid JSON at byte " + std::to_string(pos_) + ": " + what));
    }

    void skip_space()
    {
        while (pos_ < in_.size() &&
               (in_[pos_] == ' ' || in_[pos_] == '\t' || in_[pos_] == '\n' || in_[pos_] == '\r')) {
            ++pos_;
        }
    }

    bool literal(std::string_view word)
    {
        if (in_.substr(pos_, word.size()) == word) {
            pos_ += word.size();
            return true;
        }
        return false;
    }

    result<json_value> parse(int depth)
    {
        if (depth > max_json_depth) {
            return fail("nested deeper than " + std::to_string(max_json_depth) + " levels");
        }
        skip_space();
        if (pos_ >= in_.size()) {
            return fail("unexpected end of input");
        }
        json_value v;
        const char c = in_[pos_];
        if (c == '{') {
            v.t = json_value::type::object;
            ++pos_;
            skip_space();
            if (pos_ < in_.size() && in_[pos_] == '}') {
                ++pos_;
                return v;
            }
            while (true) {
                skip_space();
                if (pos_ >= in_.size() || in_[pos_] != '"') {
                    return fail("expected a member name in double quotes");
                }
                SSW_TRY_ASSIGN(std::string key, string());
                skip_space();
                if (pos_ >= in_.size() || in_[pos_] != ':') {
                    return fail("expected ':' after a member name");
                }
                ++pos_;
                SSW_TRY_ASSIGN(json_value member, parse(depth + 1));
                v.members.push_back(json_member{std::move(key), std::move(member)});
                skip_space();
                if (pos_ < in_.size() && in_[pos_] == ',') {
                    ++pos_;
                    continue;
                }
                if (pos_ < in_.size() && in_[pos_] == '}') {
                    ++pos_;
                    return v;
                }
                return fail("expected ',' or '}' in an object");
            }
        }
        if (c == '[') {
            v.t = json_value::type::array;
            ++pos_;
            skip_space();
            if (pos_ < in_.size() && in_[pos_] == ']') {
                ++pos_;
                return v;
            }
            while (true) {
                SSW_TRY_ASSIGN(json_value item, parse(depth + 1));
                v.items.push_back(std::move(item));
                skip_space();
                if (pos_ < in_.size() && in_[pos_] == ',') {
                    ++pos_;
                    continue;
                }
                if (pos_ < in_.size() && in_[pos_] == ']') {
                    ++pos_;
                    return v;
                }
                return fail("expected ',' or ']' in an array");
            }
        }
        if (c == '"') {
            v.t = json_value::type::string;
            SSW_TRY_ASSIGN(v.text, string());
            return v;
        }
        if (literal("true")) {
            v.t = json_value::type::boolean;
            v.flag = true;
            return v;
        }
        if (literal("false")) {
            v.t = json_value::type::boolean;
            return v;
        }
        if (literal("null")) {
            return v;
        }
        if (c == '-' || (c >= '0' && c <= '9')) {
            const std::size_t start = pos_;
            while (pos_ < in_.size() && (std::string_view("+-.eE0123456789").find(in_[pos_]) !=
                                         std::string_view::npos)) {
                ++pos_;
            }
            v.t = json_value::type::number;
            v.text = std::string(in_.substr(start, pos_ - start));
            return v;
        }
        return fail(std::string("unexpected character '") + c + "'");
    }

    static void append_utf8(std::string& out, std::uint32_t cp)
    {
        if (cp < 0x80) {
            out.push_back(static_cast<char>(cp));
        } else if (cp < 0x800) {
            out.push_back(static_cast<char>(0xc0 | (cp >> 6)));
            out.push_back(static_cast<char>(0x80 | (cp & 0x3f)));
        } else if (cp < 0x10000) {
            out.push_back(static_cast<char>(0xe0 | (cp >> 12)));
            out.push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3f)));
            out.push_back(static_cast<char>(0x80 | (cp & 0x3f)));
        } else {
            out.push_back(static_cast<char>(0xf0 | (cp >> 18)));
            out.push_back(static_cast<char>(0x80 | ((cp >> 12) & 0x3f)));
            out.push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3f)));
            out.push_back(static_cast<char>(0x80 | (cp & 0x3f)));
        }
    }

    result<std::uint32_t> hex4()
    {
        if (pos_ + 4 > in_.size()) {
            return fail("expected four hex digits after \\u");
        }
        std::uint32_t cp = 0;
        for (int i = 0; i < 4; ++i) {
            const char h = in_[pos_++];
            cp <<= 4;
            if (h >= '0' && h <= '9') {
                cp |= static_cast<std::uint32_t>(h - '0');
            } else if (h >= 'a' && h <= 'f') {
                cp |= static_cast<std::uint32_t>(h - 'a' + 10);
            } else if (h >= 'A' && h <= 'F') {
                cp |= static_cast<std::uint32_t>(h - 'A' + 10);
            } else {
                return fail("expected four hex digits after \\u");
            }
        }
        return cp;
    }

    // A string starting at the opening quote; JSON escapes decoded.
    result<std::string> string()
    {
        ++pos_;
        std::string out;
        while (pos_ < in_.size()) {
            const char c = in_[pos_++];
            if (c == '"') {
                return out;
            }
            if (static_cast<unsigned char>(c) < 0x20) {
                return fail("control character inside a string");
            }
            if (c != '\\') {
                out.push_back(c);
                continue;
            }
            if (pos_ >= in_.size()) {
                break;
            }
            const char e = in_[pos_++];
            switch (e) {
            case '"': out.push_back('"'); break;
            case '\\': out.push_back('\\'); break;
            case '/': out.push_back('/'); break;
            case 'b': out.push_back('\b'); break;
            case 'f': out.push_back('\f'); break;
            case 'n': out.push_back('\n'); break;
            case 'r': out.push_back('\r'); break;
            case 't': out.push_back('\t'); break;
            case 'u': {
                SSW_TRY_ASSIGN(std::uint32_t cp, hex4());
                if (cp >= 0xd800 && cp <= 0xdbff && in_.substr(pos_, 2) == "\\u") {
                    pos_ += 2;
                    SSW_TRY_ASSIGN(const std::uint32_t low, hex4());
                    if (low < 0xdc00 || low > 0xdfff) {
                        return fail("unpaired surrogate in \\u escape");
                    }
                    cp = 0x10000 + ((cp - 0xd800) << 10) + (low - 0xdc00);
                } else if (cp >= 0xd800 && cp <= 0xdfff) {
                    return fail("unpaired surrogate in \\u escape");
                }
                // Code points below 0x100 are taken as bytes, so "\u0000" carries a binary key.
                if (cp < 0x100) {
                    out.push_back(static_cast<char>(cp));
                } else {
                    append_utf8(out, cp);
                }
                break;
            }
            default: return fail(std::string("unknown escape '\\") + e + "'");
            }
        }
        return fail("unterminated string");
    }

    std::string_view in_;
    std::size_t pos_ = 0;
};

result<std::optional<value>> value_from_json(const param_info& info, const json_value& j)
{
    switch (j.t) {
    case json_value::type::null: return std::optional<value>{};
    case json_value::type::boolean: {
        SSW_TRY_ASSIGN(auto v, parse_raw_value(info, j.flag ? "On" : "Off"));
        return std::optional<value>{std::move(v)};
    }
    case json_value::type::number:
    case json_value::type::string: {
        SSW_TRY_ASSIGN(auto v, parse_raw_value(info, j.text));
        return std::optional<value>{std::move(v)};
    }
    case json_value::type::array: {
        std::string joined;
        for (std::size_t i = 0; i < j.items.size(); ++i) {
            const auto& item = j.items[i];
            if (item.t != json_value::type::number && item.t != json_value::type::string) {
                return unexpected(
                    make_error(errc::invalid_argument, "expected an array of numbers"));
            }
            joined += (i == 0 ? "" : ",") + item.text;
        }
        SSW_TRY_ASSIGN(auto v, parse_raw_value(info, joined));
        return std::optional<value>{std::move(v)};
    }
    case json_value::type::object: break;
    }
    return unexpected(make_error(errc::invalid_argument,
                                 "expected " + accepted_form(info) + " (got a JSON object)"));
}

} // namespace

std::string export_json(const param_file& file, bool changed_only, bool show_secrets)
{
    core::json_line params;
    std::vector<std::string> hidden;
    for (const auto& info : catalog()) {
        const value v = file.effective(info);
        if (changed_only && v == default_value(info)) {
            continue;
        }
        if (is_hidden(info, v, show_secrets)) {
            hidden.emplace_back(info.name);
            continue;
        }
        params.field(info.name, raw_text(info, v));
    }
    core::json_line doc;
    doc.field("type", "params").field("format", 1).field_raw("params", params.str());
    if (!hidden.empty()) {
        doc.field("hidden", hidden);
    }
    return doc.str() + "\n";
}

result<import_data> parse_import(std::string_view json, const std::string& source)
{
    if (json.size() > max_file_bytes) {
        return unexpected(make_error(errc::limit_exceeded,
                                     "larger than " + std::to_string(max_file_bytes) + " bytes",
                                     source));
    }
    auto doc = json_reader{json}.document();
    if (!doc) {
        error e = std::move(doc).error();
        e.where = source;
        return unexpected(std::move(e));
    }
    if (doc->t != json_value::type::object) {
        return unexpected(make_error(
            errc::parse_error, "expected a JSON object such as ssw-param export writes", source));
    }
    const json_value* params = &*doc;
    import_data out;
    for (const auto& [key, member] : doc->members) {
        if (key == "params" && member.t == json_value::type::object) {
            params = &member;
        }
        if (key == "hidden" && member.t == json_value::type::array) {
            for (const auto& item : member.items) {
                if (const param_info* info = find_param(item.text)) {
                    out.hidden.push_back(info);
                }
            }
        }
    }
    for (const auto& [key, member] : params->members) {
        if (params == &*doc && (key == "type" || key == "format" || key == "hidden")) {
            continue;
        }
        const param_info* info = find_param(key);
        if (info == nullptr) {
            return unexpected(
                make_error(errc::invalid_argument, unknown_name_message(key), source));
        }
        auto v = value_from_json(*info, member);
        if (!v) {
            return unexpected(make_error(errc::invalid_argument,
                                         std::string(info->name) + ": " + v.error().message,
                                         source));
        }
        out.entries.push_back({info, std::move(*v)});
    }
    return out;
}

void apply_import(const import_data& data, param_file& file, bool replace)
{
    if (replace) {
        for (const auto& info : catalog()) {
            bool keep = false;
            for (const auto* h : data.hidden) {
                keep = keep || h == &info;
            }
            for (const auto& e : data.entries) {
                keep = keep || e.param == &info;
            }
            if (!keep) {
                file.reset(info);
            }
        }
    }
    for (const auto& e : data.entries) {
        if (e.v) {
            file.set(*e.param, *e.v);
        } else {
            file.reset(*e.param);
        }
    }
}

} // namespace ssw::params
