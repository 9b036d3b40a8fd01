// SPDX-License-Identifier: MIT
// A zero-copy SIP message: parse a byte buffer into views (RFC 3261 §7), typed accessors on demand.
#pragma once

#include <ssw/core/result.hpp>
#include <ssw/sip/digest_auth.hpp>
#include <ssw/sip/header_values.hpp>
#include <ssw/sip/headers.hpp>
#include <ssw/sip/name_addr.hpp>
#include <ssw/sip/uri.hpp>
#include <ssw/sip/via.hpp>

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace ssw::sip {

// Bounds the parser enforces on hostile input. Exceeding one is errc::limit_exceeded.
struct parse_limits {
    // Whole message (start line, headers, body). 65535 covers any UDP datagram.
    std::size_t max_message_bytes = 65535;
    // Number of header fields (each line or folded line group is one field).
    std::size_t max_headers = 256;
    // One header field including its continuation lines.
    std::size_t max_header_bytes = 16384;
    // The start line.
    std::size_t max_start_line_bytes = 8192;
};

// How the message boundaries are known (RFC 3261 §18.3).
enum class framing : std::uint8_t {
    datagram, // UDP: the buffer is one datagram; without Content-Length the body runs to its end
    stream,   // TCP/TLS: Content-Length is required (the framer found it)
};

struct parse_options {
    framing mode = framing::datagram;
    parse_limits limits{};
};

// One header field as it appears in the buffer.
struct header_field {
    std::string_view name;  // as written: "v", "VIA", "Via"
    std::string_view value; // LWS-trimmed; may contain folded CRLF+WSP when `folded`
    std::string_view line;  // the raw field from its name to its last char, CRLFs inside folds
    header_id id = header_id::other;
    bool folded = false; // true when the field spans continuation lines (RFC 3261 §7.3.1)

    // The value with every fold (CRLF or LF followed by SP/HT runs) replaced by one SP.
    // Returns `value` itself (no copy) when not folded; otherwise writes into `scratch`
    // and returns a view of it (valid while `scratch` is unchanged).
    std::string_view unfolded(std::string& scratch) const;
};

// A parsed SIP message. All views point into the buffer given to parse_message, which must
// outlive the message. Typed accessors parse on each call (nothing is cached) and never
// allocate for views; list accessors allocate their vector.
class message {
  public:
    [[nodiscard]] bool is_request() const noexcept { return status_code_ == 0; }
    [[nodiscard]] bool is_response() const noexcept { return status_code_ != 0; }

    // The message bytes from the start line to the end of the body (leading CRLFs and
    // trailing datagram bytes excluded).
    [[nodiscard]] std::string_view raw() const noexcept { return raw_; }
    // The whole buffer given to the parser.
    [[nodiscard]] std::string_view buffer() const noexcept { return buffer_; }
    // The start line without its CRLF.
    [[nodiscard]] std::string_view start_line() const noexcept { return start_line_; }

    // Requests: the method token as written and its id.
    [[nodiscard]] std::string_view method() const noexcept { return method_; }
    [[nodiscard]] method_id method_kind() const noexcept { return method_kind_; }
    // Requests: the Request-URI text (parse it with request_uri()).
    [[nodiscard]] std::string_view request_uri_text() const noexcept { return request_uri_; }
    // "SIP/2.0" as written (requests and responses).
    [[nodiscard]] std::string_view version() const noexcept { return version_; }
    // Responses: 100-699 (any three digits are accepted by the parser); 0 for requests.
    [[nodiscard]] int status_code() const noexcept { return status_code_; }
    // Responses: the reason phrase, possibly empty (RFC 4475 noreason).
    [[nodiscard]] std::string_view reason() const noexcept { return reason_; }

    // Every header field in order.
    [[nodiscard]] std::span<const header_field> headers() const noexcept { return headers_; }
    // The body: Content-Length bytes, or the rest of the datagram when it is absent.
    [[nodiscard]] std::string_view body() const noexcept { return body_; }
    // Datagram bytes after the body that the parser ignored (RFC 4475 dblreq).
    [[nodiscard]] std::size_t trailing_bytes() const noexcept { return trailing_bytes_; }
    // The Content-Length value, when the header is present.
    [[nodiscard]] std::optional<std::size_t> content_length() const noexcept
    {
        return content_length_;
    }

    // The first field with that id, or nullptr.
    [[nodiscard]] const header_field* find(header_id id) const noexcept;
    // The first field with that name (case-insensitive; known names and compact forms match
    // by id, so find("v") finds "Via:"), or nullptr.
    [[nodiscard]] const header_field* find(std::string_view name) const noexcept;
    // How many fields carry that id (not how many comma-separated values).
    [[nodiscard]] std::size_t count(header_id id) const noexcept;
    // The value of the first field with that id, or "".
    [[nodiscard]] std::string_view value(header_id id) const noexcept;
    // The comma-separated elements of every field with that id, in order (RFC 3261 §7.3.1).
    [[nodiscard]] std::vector<std::string_view> values(header_id id) const;

    // Typed accessors. Errors are parse_error (or protocol_error where noted) with
    // where = "line L col C" pointing into the message. A missing header gives not_found.
    result<uri> request_uri() const;       // requests only
    result<std::vector<via>> vias() const; // all Via values, top first
    result<via> top_via() const;
    result<name_addr> from() const;
    result<name_addr> to() const;
    [[nodiscard]] std::string_view call_id() const noexcept { return value(header_id::call_id); }
    result<cseq_value> cseq() const;
    result<std::vector<contact>> contacts() const; // empty vector when there is none
    result<std::optional<std::uint8_t>> max_forwards() const;
    result<std::optional<std::uint32_t>> expires() const;
    result<std::optional<std::uint32_t>> min_expires() const;
    result<std::optional<media_type>> content_type() const;
    result<std::vector<name_addr>> routes() const;
    result<std::vector<name_addr>> record_routes() const;
    result<std::vector<name_addr>> p_asserted_identities() const;
    result<std::vector<std::string_view>> allow() const;
    result<std::vector<std::string_view>> supported() const;
    result<std::vector<std::string_view>> require() const;
    // User-Agent / Server text as written (product and comment tokens; not split).
    [[nodiscard]] std::string_view user_agent() const noexcept
    {
        return value(header_id::user_agent);
    }
    [[nodiscard]] std::string_view server() const noexcept { return value(header_id::server); }
    // Every challenge in WWW-Authenticate (id = www_authenticate) or Proxy-Authenticate
    // fields, one per field. Other ids give invalid_argument.
    result<std::vector<auth_value>> challenges(header_id id) const;
    // The first Authorization / Proxy-Authorization credentials; not_found when absent.
    result<auth_value> credentials(header_id id) const;

    // "line L col C" for a pointer into the buffer (1-based; for error messages).
    [[nodiscard]] std::string locate(const char* p) const;

  private:
    friend result<void> parse_message(std::string_view, message&, const parse_options&);
    void clear() noexcept;
    template <class T, class F> result<std::vector<T>> list_of(header_id id, F&& parse) const;
    template <class T, class F> result<T> single(header_id id, F&& parse) const;
    error relocate(error e, std::string_view parsed) const;

    std::string_view buffer_;
    std::string_view raw_;
    std::string_view start_line_;
    std::string_view method_;
    std::string_view request_uri_;
    std::string_view version_;
    std::string_view reason_;
    std::string_view body_;
    std::vector<header_field> headers_;
    std::optional<std::size_t> content_length_;
    std::size_t trailing_bytes_ = 0;
    int status_code_ = 0;
    method_id method_kind_ = method_id::other;
};

// Parses one SIP message from `data` into `out`, reusing its storage (no allocation after the
// header vector has grown once). Leading CRLFs are skipped (RFC 3261 §7.5). Syntax checked
// here: start line (single SP separators, a token method, a Request-URI starting with
// "scheme:", SIP-Version "SIP/d.d", three-digit status code), header field names (tokens
// followed by optional WSP and ':'), CRLF (or bare LF) line ends with folding, the empty line,
// Content-Length (digits; several fields must agree, RFC 4475 mcl01) against the bytes
// present (RFC 4475 clerr, ncl). Header values are not parsed here; use the accessors or
// validate_message. On failure errc is parse_error or limit_exceeded and where is
// "line L col C" (1-based); `out` is left cleared.
result<void> parse_message(std::string_view data, message& out, const parse_options& options = {});

// Convenience form returning a new message.
result<message> parse_message(std::string_view data, const parse_options& options = {});

// Deleted: a message views its buffer, so parsing a temporary string would dangle.
result<void> parse_message(std::string&& data, message& out,
                           const parse_options& options = {}) = delete;
result<message> parse_message(std::string&& data, const parse_options& options = {}) = delete;

// A cheap test for "this payload is SIP" (SIP on any port, keep-alive filtering): true when
// the bytes, after optional leading CRLFs, start with a complete start line, either
// "SIP/d.d ddd ..." or "TOKEN scheme:... SIP/d.d". Reads at most the first line (bounded
// by parse_limits::max_start_line_bytes); never allocates.
[[nodiscard]] bool looks_like_sip(std::string_view data) noexcept;

// RFC 3261 §7.1: "SIP/" 1*DIGIT "." 1*DIGIT.
[[nodiscard]] bool is_sip_version(std::string_view text) noexcept;

} // namespace ssw::sip
