// SPDX-License-Identifier: MIT
// Generic ";name=value" parameter lists of SIP URIs and header values (RFC 3261 §19.1.1, §25.1).
#pragma once

#include <ssw/core/result.hpp>

#include <cstddef>
#include <optional>
#include <string_view>

namespace ssw::sip {

// One parameter as written. `value` is empty when there is no '='; a quoted value is given
// without its quotes (quoted-pairs left as written).
struct param {
    std::string_view name;
    std::string_view value;
    bool has_value = false;
    bool quoted = false;
};

// A view over a raw parameter list, the text starting at the first ';' (or empty).
// Iteration tolerates LWS around ';' and '=' (header parameters allow it, RFC 3261 §25.1
// SEMI/EQUAL). The list was validated by whoever produced it (parse_uri, parse_via,
// parse_name_addr), so iteration cannot fail; on text it does not understand it stops.
class param_list {
  public:
    param_list() = default;
    explicit param_list(std::string_view raw) noexcept : raw_(raw) {}

    // The raw text, as in the message (starting with ';' when not empty).
    [[nodiscard]] std::string_view raw() const noexcept { return raw_; }
    [[nodiscard]] bool empty() const noexcept { return raw_.empty(); }

    // The first parameter whose name equals `name` case-insensitively (parameter names are
    // case-insensitive, RFC 3261 §19.1.4), or nullopt.
    [[nodiscard]] std::optional<param> find(std::string_view name) const noexcept;
    // True when a parameter of that name is present (with or without value).
    [[nodiscard]] bool has(std::string_view name) const noexcept { return find(name).has_value(); }
    // The value of `name`, or nullopt when absent; "" when present without a value.
    [[nodiscard]] std::optional<std::string_view> value(std::string_view name) const noexcept;

    // Calls f(param) for each parameter in order; stop early by returning false.
    template <class F> void for_each(F&& f) const
    {
        std::size_t pos = 0;
        param p;
        while (next(pos, p)) {
            if (!f(p)) {
                return;
            }
        }
    }
    // Number of parameters.
    [[nodiscard]] std::size_t size() const noexcept;

    // Advances through the list: fills `out` from position `pos` and moves `pos` past it.
    // Returns false at the end. Exposed for for_each; prefer find/for_each.
    bool next(std::size_t& pos, param& out) const noexcept;

  private:
    std::string_view raw_;
};

// Validates a header parameter list (RFC 3261 generic-param: token [EQUAL (token / host /
// quoted-string)]) starting at `text[0] == ';'` and ending at the end of `text`.
// Returns parse_error naming the column of the first bad character.
result<param_list> parse_header_params(std::string_view text);

} // namespace ssw::sip
