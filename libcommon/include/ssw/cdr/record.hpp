// SPDX-License-Identifier: MIT
// ssw::cdr: the call detail record of one call and its gateway attempts (schema: ssw-cdr(5)).
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace ssw::cdr {

using wall_time = std::chrono::system_clock::time_point;

// One try of one routing gateway.
struct attempt {
    std::string gateway;
    std::string caller_sent; // the numbers this vendor saw, after its transforms
    std::string callee_sent;
    wall_time started{};
    std::optional<wall_time> first_provisional;
    std::optional<wall_time> sdp;
    std::optional<wall_time> answered;
    std::optional<wall_time> ended;
    int final_code = 0;
    std::string
        end_reason; // routing::to_string(attempt_end): "invite_timeout", "final_response", ...
};

// What the media relay counted for one stream (SDP media line) of a relayed call, per
// direction: "caller->callee" and "callee->caller".
struct media_stream {
    std::string direction;
    std::uint64_t packets = 0;
    std::uint64_t bytes = 0;
    std::uint64_t lost = 0;
    std::uint64_t late_latching = 0;
    std::uint64_t decrypt_failures = 0;
    std::uint64_t hijack_refused = 0;
};

// One call, written once when it ends.
struct call_record {
    std::string call_id; // the caller side's Call-ID
    std::string source;  // mapping gateway or account name
    std::string source_address;
    std::string caller_received;
    std::string callee_received;
    std::string caller_routed; // after the mapping stage
    std::string callee_routed;
    wall_time started{};                        // INVITE received
    std::optional<wall_time> first_provisional; // what the caller heard first (PDD)
    std::optional<wall_time> answered;
    wall_time ended{};
    int final_code = 0;        // what the caller got
    std::string stop_rule;     // routing::to_string(stop_rule)
    std::string release_side;  // "caller", "callee", "system"
    std::string release_cause; // "bye", "cancel", "timeout", "media-timeout", "failed", ...
    bool media_relayed = false;
    std::vector<media_stream> media; // per stream and direction when relayed
    std::vector<attempt> attempts;

    // Post-dial delay (first provisional or final minus start), answer-to-end duration.
    [[nodiscard]] std::chrono::milliseconds post_dial_delay() const;
    [[nodiscard]] std::chrono::milliseconds duration() const;
};

} // namespace ssw::cdr
