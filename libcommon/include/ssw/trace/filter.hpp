// SPDX-License-Identifier: MIT
// ssw::trace::message_filter: which SIP messages a trace looks at (host, port, method, status,
// Call-ID, user, time).
#pragma once

#include <ssw/core/result.hpp>
#include <ssw/trace/sip_extractor.hpp>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace ssw::trace {

// A conjunction of criteria; within one criterion any listed value matches. An empty filter
// matches everything.
struct message_filter {
    std::vector<pcap::ip_address> hosts; // source or destination address
    std::vector<std::uint16_t> ports;    // source or destination port
    std::vector<std::string> methods;    // request method, or a response's CSeq method
    std::vector<int> statuses;           // 100-699 exact, or 1-6 for a class ("4xx" = 4)
    std::vector<std::string> call_ids;
    std::vector<std::string> users;       // From or To user part, exact
    std::optional<std::int64_t> since_ns; // capture time >= since
    std::optional<std::int64_t> until_ns; // capture time <= until

    [[nodiscard]] bool matches(const sip_record& r) const;
    [[nodiscard]] bool empty() const noexcept;
};

// Parses a time: seconds since the Unix epoch ("1706695200.5") or UTC
// "YYYY-MM-DD[ T]HH:MM[:SS[.ffffff]][Z]". invalid_argument otherwise.
result<std::int64_t> parse_time(std::string_view text);

// Parses a status criterion: "486" or a class "4xx". invalid_argument otherwise.
result<int> parse_status_filter(std::string_view text);

} // namespace ssw::trace
