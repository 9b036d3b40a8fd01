// SPDX-License-Identifier: MIT
// Typed values of the simpler SIP headers: CSeq, Contact, Content-Type, numbers, token lists.
#pragma once

#include <ssw/core/result.hpp>
#include <ssw/sip/headers.hpp>
#include <ssw/sip/name_addr.hpp>
#include <ssw/sip/params.hpp>

#include <cstdint>
#include <optional>
#include <string_view>
#include <vector>

namespace ssw::sip {

// RFC 3261 §8.1.1.5: the CSeq number must be below 2**31.
inline constexpr std::uint32_t max_cseq_number = 0x7fffffffU;
// RFC 3261 §20.22: Max-Forwards is 0-255 (RFC 4475 §3.1.2.4 calls 300 overlarge).
inline constexpr std::uint32_t max_max_forwards = 255;
// RFC 3261 §25.1 delta-seconds, bounded to 2**32-1 as §20.19 recommends for Expires.
inline constexpr std::uint64_t max_delta_seconds = 0xffffffffULL;

// CSeq: sequence number and method (RFC 3261 §20.16).
struct cseq_value {
    std::uint32_t number = 0;
    std::string_view method;
    method_id method_kind = method_id::other;
};

// Parses "1*DIGIT LWS Method". Fails with parse_error when the number is missing, exceeds
// max_cseq_number (RFC 4475 scalar02/scalarlg) or the method is not a token.
result<cseq_value> parse_cseq(std::string_view text);

// One Contact value (RFC 3261 §20.10): either "*" or a name-addr/addr-spec with params.
struct contact {
    bool star = false;
    name_addr address;                     // empty when star
    std::optional<std::uint32_t> expires;  // the expires parameter, checked <= 2**32-1
    std::optional<std::uint16_t> q_millis; // q as thousandths (q=0.5 -> 500), 0-1000
};

// Parses one Contact element (one item of split_list). "*" alone gives star=true.
// Fails with parse_error on a bad name-addr, an expires above max_delta_seconds, or a q
// outside 0..1 with at most 3 decimals (RFC 3261 §25.1 qvalue).
result<contact> parse_contact(std::string_view text);

// Whole-value delta-seconds (Expires, Min-Expires, Retry-After's first token):
// 1*DIGIT up to max_delta_seconds. Fails with parse_error otherwise.
result<std::uint32_t> parse_delta_seconds(std::string_view text);

// Max-Forwards: 1*DIGIT, 0-255. Leading zeros allowed ("0068" is 68, RFC 4475 wsinv).
result<std::uint8_t> parse_max_forwards(std::string_view text);

// Content-Type / media-type (RFC 3261 §20.15): type "/" subtype *(; param).
struct media_type {
    std::string_view type;
    std::string_view subtype;
    param_list params;
};

// Parses a media-type; LWS allowed around '/' and ';'. Fails with parse_error.
result<media_type> parse_media_type(std::string_view text);

// Comma-separated tokens (Allow, Supported, Require, Proxy-Require, Unsupported):
// each element must be a token. An empty value gives an empty list.
result<std::vector<std::string_view>> parse_token_list(std::string_view text);

} // namespace ssw::sip
