// SPDX-License-Identifier: MIT
// Writing SIP messages: byte-exact re-encoding and header add/remove/replace into a new buffer.
#pragma once

#include <ssw/sip/headers.hpp>
#include <ssw/sip/message.hpp>

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace ssw::sip {

// Appends the message exactly as it was received (start line through body; leading CRLFs
// and trailing datagram bytes are not part of it). parse(encode(m)) equals m.
void encode_message(const message& m, std::string& out);
[[nodiscard]] std::string encode_message(const message& m);

// The largest UDP payload of one datagram over IPv4 (65535 - 20 IP - 8 UDP). Larger
// messages cannot go over UDP at all, whatever fragmentation does.
inline constexpr std::size_t max_udp_payload = 65507;
// RFC 3261 §18.1.1: a message within 200 bytes of a 1500-byte path MTU risks being
// fragmented, which NATs and firewalls often drop.
inline constexpr std::size_t udp_fragmentation_threshold = 1300;

// Fits a message for sending over UDP (RFC 3261 §7.3.3, §18.1.1). Messages up to
// udp_fragmentation_threshold are returned unchanged; larger ones are re-encoded with
// compact header names ("v:" for Via, "m:" for Contact ...) and no optional whitespace
// after the colons, which is what a sender may do "when messages would otherwise be too
// large to be carried on the transport available". Fails with invalid_argument when the
// result still exceeds max_udp_payload, or when `bytes` is not a parseable message.
result<std::string> fit_for_udp(std::string bytes);

// A set of edits applied to a parsed message to produce a new buffer. Untouched header
// fields are copied byte for byte (their spelling, spacing and folding survive).
// Edits apply in this order: start line, removals, replacements, additions, body.
// Content-Length is rewritten to the new body size whenever the body changes or when
// `set_body` is used; header names given here are written as given.
class message_patch {
  public:
    // Where add() places a field.
    enum class position : std::uint8_t {
        first_of_kind, // before the first field with the same id (Via, Record-Route push), or
                       // after the start line when there is none
        end,           // after the last field
    };

    // Replaces the start line ("INVITE sip:b@x SIP/2.0" or "SIP/2.0 180 Ringing"), no CRLF.
    message_patch& set_start_line(std::string line);
    // Removes every field with that id (for `other`, use the name overload).
    message_patch& remove(header_id id);
    // Removes every field with that name (case-insensitive, compact forms by id).
    message_patch& remove(std::string_view name);
    // Removes only the first field with that id (e.g. a proxy popping its own Via).
    // A comma list in that field goes with it: split it first if only one value must go.
    message_patch& remove_first(header_id id);
    // Replaces the value of the first field with that id, keeping its written name; removes
    // any further fields with that id. Adds "Name: value" at the end when there is none.
    message_patch& replace(header_id id, std::string value);
    // Adds "name: value".
    message_patch& add(std::string name, std::string value, position where = position::end);
    // Sets the body (and Content-Length); with a content type, Content-Type is replaced too.
    message_patch& set_body(std::string body,
                            std::optional<std::string> content_type = std::nullopt);

    // Writes the patched message into a new string. The input message is not modified.
    [[nodiscard]] std::string apply(const message& m) const;

  private:
    struct added {
        std::string name;
        std::string value;
        header_id id;
        position where;
    };
    std::optional<std::string> start_line_;
    std::vector<header_id> removed_ids_;
    std::vector<std::string> removed_names_;
    std::vector<header_id> removed_first_;
    std::vector<std::pair<header_id, std::string>> replaced_;
    std::vector<added> added_;
    std::optional<std::string> body_;
};

} // namespace ssw::sip
