// SPDX-License-Identifier: MIT
// ssw::pcap::looks_like_sip: a cheap start-line check to find SIP on any port.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <string_view>

namespace ssw::pcap {

// How far into a payload the start line is looked for.
inline constexpr std::size_t max_sniff_line_bytes = 1024;

// True when `payload` begins with a SIP start line (RFC 3261 §7.1/§7.2): a status line
// "SIP/2.0 NNN" or a request line "METHOD SP Request-URI SP SIP/2.0" ending in CRLF (or
// cut off by the end of the payload after "SIP/2.0"). Only a heuristic: the SIP parser
// decides. Leading CRLFs (keep-alives glued before a message) are skipped.
[[nodiscard]] bool looks_like_sip(std::span<const std::uint8_t> payload) noexcept;
[[nodiscard]] bool looks_like_sip(std::string_view payload) noexcept;

} // namespace ssw::pcap
