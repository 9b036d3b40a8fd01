// SPDX-License-Identifier: MIT
// Stream framing for SIP over TCP/TLS.
#include "sip/scan_detail.hpp"

#include <ssw/sip/headers.hpp>
#include <ssw/sip/stream_framer.hpp>

#include <cstring>
#include <optional>

namespace ssw::sip {
namespace {

frame invalid(std::string reason)
{
    frame f;
    f.status = frame_status::invalid;
    f.reason = std::move(reason);
    return f;
}

} // namespace

frame next_frame(std::string_view buf, const framer_limits& limits)
{
    frame f;
    if (buf.empty()) {
        return f;
    }
    if (buf[0] == '\r' || buf[0] == '\n') {
        if (buf.size() >= 4 && buf.substr(0, 4) == "\r\n\r\n") {
            f.status = frame_status::complete;
            f.kind = frame_kind::keepalive_ping;
            f.length = 4;
            return f;
        }
        if (buf.size() >= 3 && buf.substr(0, 2) == "\r\n" && buf[2] != '\r') {
            f.status = frame_status::complete;
            f.kind = frame_kind::keepalive_pong;
            f.length = 2;
            return f;
        }
        if (buf == "\r\n" || buf == "\r\n\r" || buf == "\r") {
            return f;
        }
        // Stray LFs or a CR not followed by LF: skip them as RFC 3261 §7.5 allows.
        std::size_t skip = 0;
        while (skip < buf.size() && (buf[skip] == '\r' || buf[skip] == '\n')) {
            ++skip;
        }
        frame rest = next_frame(buf.substr(skip), limits);
        if (rest.status == frame_status::complete && rest.kind == frame_kind::message) {
            rest.skip += skip;
        } else if (rest.status == frame_status::complete) {
            rest.kind = frame_kind::message;
            rest.status = frame_status::need_more;
            rest.length = 0;
        }
        if (rest.status == frame_status::need_more && buf.size() >= limits.max_header_bytes) {
            // A peer sending only line ends must not grow the buffer without bound.
            return invalid("stray line ends exceed max_header_bytes");
        }
        return rest;
    }

    // Find the end of the header section.
    const std::size_t scan_limit =
        buf.size() < limits.max_header_bytes ? buf.size() : limits.max_header_bytes;
    std::size_t header_end = std::string_view::npos;
    for (std::size_t i = 0; i < scan_limit;) {
        const void* hit = std::memchr(buf.data() + i, '\n', scan_limit - i);
        if (hit == nullptr) {
            break;
        }
        const auto lf = static_cast<std::size_t>(static_cast<const char*>(hit) - buf.data());
        if (lf + 1 < buf.size() && buf[lf + 1] == '\n') {
            header_end = lf + 2;
            break;
        }
        if (lf + 2 < buf.size() && buf[lf + 1] == '\r' && buf[lf + 2] == '\n') {
            header_end = lf + 3;
            break;
        }
        i = lf + 1;
    }
    if (header_end == std::string_view::npos) {
        if (buf.size() >= limits.max_header_bytes) {
            return invalid("header section exceeds max_header_bytes");
        }
        return f;
    }

    // Scan header lines for Content-Length (folding is irrelevant: its value is digits).
    std::optional<std::size_t> content_length;
    std::size_t pos = buf.find('\n');
    pos = pos == std::string_view::npos ? header_end : pos + 1;
    while (pos < header_end) {
        std::size_t eol = buf.find('\n', pos);
        if (eol == std::string_view::npos || eol >= header_end) {
            eol = header_end;
        }
        std::string_view line = buf.substr(pos, eol - pos);
        pos = eol + 1;
        if (!line.empty() && line.back() == '\r') {
            line.remove_suffix(1);
        }
        const auto colon = line.find(':');
        if (colon == std::string_view::npos || line.empty() || line[0] == ' ' || line[0] == '\t') {
            continue;
        }
        const std::string_view name = detail::trim_lws(line.substr(0, colon));
        if (lookup_header(name) != header_id::content_length) {
            continue;
        }
        const auto n = detail::parse_bounded(detail::trim_lws(line.substr(colon + 1)),
                                             limits.max_message_bytes);
        if (!n) {
            return invalid("bad Content-Length value");
        }
        if (content_length && *content_length != *n) {
            return invalid("conflicting Content-Length values");
        }
        content_length = static_cast<std::size_t>(*n);
    }
    if (!content_length) {
        return invalid("missing Content-Length (required on stream transports)");
    }
    const std::size_t total = header_end + *content_length;
    if (total > limits.max_message_bytes) {
        return invalid("message exceeds max_message_bytes");
    }
    if (buf.size() < total) {
        return f;
    }
    f.status = frame_status::complete;
    f.kind = frame_kind::message;
    f.length = total;
    return f;
}

void stream_framer::append(std::string_view bytes)
{
    if (consumed_ > 0 && consumed_ * 2 >= buffer_.size()) {
        buffer_.erase(0, consumed_);
        consumed_ = 0;
    }
    buffer_.append(bytes);
    current_ = {};
}

frame stream_framer::next()
{
    const std::string_view pending = std::string_view(buffer_).substr(consumed_);
    frame f = next_frame(pending, limits_);
    if (f.status == frame_status::complete) {
        current_ = pending.substr(f.skip, f.length);
        consumed_ += f.skip + f.length;
    } else {
        current_ = {};
    }
    return f;
}

} // namespace ssw::sip
