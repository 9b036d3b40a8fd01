// SPDX-License-Identifier: MIT
// Private SIP lexing helpers: RFC 3261 §25.1 character classes and a bounds-checked cursor.
#pragma once

#include <ssw/core/error.hpp>
#include <ssw/core/result.hpp>
#include <ssw/core/text.hpp>

#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace ssw::sip::detail {

// ASCII case-insensitive equality (header names, parameter names, schemes).
using core::iequals;

enum char_class : std::uint8_t {
    cc_token = 1,       // token chars (RFC 3261 §25.1)
    cc_unreserved = 2,  // alphanum / mark
    cc_user_extra = 4,  // user-unreserved
    cc_param_extra = 8, // param-unreserved
    cc_hnv_extra = 16,  // hnv-unreserved
    cc_host = 32,       // hostname / IPv4 chars: alphanum "-" "."
    cc_password_extra = 64,
    cc_digit = 128,
};

constexpr std::array<std::uint8_t, 256> make_char_table()
{
    std::array<std::uint8_t, 256> t{};
    auto set = [&t](std::string_view chars, std::uint8_t bits) {
        for (char c : chars) {
            t[static_cast<unsigned char>(c)] =
                static_cast<std::uint8_t>(t[static_cast<unsigned char>(c)] | bits);
        }
    };
    for (int c = 0; c < 256; ++c) {
        const bool alpha = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
        const bool digit = c >= '0' && c <= '9';
        if (alpha || digit) {
            t[static_cast<std::size_t>(c)] = cc_token | cc_unreserved | cc_host;
        }
        if (digit) {
            t[static_cast<std::size_t>(c)] =
                static_cast<std::uint8_t>(t[static_cast<std::size_t>(c)] | cc_digit);
        }
    }
    set("-.!%*_+`'~", cc_token);
    set("-_.!~*'()", cc_unreserved);
    set("&=+$,;?/", cc_user_extra);
    set("[]/:&+$", cc_param_extra);
    set("[]/?:+$", cc_hnv_extra);
    set("-.", cc_host);
    set("&=+$,", cc_password_extra);
    return t;
}

inline constexpr std::array<std::uint8_t, 256> char_table = make_char_table();

constexpr bool has_class(char c, std::uint8_t bits) noexcept
{
    return (char_table[static_cast<unsigned char>(c)] & bits) != 0;
}
constexpr bool is_token_char(char c) noexcept
{
    return has_class(c, cc_token);
}
constexpr bool is_digit(char c) noexcept
{
    return c >= '0' && c <= '9';
}
constexpr bool is_alpha(char c) noexcept
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}
constexpr bool is_hex(char c) noexcept
{
    return is_digit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}
// Linear white space inside a header value: folds were already validated by the message
// parser (every CR LF inside a value is followed by SP/HT), so CR and LF count as LWS here.
constexpr bool is_lws(char c) noexcept
{
    return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}
constexpr char lower(char c) noexcept
{
    return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c;
}

inline bool is_token(std::string_view s) noexcept
{
    if (s.empty()) {
        return false;
    }
    for (char c : s) {
        if (!is_token_char(c)) {
            return false;
        }
    }
    return true;
}

inline std::string_view trim_lws(std::string_view s) noexcept
{
    while (!s.empty() && is_lws(s.front())) {
        s.remove_prefix(1);
    }
    while (!s.empty() && is_lws(s.back())) {
        s.remove_suffix(1);
    }
    return s;
}

// Whole-string unsigned decimal with an upper bound; nullopt on empty, non-digit or > max.
inline std::optional<std::uint64_t> parse_bounded(std::string_view s, std::uint64_t max) noexcept
{
    if (s.empty()) {
        return std::nullopt;
    }
    std::uint64_t v = 0;
    for (char c : s) {
        if (!is_digit(c)) {
            return std::nullopt;
        }
        const auto d = static_cast<std::uint64_t>(c - '0');
        if (v > (max - d) / 10) {
            return std::nullopt;
        }
        v = v * 10 + d;
    }
    return v;
}

// A read position over one header value or URI. Never reads outside `text`.
class cursor {
  public:
    explicit cursor(std::string_view text) noexcept : text_(text) {}

    [[nodiscard]] bool eof() const noexcept { return pos_ >= text_.size(); }
    [[nodiscard]] char peek() const noexcept { return eof() ? '\0' : text_[pos_]; }
    [[nodiscard]] std::size_t pos() const noexcept { return pos_; }
    [[nodiscard]] std::string_view text() const noexcept { return text_; }
    [[nodiscard]] std::string_view rest() const noexcept { return text_.substr(pos_); }
    void advance(std::size_t n = 1) noexcept
    {
        pos_ = pos_ + n > text_.size() ? text_.size() : pos_ + n;
    }
    void seek(std::size_t p) noexcept { pos_ = p > text_.size() ? text_.size() : p; }

    bool skip_lws() noexcept
    {
        const std::size_t start = pos_;
        while (!eof() && is_lws(text_[pos_])) {
            ++pos_;
        }
        return pos_ != start;
    }
    bool consume(char c) noexcept
    {
        if (!eof() && text_[pos_] == c) {
            ++pos_;
            return true;
        }
        return false;
    }
    // SWS c SWS, the separators of RFC 3261 §25.1 (SEMI, COLON, EQUAL, SLASH, COMMA).
    bool consume_sep(char c) noexcept
    {
        const std::size_t start = pos_;
        skip_lws();
        if (consume(c)) {
            skip_lws();
            return true;
        }
        pos_ = start;
        return false;
    }
    template <class Pred> std::string_view take_while(Pred pred) noexcept
    {
        const std::size_t start = pos_;
        while (!eof() && pred(text_[pos_])) {
            ++pos_;
        }
        return text_.substr(start, pos_ - start);
    }
    std::string_view take_token() noexcept { return take_while(is_token_char); }

  private:
    std::string_view text_;
    std::size_t pos_ = 0;
};

// A quoted-string at the cursor (which must be on the opening quote). Returns the content
// between the quotes with quoted-pairs left as written; nullopt when unterminated or when
// a quoted-pair escapes CR or LF (RFC 3261 §25.1).
inline std::optional<std::string_view> take_quoted(cursor& c) noexcept
{
    if (!c.consume('"')) {
        return std::nullopt;
    }
    const std::size_t start = c.pos();
    const std::string_view t = c.text();
    std::size_t i = start;
    while (i < t.size()) {
        const char ch = t[i];
        if (ch == '"') {
            c.seek(i + 1);
            return t.substr(start, i - start);
        }
        if (ch == '\\') {
            if (i + 1 >= t.size() || t[i + 1] == '\r' || t[i + 1] == '\n') {
                return std::nullopt;
            }
            i += 2;
            continue;
        }
        ++i;
    }
    return std::nullopt;
}

// A parse error whose `where` is "col N" (1-based) within the text being parsed.
inline error value_error(std::string message, std::size_t column0)
{
    return make_error(errc::parse_error, std::move(message), "col " + std::to_string(column0 + 1));
}

// The 0-based column of an error made by value_error, or 0 when it has none.
inline std::size_t error_column(const error& e) noexcept
{
    if (e.where.size() > 4 && e.where.compare(0, 4, "col ") == 0) {
        std::size_t v = 0;
        for (std::size_t i = 4; i < e.where.size() && is_digit(e.where[i]); ++i) {
            v = v * 10 + static_cast<std::size_t>(e.where[i] - '0');
        }
        return v > 0 ? v - 1 : 0;
    }
    return 0;
}

// Moves a value_error made for a sub-string that starts at `base` in the enclosing text.
inline error shift_error(error e, std::size_t base)
{
    e.where = "col " + std::to_string(error_column(e) + base + 1);
    return e;
}

} // namespace ssw::sip::detail
