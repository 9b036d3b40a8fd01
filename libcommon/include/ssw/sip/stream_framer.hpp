// SPDX-License-Identifier: MIT
// Message boundaries in a SIP byte stream (TCP/TLS): Content-Length framing and RFC 5626
// keep-alives.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace ssw::sip {

// Bounds on what the framer will buffer before giving up on a stream.
struct framer_limits {
    // Start line plus headers, up to and including the empty line.
    std::size_t max_header_bytes = 32768;
    // Whole message including body.
    std::size_t max_message_bytes = 65535;
};

// What the bytes at the front of the buffer are.
enum class frame_status : std::uint8_t {
    complete,  // `length` bytes form one unit (a message or a keep-alive)
    need_more, // not enough bytes yet; call again when more arrive
    invalid,   // the stream cannot be framed (no or bad Content-Length, limit hit); close it
};

enum class frame_kind : std::uint8_t {
    message,        // a SIP message of `length` bytes (leading CRLFs excluded, see `skip`)
    keepalive_ping, // RFC 5626 §3.5.1: CRLFCRLF from a client
    keepalive_pong, // RFC 5626 §3.5.1: a single CRLF answering a ping
};

struct frame {
    frame_status status = frame_status::need_more;
    frame_kind kind = frame_kind::message;
    std::size_t skip = 0;   // bytes before the unit (never more than 0 for keep-alives)
    std::size_t length = 0; // bytes of the unit; consume skip + length
    std::string reason;     // for invalid: what was wrong (e.g. "missing Content-Length")
};

// Looks at the front of `buffered` (the unconsumed stream bytes) and classifies it.
// - "\r\n\r\n" at the front is a ping (length 4); "\r\n" followed by anything other than
//   '\r' is a pong (length 2); a lone "\r\n" or "\r\n\r" is need_more, because the rest of a
//   ping may still arrive (callers at end of stream treat a leftover CRLF as a pong).
//   Other stray CR/LF before a message are skipped (reported in `skip`, RFC 3261 §7.5);
//   a run of them reaching max_header_bytes is invalid.
// - Otherwise it finds the empty line ending the headers (CRLF CRLF or LF LF), reads
//   Content-Length (or the compact "l") and returns complete when all body bytes are there.
//   RFC 3261 §18.3: a stream message without Content-Length is invalid.
// Runs in O(size of the header section); it never reads beyond `buffered`.
[[nodiscard]] frame next_frame(std::string_view buffered, const framer_limits& limits = {});

// An incremental wrapper that owns the buffer: append() bytes as they arrive, then call
// next() until it returns need_more or invalid; each complete unit is `current()` until the
// next call. Memory is bounded by framer_limits::max_message_bytes plus one read.
class stream_framer {
  public:
    explicit stream_framer(framer_limits limits = {}) : limits_(limits) {}

    // Adds received bytes.
    void append(std::string_view bytes);
    // Frames the next unit; on complete, current() views it until the next append()/next().
    frame next();
    // The unit returned by the last complete next().
    [[nodiscard]] std::string_view current() const noexcept { return current_; }
    // Bytes buffered and not yet framed.
    [[nodiscard]] std::size_t buffered() const noexcept { return buffer_.size() - consumed_; }

  private:
    framer_limits limits_;
    std::string buffer_;
    std::size_t consumed_ = 0;
    std::string_view current_;
};

} // namespace ssw::sip
