// SPDX-License-Identifier: MIT
// The SIP start-line heuristic.
#include <ssw/pcap/sip_sniff.hpp>

#include <algorithm>

namespace ssw::pcap {
namespace {

bool is_digit(char c)
{
    return c >= '0' && c <= '9';
}

// RFC 3261 §25.1 token characters (a method is a token).
bool is_token_char(char c)
{
    if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || is_digit(c)) {
        return true;
    }
    switch (c) {
    case '-':
    case '.':
    case '!':
    case '%':
    case '*':
    case '_':
    case '+':
    case '`':
    case '\'':
    case '~': return true;
    default: return false;
    }
}

} // namespace

bool looks_like_sip(std::string_view p) noexcept
{
    while (p.size() >= 2 && p[0] == '\r' && p[1] == '\n') {
        p.remove_prefix(2);
    }
    const std::string_view line = p.substr(0, std::min(p.size(), max_sniff_line_bytes));
    const std::size_t eol = line.find("\r\n");
    const std::string_view first = eol == std::string_view::npos ? line : line.substr(0, eol);
    constexpr std::string_view version = "SIP/2.0";
    if (first.size() >= 12 && first.substr(0, 8) == "SIP/2.0 " && is_digit(first[8]) &&
        is_digit(first[9]) && is_digit(first[10]) && first[11] == ' ') {
        return true;
    }
    if (first.size() == 11 && first.substr(0, 8) == "SIP/2.0 " && is_digit(first[8]) &&
        is_digit(first[9]) && is_digit(first[10])) {
        return true; // a status line with an empty reason phrase and no space
    }
    std::size_t i = 0;
    while (i < first.size() && is_token_char(first[i])) {
        ++i;
    }
    if (i == 0 || i >= first.size() || first[i] != ' ') {
        return false;
    }
    const std::size_t sp = first.rfind(' ');
    if (sp <= i + 1 || first.substr(sp + 1) != version) {
        return false;
    }
    // The Request-URI: no spaces, and a scheme (sip:, sips:, tel:...).
    const std::string_view uri = first.substr(i + 1, sp - i - 1);
    return uri.find(' ') == std::string_view::npos && uri.find(':') != std::string_view::npos &&
           (eol != std::string_view::npos || line.size() == p.size());
}

bool looks_like_sip(std::span<const std::uint8_t> payload) noexcept
{
    return looks_like_sip(
        std::string_view(reinterpret_cast<const char*>(payload.data()), payload.size()));
}

} // namespace ssw::pcap
