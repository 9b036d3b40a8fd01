// SPDX-License-Identifier: MIT
// SIP message parsing (start line, header fields, body framing) and typed accessors.
#include "sip/scan_detail.hpp"

#include <ssw/sip/message.hpp>

#include <cstring>

namespace ssw::sip {
namespace {

const char* find_lf(const char* from, const char* end) noexcept
{
    return static_cast<const char*>(std::memchr(from, '\n', static_cast<std::size_t>(end - from)));
}

bool iequal(std::string_view a, std::string_view b) noexcept
{
    if (a.size() != b.size()) {
        return false;
    }
    for (std::size_t i = 0; i < a.size(); ++i) {
        if (detail::lower(a[i]) != detail::lower(b[i])) {
            return false;
        }
    }
    return true;
}

std::string line_col(std::string_view buffer, std::size_t offset)
{
    std::size_t line = 1;
    std::size_t col = 1;
    for (std::size_t i = 0; i < offset && i < buffer.size(); ++i) {
        if (buffer[i] == '\n') {
            ++line;
            col = 1;
        } else {
            ++col;
        }
    }
    return "line " + std::to_string(line) + " col " + std::to_string(col);
}

error fail(errc code, std::string msg, std::string_view buffer, std::size_t offset)
{
    return make_error(code, std::move(msg), line_col(buffer, offset));
}

result<void> parse_start_line(std::string_view buffer, std::size_t base, std::string_view line,
                              std::string_view& method, std::string_view& ruri,
                              std::string_view& version, std::string_view& reason, int& status)
{
    auto bad = [&](std::string msg, std::size_t col) {
        return unexpected(fail(errc::parse_error, std::move(msg), buffer, base + col));
    };
    if (line.size() >= 4 && iequal(line.substr(0, 4), "SIP/")) {
        const auto sp = line.find(' ');
        version = line.substr(0, sp);
        if (!is_sip_version(version)) {
            return bad("expected SIP-Version such as SIP/2.0 in the status line", 0);
        }
        if (sp == std::string_view::npos) {
            return bad("expected a status code after the SIP version", line.size());
        }
        const std::size_t code_at = sp + 1;
        if (line.size() < code_at + 3 || !detail::is_digit(line[code_at]) ||
            !detail::is_digit(line[code_at + 1]) || !detail::is_digit(line[code_at + 2]) ||
            (line.size() > code_at + 3 && line[code_at + 3] != ' ')) {
            return bad("expected a three-digit status code", code_at);
        }
        status = (line[code_at] - '0') * 100 + (line[code_at + 1] - '0') * 10 +
                 (line[code_at + 2] - '0');
        if (status < 100) {
            return bad("status code must be 100-699", code_at);
        }
        reason = line.size() > code_at + 4 ? line.substr(code_at + 4) : std::string_view{};
        return {};
    }
    const auto sp1 = line.find(' ');
    if (sp1 == std::string_view::npos) {
        return bad("expected 'Method SP Request-URI SP SIP-Version'", 0);
    }
    method = line.substr(0, sp1);
    if (!detail::is_token(method)) {
        return bad("the method must be a token", 0);
    }
    const auto sp2 = line.find(' ', sp1 + 1);
    if (sp2 == std::string_view::npos) {
        return bad("expected SP and SIP-Version after the Request-URI", line.size());
    }
    ruri = line.substr(sp1 + 1, sp2 - sp1 - 1);
    if (ruri.empty()) {
        // RFC 4475 lwsstart: exactly one SP separates the elements.
        return bad("expected a Request-URI after a single SP", sp1 + 1);
    }
    if (!detail::is_alpha(ruri[0]) || ruri.find(':') == std::string_view::npos) {
        // RFC 4475 ltgtruri: the Request-URI is never enclosed in <>.
        return bad("the Request-URI must start with 'scheme:'", sp1 + 1);
    }
    for (std::size_t i = 0; i < ruri.size(); ++i) {
        const auto ch = static_cast<unsigned char>(ruri[i]);
        if (ch < 0x21 || ch == 0x7f) {
            return bad("control character in the Request-URI", sp1 + 1 + i);
        }
    }
    version = line.substr(sp2 + 1);
    if (!is_sip_version(version)) {
        // RFC 4475 lwsruri, trws: no extra SP inside or after the Request-Line elements.
        return bad("expected SIP-Version such as SIP/2.0 at the end of the request line", sp2 + 1);
    }
    return {};
}

} // namespace

bool is_sip_version(std::string_view text) noexcept
{
    if (text.size() < 7 || !iequal(text.substr(0, 4), "SIP/")) {
        return false;
    }
    const auto dot = text.find('.', 4);
    if (dot == std::string_view::npos || dot == 4 || dot + 1 == text.size()) {
        return false;
    }
    for (std::size_t i = 4; i < text.size(); ++i) {
        if (i != dot && !detail::is_digit(text[i])) {
            return false;
        }
    }
    return true;
}

bool looks_like_sip(std::string_view data) noexcept
{
    std::size_t p = 0;
    while (p < data.size() && (data[p] == '\r' || data[p] == '\n')) {
        ++p;
    }
    const std::size_t limit = parse_limits{}.max_start_line_bytes;
    const std::string_view rest = data.substr(p, limit + 2);
    const auto lf = rest.find('\n');
    if (lf == std::string_view::npos) {
        return false;
    }
    std::string_view line = rest.substr(0, lf);
    if (!line.empty() && line.back() == '\r') {
        line.remove_suffix(1);
    }
    if (line.size() >= 4 && iequal(line.substr(0, 4), "SIP/")) {
        const auto sp = line.find(' ');
        return sp != std::string_view::npos && is_sip_version(line.substr(0, sp)) &&
               line.size() >= sp + 4 && detail::is_digit(line[sp + 1]) &&
               detail::is_digit(line[sp + 2]) && detail::is_digit(line[sp + 3]) &&
               (line.size() == sp + 4 || line[sp + 4] == ' ');
    }
    const auto sp1 = line.find(' ');
    const auto sp2 = line.rfind(' ');
    if (sp1 == std::string_view::npos || sp2 == sp1 || !detail::is_token(line.substr(0, sp1))) {
        return false;
    }
    const std::string_view ruri = line.substr(sp1 + 1, sp2 - sp1 - 1);
    return !ruri.empty() && detail::is_alpha(ruri[0]) && ruri.find(':') != std::string_view::npos &&
           is_sip_version(line.substr(sp2 + 1));
}

std::string_view header_field::unfolded(std::string& scratch) const
{
    if (!folded) {
        return value;
    }
    scratch.clear();
    scratch.reserve(value.size());
    for (std::size_t i = 0; i < value.size(); ++i) {
        const char c = value[i];
        if (c == '\r' || c == '\n') {
            while (!scratch.empty() && (scratch.back() == ' ' || scratch.back() == '\t')) {
                scratch.pop_back();
            }
            while (i + 1 < value.size() && detail::is_lws(value[i + 1])) {
                ++i;
            }
            scratch.push_back(' ');
            continue;
        }
        scratch.push_back(c);
    }
    return scratch;
}

void message::clear() noexcept
{
    buffer_ = raw_ = start_line_ = method_ = request_uri_ = version_ = reason_ = body_ = {};
    headers_.clear();
    content_length_.reset();
    trailing_bytes_ = 0;
    status_code_ = 0;
    method_kind_ = method_id::other;
}

result<void> parse_message(std::string_view data, message& m, const parse_options& options)
{
    m.clear();
    const parse_limits& lim = options.limits;
    if (data.size() > lim.max_message_bytes) {
        return unexpected(make_error(errc::limit_exceeded,
                                     "message of " + std::to_string(data.size()) +
                                         " bytes exceeds max_message_bytes " +
                                         std::to_string(lim.max_message_bytes),
                                     "line 1 col 1"));
    }
    const char* const begin = data.data();
    const char* const end = begin + data.size();
    const char* p = begin;
    // RFC 3261 §7.5: ignore CRLFs before the start line.
    while (p < end && (*p == '\r' || *p == '\n')) {
        ++p;
    }
    const auto off = [begin](const char* q) { return static_cast<std::size_t>(q - begin); };
    if (p == end) {
        return unexpected(fail(errc::parse_error, "empty message", data, off(p)));
    }
    const char* const msg_start = p;
    const char* lf = find_lf(p, end);
    if (lf == nullptr) {
        return unexpected(
            fail(errc::parse_error, "expected CRLF after the start line", data, off(end)));
    }
    const char* line_end = (lf > p && lf[-1] == '\r') ? lf - 1 : lf;
    if (static_cast<std::size_t>(line_end - p) > lim.max_start_line_bytes) {
        return unexpected(
            fail(errc::limit_exceeded, "start line exceeds max_start_line_bytes", data, off(p)));
    }
    const std::string_view start_line(p, static_cast<std::size_t>(line_end - p));
    SSW_TRY(parse_start_line(data, off(p), start_line, m.method_, m.request_uri_, m.version_,
                             m.reason_, m.status_code_));
    if (m.status_code_ == 0) {
        m.method_kind_ = lookup_method(m.method_);
    }
    m.start_line_ = start_line;
    p = lf + 1;

    std::optional<std::size_t> content_length;
    while (true) {
        if (p >= end) {
            return unexpected(fail(errc::parse_error, "expected an empty line after the headers",
                                   data, off(end)));
        }
        if (*p == '\n') {
            ++p;
            break;
        }
        if (*p == '\r') {
            if (p + 1 < end && p[1] == '\n') {
                p += 2;
                break;
            }
            return unexpected(fail(errc::parse_error, "expected LF after CR", data, off(p)));
        }
        if (*p == ' ' || *p == '\t') {
            return unexpected(
                fail(errc::parse_error, "continuation line without a header field", data, off(p)));
        }
        if (m.headers_.size() >= lim.max_headers) {
            return unexpected(
                fail(errc::limit_exceeded, "more than max_headers header fields", data, off(p)));
        }
        const char* name_end = p;
        while (name_end < end && detail::is_token_char(*name_end)) {
            ++name_end;
        }
        if (name_end == p) {
            return unexpected(
                fail(errc::parse_error, "expected a header field name", data, off(p)));
        }
        const char* colon = name_end;
        while (colon < end && (*colon == ' ' || *colon == '\t')) {
            ++colon;
        }
        if (colon >= end || *colon != ':') {
            return unexpected(fail(errc::parse_error, "expected ':' after the header field name",
                                   data, off(colon)));
        }
        // Find the end of the field: a LF not followed by SP/HT.
        bool folded = false;
        lf = find_lf(colon, end);
        while (lf != nullptr && lf + 1 < end && (lf[1] == ' ' || lf[1] == '\t')) {
            folded = true;
            lf = find_lf(lf + 1, end);
        }
        if (lf == nullptr) {
            return unexpected(
                fail(errc::parse_error, "header field not terminated by CRLF", data, off(end)));
        }
        line_end = (lf[-1] == '\r') ? lf - 1 : lf;
        if (static_cast<std::size_t>(line_end - p) > lim.max_header_bytes) {
            return unexpected(
                fail(errc::limit_exceeded, "header field exceeds max_header_bytes", data, off(p)));
        }
        const char* v = colon + 1;
        while (v < line_end && detail::is_lws(*v)) {
            ++v;
        }
        const char* ve = line_end;
        while (ve > v && detail::is_lws(ve[-1])) {
            --ve;
        }
        header_field f;
        f.name = std::string_view(p, static_cast<std::size_t>(name_end - p));
        f.value = std::string_view(v, static_cast<std::size_t>(ve - v));
        f.line = std::string_view(p, static_cast<std::size_t>(line_end - p));
        f.id = lookup_header(f.name);
        f.folded = folded;
        if (f.id == header_id::content_length) {
            const auto n = detail::parse_bounded(detail::trim_lws(f.value), lim.max_message_bytes);
            if (!n) {
                return unexpected(
                    fail(errc::parse_error,
                         "Content-Length must be a number of bytes up to max_message_bytes", data,
                         off(v)));
            }
            if (content_length && *content_length != *n) {
                return unexpected(
                    fail(errc::parse_error, "conflicting Content-Length values", data, off(p)));
            }
            content_length = static_cast<std::size_t>(*n);
        }
        m.headers_.push_back(f);
        p = lf + 1;
    }

    const auto available = static_cast<std::size_t>(end - p);
    std::size_t body_len = available;
    if (content_length) {
        if (*content_length > available) {
            return unexpected(fail(errc::parse_error,
                                   "Content-Length " + std::to_string(*content_length) +
                                       " exceeds the " + std::to_string(available) +
                                       " bytes after the headers",
                                   data, off(p)));
        }
        body_len = *content_length;
    } else if (options.mode == framing::stream) {
        return unexpected(fail(errc::parse_error, "Content-Length is required on stream transports",
                               data, off(p)));
    }
    m.body_ = std::string_view(p, body_len);
    m.trailing_bytes_ = available - body_len;
    m.content_length_ = content_length;
    m.buffer_ = data;
    m.raw_ = std::string_view(msg_start, static_cast<std::size_t>(p + body_len - msg_start));
    return {};
}

result<message> parse_message(std::string_view data, const parse_options& options)
{
    message m;
    SSW_TRY(parse_message(data, m, options));
    return m;
}

const header_field* message::find(header_id id) const noexcept
{
    for (const auto& h : headers_) {
        if (h.id == id) {
            return &h;
        }
    }
    return nullptr;
}

const header_field* message::find(std::string_view name) const noexcept
{
    const header_id id = lookup_header(name);
    if (id != header_id::other) {
        return find(id);
    }
    for (const auto& h : headers_) {
        if (h.id == header_id::other && iequal(h.name, name)) {
            return &h;
        }
    }
    return nullptr;
}

std::size_t message::count(header_id id) const noexcept
{
    std::size_t n = 0;
    for (const auto& h : headers_) {
        n += h.id == id ? 1U : 0U;
    }
    return n;
}

std::string_view message::value(header_id id) const noexcept
{
    const header_field* h = find(id);
    return h != nullptr ? h->value : std::string_view{};
}

std::vector<std::string_view> message::values(header_id id) const
{
    std::vector<std::string_view> out;
    for (const auto& h : headers_) {
        if (h.id == id) {
            for (auto v : split_list(h.value)) {
                out.push_back(v);
            }
        }
    }
    return out;
}

std::string message::locate(const char* p) const
{
    if (p < buffer_.data() || p > buffer_.data() + buffer_.size()) {
        return {};
    }
    return line_col(buffer_, static_cast<std::size_t>(p - buffer_.data()));
}

error message::relocate(error e, std::string_view parsed) const
{
    const std::size_t col = detail::error_column(e);
    const char* p = parsed.data() + (col <= parsed.size() ? col : parsed.size());
    e.where = locate(p);
    return e;
}

template <class T, class F> result<std::vector<T>> message::list_of(header_id id, F&& parse) const
{
    std::vector<T> out;
    for (const auto& h : headers_) {
        if (h.id != id) {
            continue;
        }
        for (std::string_view item : split_list(h.value)) {
            if (item.empty()) {
                return unexpected(make_error(
                    errc::parse_error, "empty element in " + std::string(header_name(id)) + " list",
                    locate(item.data())));
            }
            auto r = parse(item);
            if (!r) {
                return unexpected(relocate(std::move(r).error(), item));
            }
            out.push_back(std::move(*r));
        }
    }
    return out;
}

template <class T, class F> result<T> message::single(header_id id, F&& parse) const
{
    const header_field* h = find(id);
    if (h == nullptr) {
        return unexpected(
            make_error(errc::not_found, "no " + std::string(header_name(id)) + " header"));
    }
    auto r = parse(h->value);
    if (!r) {
        return unexpected(relocate(std::move(r).error(), h->value));
    }
    return std::move(*r);
}

result<uri> message::request_uri() const
{
    if (!is_request()) {
        return unexpected(make_error(errc::invalid_argument, "a response has no Request-URI"));
    }
    auto r = parse_uri(request_uri_);
    if (!r) {
        return unexpected(relocate(std::move(r).error(), request_uri_));
    }
    return r;
}

result<std::vector<via>> message::vias() const
{
    return list_of<via>(header_id::via, parse_via);
}

result<via> message::top_via() const
{
    const header_field* h = find(header_id::via);
    if (h == nullptr) {
        return unexpected(make_error(errc::not_found, "no Via header"));
    }
    std::size_t pos = 0;
    const std::string_view first = next_list_element(h->value, pos);
    auto r = parse_via(first);
    if (!r) {
        return unexpected(relocate(std::move(r).error(), first));
    }
    return r;
}

result<name_addr> message::from() const
{
    return single<name_addr>(header_id::from, parse_name_addr);
}
result<name_addr> message::to() const
{
    return single<name_addr>(header_id::to, parse_name_addr);
}
result<cseq_value> message::cseq() const
{
    return single<cseq_value>(header_id::cseq, parse_cseq);
}

result<std::vector<contact>> message::contacts() const
{
    return list_of<contact>(header_id::contact, parse_contact);
}

result<std::optional<std::uint8_t>> message::max_forwards() const
{
    if (find(header_id::max_forwards) == nullptr) {
        return std::optional<std::uint8_t>{};
    }
    SSW_TRY_ASSIGN(auto v, single<std::uint8_t>(header_id::max_forwards, parse_max_forwards));
    return std::optional<std::uint8_t>{v};
}

result<std::optional<std::uint32_t>> message::expires() const
{
    if (find(header_id::expires) == nullptr) {
        return std::optional<std::uint32_t>{};
    }
    SSW_TRY_ASSIGN(auto v, single<std::uint32_t>(header_id::expires, parse_delta_seconds));
    return std::optional<std::uint32_t>{v};
}

result<std::optional<std::uint32_t>> message::min_expires() const
{
    if (find(header_id::min_expires) == nullptr) {
        return std::optional<std::uint32_t>{};
    }
    SSW_TRY_ASSIGN(auto v, single<std::uint32_t>(header_id::min_expires, parse_delta_seconds));
    return std::optional<std::uint32_t>{v};
}

result<std::optional<media_type>> message::content_type() const
{
    if (find(header_id::content_type) == nullptr) {
        return std::optional<media_type>{};
    }
    SSW_TRY_ASSIGN(auto v, single<media_type>(header_id::content_type, parse_media_type));
    return std::optional<media_type>{v};
}

result<std::vector<name_addr>> message::routes() const
{
    return list_of<name_addr>(header_id::route, parse_name_addr);
}
result<std::vector<name_addr>> message::record_routes() const
{
    return list_of<name_addr>(header_id::record_route, parse_name_addr);
}
result<std::vector<name_addr>> message::p_asserted_identities() const
{
    return list_of<name_addr>(header_id::p_asserted_identity, parse_name_addr);
}

namespace {
template <class M> result<std::vector<std::string_view>> tokens_of(const M& m, header_id id)
{
    std::vector<std::string_view> out;
    for (const auto& h : m.headers()) {
        if (h.id != id) {
            continue;
        }
        auto r = parse_token_list(h.value);
        if (!r) {
            auto e = std::move(r).error();
            e.where = m.locate(h.value.data() + detail::error_column(e));
            return unexpected(std::move(e));
        }
        out.insert(out.end(), r->begin(), r->end());
    }
    return out;
}
} // namespace

result<std::vector<std::string_view>> message::allow() const
{
    return tokens_of(*this, header_id::allow);
}
result<std::vector<std::string_view>> message::supported() const
{
    return tokens_of(*this, header_id::supported);
}
result<std::vector<std::string_view>> message::require() const
{
    return tokens_of(*this, header_id::require);
}

result<std::vector<auth_value>> message::challenges(header_id id) const
{
    if (id != header_id::www_authenticate && id != header_id::proxy_authenticate) {
        return unexpected(make_error(errc::invalid_argument,
                                     "challenges() takes WWW-Authenticate or Proxy-Authenticate"));
    }
    std::vector<auth_value> out;
    for (const auto& h : headers_) {
        if (h.id != id) {
            continue;
        }
        auto r = parse_auth_value(h.value);
        if (!r) {
            return unexpected(relocate(std::move(r).error(), h.value));
        }
        out.push_back(std::move(*r));
    }
    return out;
}

result<auth_value> message::credentials(header_id id) const
{
    if (id != header_id::authorization && id != header_id::proxy_authorization) {
        return unexpected(make_error(errc::invalid_argument,
                                     "credentials() takes Authorization or Proxy-Authorization"));
    }
    return single<auth_value>(id, parse_auth_value);
}

} // namespace ssw::sip
