// SPDX-License-Identifier: MIT
// SDP parsing (RFC 4566 subset) and connection/port rewriting for media relays.
#include <ssw/sdp/session.hpp>
#include <ssw/sip/uri.hpp>

#include <charconv>

namespace ssw::sdp {
namespace {

struct line_view {
    char type = 0;
    std::string_view value;
    std::size_t offset = 0;    // of the value within the text
    std::size_t value_end = 0; // offset just past the value (before CR/LF)
    std::size_t number = 0;    // 1-based line number
};

error line_error(std::string msg, std::size_t line)
{
    return make_error(errc::parse_error, std::move(msg), "line " + std::to_string(line));
}

// Splits on single spaces (RFC 4566 §5: fields are separated by exactly one SP; tolerate
// several to accept sloppy peers).
std::vector<std::string_view> fields(std::string_view v)
{
    std::vector<std::string_view> out;
    std::size_t i = 0;
    while (i < v.size()) {
        while (i < v.size() && v[i] == ' ') {
            ++i;
        }
        const std::size_t start = i;
        while (i < v.size() && v[i] != ' ') {
            ++i;
        }
        if (i > start) {
            out.push_back(v.substr(start, i - start));
        }
    }
    return out;
}

template <class T> std::optional<T> number(std::string_view s, T max)
{
    if (s.empty() || s.size() > 10) {
        return std::nullopt;
    }
    std::uint64_t v = 0;
    const auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
    if (ec != std::errc{} || p != s.data() + s.size() || v > max) {
        return std::nullopt;
    }
    return static_cast<T>(v);
}

result<connection> parse_connection(std::string_view v, std::size_t line)
{
    const auto f = fields(v);
    if (f.size() != 3) {
        return unexpected(line_error("c= needs <nettype> <addrtype> <address>", line));
    }
    connection c;
    c.net_type = f[0];
    c.addr_type = f[1];
    const auto slash = f[2].find('/');
    c.address = f[2].substr(0, slash);
    if (slash != std::string_view::npos) {
        c.suffix = f[2].substr(slash + 1);
    }
    c.line = v;
    bool dotted_digits = !c.address.empty();
    for (char ch : c.address) {
        dotted_digits = dotted_digits && ((ch >= '0' && ch <= '9') || ch == '.');
    }
    if (c.addr_type == "IP4" && dotted_digits && !sip::is_ipv4_address(c.address)) {
        return unexpected(line_error("c= IP4 address is not a valid IPv4 address", line));
    }
    if (c.addr_type == "IP6" && c.address.find(':') != std::string_view::npos &&
        !sip::is_ipv6_address(c.address)) {
        return unexpected(line_error("c= IP6 address is not a valid IPv6 address", line));
    }
    if (c.address.empty()) {
        return unexpected(line_error("c= address is empty", line));
    }
    return c;
}

std::optional<direction> direction_of(std::string_view attr) noexcept
{
    if (attr == "sendrecv") {
        return direction::sendrecv;
    }
    if (attr == "sendonly") {
        return direction::sendonly;
    }
    if (attr == "recvonly") {
        return direction::recvonly;
    }
    if (attr == "inactive") {
        return direction::inactive;
    }
    return std::nullopt;
}

result<std::vector<line_view>> split_lines(std::string_view text, const parse_limits& limits)
{
    if (text.size() > limits.max_bytes) {
        return unexpected(make_error(errc::limit_exceeded, "SDP exceeds max_bytes", "line 1"));
    }
    std::vector<line_view> lines;
    std::size_t pos = 0;
    std::size_t n = 0;
    while (pos < text.size()) {
        auto eol = text.find('\n', pos);
        const std::size_t next = eol == std::string_view::npos ? text.size() : eol + 1;
        std::size_t end = eol == std::string_view::npos ? text.size() : eol;
        if (end > pos && text[end - 1] == '\r') {
            --end;
        }
        ++n;
        const std::string_view l = text.substr(pos, end - pos);
        if (!l.empty()) {
            if (lines.size() >= limits.max_lines) {
                return unexpected(make_error(errc::limit_exceeded,
                                             "SDP has more than max_lines lines",
                                             "line " + std::to_string(n)));
            }
            if (l.size() < 2 || l[1] != '=' || l[0] < 'a' || l[0] > 'z') {
                return unexpected(line_error("expected '<letter>=<value>'", n));
            }
            lines.push_back(line_view{l[0], l.substr(2), pos + 2, end, n});
        }
        pos = next;
    }
    return lines;
}

} // namespace

std::string_view to_string(direction d) noexcept
{
    switch (d) {
    case direction::sendrecv: return "sendrecv";
    case direction::sendonly: return "sendonly";
    case direction::recvonly: return "recvonly";
    case direction::inactive: return "inactive";
    }
    return "sendrecv";
}

std::vector<std::uint8_t> media::payload_types() const
{
    std::vector<std::uint8_t> out;
    for (auto f : formats) {
        if (auto pt = number<std::uint8_t>(f, 127)) {
            out.push_back(*pt);
        }
    }
    return out;
}

const rtpmap* media::find_rtpmap(std::uint8_t pt) const noexcept
{
    for (const auto& r : rtpmaps) {
        if (r.payload_type == pt) {
            return &r;
        }
    }
    return nullptr;
}

const connection* session::connection_for(std::size_t i) const noexcept
{
    if (i < media_list.size() && media_list[i].conn) {
        return &*media_list[i].conn;
    }
    return conn ? &*conn : nullptr;
}

direction session::direction_for(std::size_t i) const noexcept
{
    if (i < media_list.size() && media_list[i].dir) {
        return *media_list[i].dir;
    }
    return dir.value_or(direction::sendrecv);
}

result<session> parse_session(std::string_view text, const parse_limits& limits)
{
    SSW_TRY_ASSIGN(const auto lines, split_lines(text, limits));
    session s;
    if (lines.empty() || lines.front().type != 'v') {
        return unexpected(
            line_error("SDP must start with v=", lines.empty() ? 1 : lines.front().number));
    }
    if (lines.front().value != "0") {
        return unexpected(
            line_error("unsupported SDP version (v=0 expected)", lines.front().number));
    }
    s.version = lines.front().value;
    media* current = nullptr;
    for (std::size_t i = 1; i < lines.size(); ++i) {
        const line_view& l = lines[i];
        switch (l.type) {
        case 'o': {
            const auto f = fields(l.value);
            if (f.size() != 6) {
                return unexpected(line_error("o= needs six fields", l.number));
            }
            s.orig = origin{f[0], f[1], f[2], f[3], f[4], f[5]};
            break;
        }
        case 's': s.name = l.value; break;
        case 'c': {
            SSW_TRY_ASSIGN(auto c, parse_connection(l.value, l.number));
            if (current != nullptr) {
                current->conn = c;
            } else {
                s.conn = c;
            }
            break;
        }
        case 'm': {
            if (s.media_list.size() >= limits.max_media) {
                return unexpected(make_error(errc::limit_exceeded, "more than max_media m= lines",
                                             "line " + std::to_string(l.number)));
            }
            const auto f = fields(l.value);
            if (f.size() < 3) {
                return unexpected(
                    line_error("m= needs <media> <port> <proto> [<fmt> ...]", l.number));
            }
            media m;
            m.type = f[0];
            const auto slash = f[1].find('/');
            const auto port = number<std::uint16_t>(f[1].substr(0, slash), 65535);
            if (!port) {
                return unexpected(line_error("m= port must be 0-65535", l.number));
            }
            m.port = *port;
            if (slash != std::string_view::npos) {
                const auto count = number<std::uint16_t>(f[1].substr(slash + 1), 65535);
                if (!count || *count == 0) {
                    return unexpected(
                        line_error("m= port count must be a positive number", l.number));
                }
                m.port_count = *count;
            }
            m.proto = f[2];
            if (f.size() - 3 > limits.max_formats_per_media) {
                return unexpected(make_error(errc::limit_exceeded,
                                             "more than max_formats_per_media formats",
                                             "line " + std::to_string(l.number)));
            }
            m.formats.assign(f.begin() + 3, f.end());
            s.media_list.push_back(std::move(m));
            current = &s.media_list.back();
            break;
        }
        case 'a': {
            const std::string_view a = l.value;
            const auto colon = a.find(':');
            const std::string_view name = a.substr(0, colon);
            const std::string_view val =
                colon == std::string_view::npos ? std::string_view{} : a.substr(colon + 1);
            if (auto d = direction_of(a)) {
                (current != nullptr ? current->dir : s.dir) = *d;
            }
            if (current == nullptr) {
                s.attributes.push_back(a);
                break;
            }
            current->attributes.push_back(a);
            if (name == "rtpmap") {
                const auto sp = val.find(' ');
                const auto pt = number<std::uint8_t>(val.substr(0, sp), 127);
                if (!pt || sp == std::string_view::npos) {
                    return unexpected(line_error(
                        "a=rtpmap needs <payload type 0-127> <encoding>/<clock rate>", l.number));
                }
                const std::string_view enc = val.substr(sp + 1);
                const auto s1 = enc.find('/');
                rtpmap r;
                r.payload_type = *pt;
                r.encoding = enc.substr(0, s1);
                if (r.encoding.empty()) {
                    return unexpected(line_error("a=rtpmap needs an encoding name", l.number));
                }
                // RFC 4566 §6 requires the clock rate, but deployed SDP omits it (RFC 4475's
                // "a=rtpmap:31 LPC"); keep the line with clock_rate 0 rather than drop the call.
                if (s1 != std::string_view::npos) {
                    const std::string_view rest = enc.substr(s1 + 1);
                    const auto s2 = rest.find('/');
                    const auto rate = number<std::uint32_t>(rest.substr(0, s2), 0xffffffffU);
                    if (!rate) {
                        return unexpected(
                            line_error("a=rtpmap clock rate must be a number", l.number));
                    }
                    r.clock_rate = *rate;
                    if (s2 != std::string_view::npos) {
                        r.parameters = rest.substr(s2 + 1);
                    }
                }
                current->rtpmaps.push_back(r);
            } else if (name == "fmtp") {
                const auto sp = val.find(' ');
                current->fmtps.push_back(fmtp{val.substr(0, sp), sp == std::string_view::npos
                                                                     ? std::string_view{}
                                                                     : val.substr(sp + 1)});
            } else if (name == "ptime") {
                // RFC 4566 §6 ptime is in milliseconds; some peers write "20.0".
                const auto dot = val.find('.');
                const auto ms = number<std::uint32_t>(val.substr(0, dot), 100000);
                if (!ms) {
                    return unexpected(
                        line_error("a=ptime must be a number of milliseconds", l.number));
                }
                current->ptime_ms = *ms;
            }
            break;
        }
        default: break;
        }
    }
    return s;
}

result<std::string> rewrite_session(std::string_view text, const rewrite& rw,
                                    const parse_limits& limits)
{
    SSW_TRY(parse_session(text, limits));
    SSW_TRY_ASSIGN(const auto lines, split_lines(text, limits));
    const bool v6 = rw.connection_address.find(':') != std::string::npos;
    const std::string_view addr_type = v6 ? "IP6" : "IP4";
    std::string out;
    out.reserve(text.size() + 64);
    std::size_t copied = 0;
    std::size_t media_index = 0;
    auto replace_value = [&](const line_view& l, const std::string& value) {
        out.append(text.substr(copied, l.offset - copied));
        out.append(value);
        copied = l.value_end;
    };
    for (const line_view& l : lines) {
        if (l.type == 'c' && !rw.connection_address.empty()) {
            const auto f = fields(l.value);
            const auto slash = f[2].find('/');
            std::string v =
                std::string(f[0]) + " " + std::string(addr_type) + " " + rw.connection_address;
            if (slash != std::string_view::npos) {
                v += f[2].substr(slash);
            }
            replace_value(l, v);
        } else if (l.type == 'o' && rw.rewrite_origin && !rw.connection_address.empty()) {
            const auto f = fields(l.value);
            std::string v;
            for (std::size_t i = 0; i < 4; ++i) {
                v.append(f[i]).append(" ");
            }
            v.append(addr_type).append(" ").append(rw.connection_address);
            replace_value(l, v);
        } else if (l.type == 'm') {
            const std::size_t idx = media_index++;
            if (idx < rw.media_ports.size() && rw.media_ports[idx]) {
                const auto f = fields(l.value);
                const auto slash = f[1].find('/');
                std::string v = std::string(f[0]) + " " + std::to_string(*rw.media_ports[idx]);
                if (slash != std::string_view::npos) {
                    v += f[1].substr(slash);
                }
                for (std::size_t i = 2; i < f.size(); ++i) {
                    v.append(" ").append(f[i]);
                }
                replace_value(l, v);
            }
        }
    }
    out.append(text.substr(copied));
    return out;
}

} // namespace ssw::sdp
