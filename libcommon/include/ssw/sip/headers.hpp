// SPDX-License-Identifier: MIT
// SIP header names: the known-header table, compact forms, and method names (RFC 3261 §7.3.3, §20).
#pragma once

#include <cstdint>
#include <string_view>

namespace ssw::sip {

// Headers ssw knows by name. `other` is any extension header (kept by name only).
enum class header_id : std::uint8_t {
    other,
    accept,
    accept_contact, // a
    accept_encoding,
    accept_language,
    alert_info,
    allow,
    allow_events, // u
    authentication_info,
    authorization,
    call_id, // i
    call_info,
    contact, // m
    content_disposition,
    content_encoding, // e
    content_language,
    content_length, // l
    content_type,   // c
    cseq,
    date,
    diversion,
    error_info,
    event, // o
    expires,
    from,          // f
    identity,      // y
    identity_info, // n
    in_reply_to,
    max_forwards,
    mime_version,
    min_expires,
    min_se,
    organization,
    p_asserted_identity,
    p_preferred_identity,
    path,
    priority,
    privacy,
    proxy_authenticate,
    proxy_authorization,
    proxy_require,
    rack,
    reason,
    record_route,
    refer_to,       // r
    referred_by,    // b
    reject_contact, // j
    replaces,
    reply_to,
    request_disposition, // d
    require,
    retry_after,
    route,
    rseq,
    server,
    service_route,
    session_expires, // x
    subject,         // s
    subscription_state,
    supported, // k
    timestamp,
    to, // t
    unsupported,
    user_agent,
    via, // v
    warning,
    www_authenticate,
    count_ // number of ids; not a header
};

// The id for a header name as written on the wire: case-insensitive, compact forms
// included ("v", "VIA", "Via" all give header_id::via). Unknown names give `other`.
// Runs in O(1) expected time (bucketed by length); never allocates.
[[nodiscard]] header_id lookup_header(std::string_view name) noexcept;

// Canonical long name of a known header ("Call-ID", "WWW-Authenticate"); "" for `other`.
[[nodiscard]] std::string_view header_name(header_id id) noexcept;

// The one-letter compact form (RFC 3261 §7.3.3 and later RFCs), or '\0' if there is none.
[[nodiscard]] char compact_form(header_id id) noexcept;

// Known SIP methods (RFC 3261, 3262, 3265, 3311, 3428, 3515, 3903, 2976). `other` is any
// extension method token.
enum class method_id : std::uint8_t {
    other,
    invite,
    ack,
    bye,
    cancel,
    register_,
    options,
    info,
    prack,
    update,
    subscribe,
    notify,
    refer,
    message,
    publish,
};

// Methods are case-sensitive (RFC 3261 §7.1): "INVITE" is invite, "invite" is other.
[[nodiscard]] method_id lookup_method(std::string_view token) noexcept;

// Canonical method text ("REGISTER"); "" for `other`.
[[nodiscard]] std::string_view method_name(method_id id) noexcept;

} // namespace ssw::sip
