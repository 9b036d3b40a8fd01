// SPDX-License-Identifier: MIT
// ssw::trace flow diagrams: a text ladder (columns per host, arrows per message) and its HTML page.
#pragma once

#include <ssw/trace/sip_extractor.hpp>

#include <cstdint>
#include <string>
#include <vector>

namespace ssw::trace {

// "2024-01-31 10:00:00.123456" (UTC, microseconds) for a capture time.
[[nodiscard]] std::string format_time(std::int64_t timestamp_ns);

// The label of a message on a ladder or in a list: "INVITE" or "200 OK".
[[nodiscard]] std::string message_label(const sip_record& r);

// Draws `records` (in capture order) as a ladder: one column per host (IP:port, in order of
// first appearance), one arrow per message with its label and time, the way sngrep shows a
// call flow. Plain ASCII, one line per message, printable in a terminal or a file.
[[nodiscard]] std::string format_flow(const std::vector<sip_record>& records);

// A standalone HTML page (no external resources) holding the same ladder, with the title
// "SIP flow of <call_id>" and the messages' details in a table under it.
[[nodiscard]] std::string format_flow_html(const std::vector<sip_record>& records,
                                           const std::string& call_id);

} // namespace ssw::trace
