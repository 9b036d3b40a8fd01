// SPDX-License-Identifier: MIT
// Building new SIP requests and responses (RFC 3261 §8.1.1, §8.2.6).
#pragma once

#include <ssw/core/result.hpp>
#include <ssw/sip/message.hpp>
#include <ssw/sip/transport.hpp>
#include <ssw/sip/via.hpp>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace ssw::sip {

// Accumulates a start line, header fields in order and a body, then writes the message with
// CRLF line ends and a Content-Length that matches the body (always written, as streams
// require it, RFC 3261 §18.3). Values are written as given: the caller supplies valid text.
class message_builder {
  public:
    // "METHOD request-uri SIP/2.0".
    [[nodiscard]] static message_builder request(std::string_view method,
                                                 std::string_view request_uri);
    // "SIP/2.0 code reason". The caller gives a code in 100-699; it is written as given.
    [[nodiscard]] static message_builder response(int status_code, std::string_view reason);

    // Appends "name: value".
    message_builder& header(std::string_view name, std::string_view value);
    // Appends a known header under its canonical name.
    message_builder& header(header_id id, std::string_view value);
    // Sets the body and its Content-Type.
    message_builder& body(std::string_view content_type, std::string_view body);

    // The message text. Content-Length fields given through header() are dropped in
    // favour of the computed one.
    [[nodiscard]] std::string build() const;

  private:
    std::string start_line_;
    std::vector<std::pair<std::string, std::string>> headers_;
    std::string body_;
};

// The reason phrase RFC 3261 §21 gives a status code ("Ringing"), or "" for unknown codes.
[[nodiscard]] std::string_view default_reason(int status_code) noexcept;

// Where the request a response answers came from: the packet's source address and port.
struct request_origin {
    std::string address; // canonical text, IPv6 without brackets
    std::uint16_t port = 0;
};

// The top Via value of a response to a request that arrived from `origin` (RFC 3261 §18.2.1,
// RFC 3581 §4): an empty rport gets the source port, and received is added with the source
// address when rport was asked for or the sent-by host is not that address. Other Via
// elements of the same field stay as they are.
[[nodiscard]] std::string stamp_top_via(std::string_view via_field, const request_origin& origin);

// Where a response to a request from `from` with top Via `top` goes (RFC 3261 §18.2.2,
// RFC 3581 §4): back on the TCP connection; over UDP to the packet's source address, at its
// source port when rport was asked for, else at the Via's sent-by port (5060 by default).
[[nodiscard]] peer response_destination(const via& top, const peer& from);

// Everything of a response that is not copied from the request.
struct response_parts {
    std::string_view reason;                                // "" : default_reason(code)
    std::string_view to_tag;                                // added to a To without a tag
    std::vector<std::pair<std::string, std::string>> extra; // appended after the copies
    std::string_view content_type;                          // with a body: default SDP
    std::string_view body;
    std::optional<request_origin> origin; // received/rport on the top Via
};

// The one way ssw builds a response (RFC 3261 §8.2.6): every Via copied in order (the top one
// stamped with received/rport when `origin` is given), From, Call-ID and CSeq copied; To
// copied with our tag when it has none and the status is not 100 (§8.2.6.2); Timestamp into
// 100 (§8.2.6.1); Record-Route into 101-299 (§12.1.1); then `extra`, then the body with its
// Content-Type and Content-Length. `request` must be a request with a parsed To when a tag
// is to be placed (a To that does not parse is copied untagged).
[[nodiscard]] std::string build_response(const message& request, int status_code,
                                         const response_parts& parts);

// Builds a response to `request` per RFC 3261 §8.2.6: copies every Via (same order), From,
// Call-ID and CSeq; copies To and adds ";tag=to_tag" when the To has no tag and the status
// is not 100 (§8.2.6.2); copies Timestamp into 100 Trying (§8.2.6.1); copies Record-Route
// into 101-299 responses (§12.1.1). `extra` fields are appended, then Content-Length: 0.
// Fails with invalid_argument when `request` is a response or the status is outside 100-699,
// and with the parse error of To when it cannot be parsed (a tag cannot be placed).
result<std::string>
make_response(const message& request, int status_code, std::string_view reason,
              std::string_view to_tag = {},
              const std::vector<std::pair<std::string, std::string>>& extra = {});

// Builds the CANCEL for a pending request per RFC 3261 §9.1: same Request-URI, Call-ID,
// To, From and CSeq number (method CANCEL), one Via equal to the request's top Via, the
// request's Route fields, Max-Forwards: 70, Content-Length: 0.
// Fails with invalid_argument when `request` is a response, an ACK or a CANCEL, and with
// not_found when it lacks Via or CSeq.
result<std::string> make_cancel(const message& request);

// Builds the ACK a client transaction sends for a non-2xx final response to an INVITE
// (RFC 3261 §17.1.1.3): Request-URI, Call-ID, From and Route of the INVITE, To of the response
// (with its tag), one Via equal to the INVITE's top Via, CSeq number of the INVITE with
// method ACK, Max-Forwards: 70, Content-Length: 0.
// Fails with invalid_argument unless `invite` is an INVITE request and `response` a final
// response with status >= 300; not_found when a needed field is missing.
result<std::string> make_ack_for_failure(const message& invite, const message& response);

} // namespace ssw::sip
