// SPDX-License-Identifier: MIT
// ssw::trace reports: per-method/status counts, the call (dialog) table with RTP streams,
// registrations.
#pragma once

#include <ssw/pcap/capture_decoder.hpp>
#include <ssw/trace/sip_extractor.hpp>

#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <span>
#include <string>
#include <unordered_map>
#include <vector>

namespace ssw::trace {

// What `tshark -z sip,stat` counts: every SIP message, the resent ones (sip_record::resent),
// requests per method and responses per status code (resends included in both tables).
struct sip_stats {
    std::uint64_t messages = 0;
    std::uint64_t resent = 0;
    std::map<std::string, std::uint64_t> methods;
    std::map<int, std::uint64_t> statuses;

    void on_record(const sip_record& r);
};

// The RFC 3261 §21 reason phrase for a status code ("" when not standard), as tshark prints it.
[[nodiscard]] std::string_view standard_reason(int status) noexcept;

// One RTP stream (RFC 3550) sent to a media address that a call's SDP announced.
struct rtp_stream {
    pcap::endpoint src;
    pcap::endpoint dst;
    std::uint32_t ssrc = 0;
    std::uint8_t payload_type = 0;
    std::uint64_t packets = 0;
    std::int64_t lost = 0; // expected - received (RFC 3550 §6.4.1, may be negative on duplicates)
    double jitter_ms = 0;  // interarrival jitter (RFC 3550 §6.4.1, Appendix A.8)
    // Internal state of the estimators.
    std::uint32_t clock_rate = 8000;
    std::uint16_t max_seq = 0;
    std::uint32_t cycles = 0;
    std::uint32_t base_seq = 0;
    double jitter = 0; // in timestamp units
    std::int64_t last_transit = 0;
    std::int64_t first_arrival_ns = 0;

    // Accounts one packet with sequence number `seq`, RTP timestamp `ts` arriving at `arrival_ns`.
    void on_packet(std::uint16_t seq, std::uint32_t ts, std::int64_t arrival_ns);
};

// Parses an RTP fixed header (RFC 3550 §5.1): version 2, at least 12 bytes, not RTCP
// (payload types 72-76 with the marker bit are RTCP, RFC 5761 §4). False otherwise.
[[nodiscard]] bool parse_rtp_header(std::span<const std::uint8_t> p, std::uint8_t& pt,
                                    std::uint16_t& seq, std::uint32_t& ts,
                                    std::uint32_t& ssrc) noexcept;

// One call (INVITE dialog, keyed by Call-ID). Times are capture times in nanoseconds.
struct call_info {
    std::string call_id;
    std::string caller;                     // From user of the first INVITE
    std::string callee;                     // To user of the first INVITE
    pcap::endpoint caller_address;          // source of the first INVITE
    pcap::endpoint callee_address;          // its destination
    std::int64_t start_ns = 0;              // first INVITE
    std::optional<std::int64_t> ringing_ns; // first 18x (PDD = ringing - start)
    std::optional<std::int64_t> answer_ns;  // first 2xx to INVITE
    std::optional<std::int64_t> end_ns;     // BYE, CANCEL's final answer or a final failure
    int final_status = 0;                   // last final response to an INVITE (0: none seen)
    std::string hangup;                     // "caller", "callee" or "" (unknown / still open)
    std::uint32_t invite_retransmissions = 0;
    std::uint32_t auth_challenges = 0; // 401/407 answers to INVITE
    std::uint64_t messages = 0;
    bool matched = false; // a message of the call passed the caller's filter
    std::vector<rtp_stream> rtp;
    // Internal.
    std::string caller_tag;
    std::int64_t last_ns = 0;
    bool ended = false;
    bool cancelled = false;
    std::vector<pcap::endpoint> media;      // SDP-announced media addresses
    std::vector<std::uint32_t> media_clock; // clock rate of each, from the first rtpmap/static PT
};

// Bounds of the call tracker (memory stays proportional to open calls).
struct call_tracker_limits {
    std::chrono::nanoseconds linger =
        std::chrono::seconds(32); // after the end, for BYE answers/RTP tail
    std::chrono::nanoseconds idle_timeout = std::chrono::hours(4); // open calls with no message
    std::size_t max_calls = 1u << 20;                              // oldest emitted beyond this
};

// Builds call_info from SIP messages and RTP datagrams. Calls are handed to `on_call` when
// they ended and lingered, went idle, were pushed out by max_calls, or at finish() (in start
// order).
class call_tracker {
  public:
    explicit call_tracker(std::function<void(call_info&&)> on_call,
                          call_tracker_limits limits = {});

    // A SIP message; `matched` marks the call as selected by the caller's filter.
    void on_sip(const sip_event& e, bool matched);
    // A non-SIP UDP datagram: counted as RTP when sent to an announced media address.
    void on_udp(const pcap::udp_datagram& d);
    // Emits every remaining call.
    void finish();
    [[nodiscard]] std::size_t open_calls() const noexcept { return calls_.size(); }

  private:
    void learn_media(call_info& c, const sip::message& msg);
    void expire(std::int64_t now_ns);
    void emit(std::unordered_map<std::string, call_info>::iterator it);

    std::function<void(call_info&&)> on_call_;
    call_tracker_limits limits_;
    std::unordered_map<std::string, call_info> calls_;
    std::map<pcap::endpoint, std::string> media_;
    std::int64_t last_expire_ns_ = 0;
};

// Registration outcome per account (To URI user@host) and contact (first Contact URI).
struct registration_info {
    std::string account;
    std::string contact;
    pcap::endpoint source;        // where the last REGISTER came from
    std::uint64_t attempts = 0;   // REGISTER requests (retransmissions excluded)
    std::uint64_t challenges = 0; // 401/407
    std::uint64_t successes = 0;  // 2xx
    std::uint64_t failures = 0;   // other final responses
    std::optional<std::uint32_t>
        expires_granted; // from the last 2xx (contact expires, else Expires)
    std::int64_t first_ns = 0;
    std::int64_t last_ns = 0;
    bool matched = false;
};

// Tracks REGISTER transactions. State: one row per account+contact plus pending transactions
// (bounded by max_pending, cleared beyond it).
class registration_tracker {
  public:
    explicit registration_tracker(std::size_t max_pending = 1u << 20) : max_pending_(max_pending) {}
    void on_sip(const sip_event& e, bool matched);
    // Rows in account, contact order.
    [[nodiscard]] std::vector<registration_info> results() const;

  private:
    std::size_t max_pending_;
    std::map<std::pair<std::string, std::string>, registration_info> rows_;
    std::unordered_map<std::string, std::pair<std::string, std::string>>
        pending_; // call-id+cseq -> row
};

} // namespace ssw::trace
