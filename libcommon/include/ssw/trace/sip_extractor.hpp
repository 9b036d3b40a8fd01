// SPDX-License-Identifier: MIT
// ssw::trace::sip_extractor: SIP messages, keep-alives and other UDP payloads out of a capture
// stream.
#pragma once

#include <ssw/core/result.hpp>
#include <ssw/pcap/capture_decoder.hpp>
#include <ssw/sip/message.hpp>

#include <cstdint>
#include <functional>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace ssw::trace {

// Bounds of one SIP message in a trace. Larger than the daemon's (sip::parse_limits) because
// a tracer must show oversized messages (64 KB SDP bodies over TCP) rather than drop them.
inline constexpr std::size_t max_stream_header_bytes = 65536;
inline constexpr std::size_t max_stream_message_bytes = 1024 * 1024;

// How a message travelled.
enum class transport : std::uint8_t { udp, tcp };

// "UDP" / "TCP".
[[nodiscard]] std::string_view to_string(transport t) noexcept;

// The summary of one SIP message, owned (it outlives the capture buffers).
struct sip_record {
    std::int64_t timestamp_ns = 0; // capture time of the frame completing the message
    pcap::endpoint src;
    pcap::endpoint dst;
    trace::transport proto = transport::udp;
    bool is_request = false;
    std::string method; // requests: the method; responses: ""
    int status = 0;     // responses: the status code; requests: 0
    std::string reason; // responses: the reason phrase
    std::string call_id;
    std::uint32_t cseq = 0;
    std::string cseq_method;
    bool has_cseq = false;
    std::string from_user;
    std::string to_user;
    std::string from_tag;
    std::string to_tag;
    std::vector<std::uint64_t> frames; // every frame carrying a byte of it (fragments, segments)
    bool resent = false;               // a retransmission, by tshark's rule (see resend_detector)
};

// A parsed message with its summary. `msg` views capture memory valid only during the callback.
struct sip_event {
    const sip_record& record;
    const sip::message& msg;
};

// Small non-SIP UDP payloads NAT devices send to keep a binding open.
enum class keepalive_kind : std::uint8_t { crlf, text, stun, zeros };

// "crlf", "text", "stun", "zeros".
[[nodiscard]] std::string_view to_string(keepalive_kind k) noexcept;

// Payloads above this size are never keep-alives.
inline constexpr std::size_t max_keepalive_bytes = 32;

// Classifies a UDP payload: CRLF runs (RFC 5626 §4.4.1 style pings), printable text such as
// "HELLO", all-zero bytes, or a STUN Binding request/response (RFC 5389 §6: first two bits
// zero, magic cookie 0x2112A442, length matching). Returns false for anything else.
[[nodiscard]] bool classify_keepalive(std::span<const std::uint8_t> payload,
                                      keepalive_kind& kind) noexcept;

// One keep-alive datagram.
struct keepalive_record {
    std::int64_t timestamp_ns = 0;
    pcap::endpoint src;
    pcap::endpoint dst;
    keepalive_kind kind = keepalive_kind::crlf;
    std::size_t bytes = 0;
    std::uint64_t frame = 0;
};

// Consumers of the extractor. Every handler is optional.
struct extractor_handlers {
    std::function<void(const sip_event&)> on_sip;
    std::function<void(const keepalive_record&)> on_keepalive;
    // Any other UDP datagram (RTP candidates), with its arrival time.
    std::function<void(const pcap::udp_datagram&)> on_other_udp;
    // A payload that looked like SIP (start line) but did not parse; where = frame number.
    std::function<void(const error&, std::span<const std::uint64_t> frames)> on_bad_sip;
    // Fill sip_record's From/To users and tags (parsing the name-addrs costs time; `stats`
    // does not need them).
    bool parties = true;
};

// Counters of the extractor.
struct extractor_stats {
    std::uint64_t sip_messages = 0;
    std::uint64_t sip_udp = 0;
    std::uint64_t sip_tcp = 0;
    std::uint64_t bad_sip = 0; // looked like SIP, did not parse
    std::uint64_t keepalives = 0;
    std::uint64_t tcp_framing_errors =
        0; // streams that could not be framed (dropped to the next open)
};

// Retransmission marking with Wireshark's rule (so counts match `tshark -z sip,stat`):
// UDP only; state per (Call-ID, source, destination); a request is a resend when the last
// message in that direction was a request with the same CSeq number and method (ACK and
// CANCEL never are); a final response is a resend when the last one there was the same final
// status for the same CSeq. Unlike tshark, state is forgotten after 32 to 64 s of capture time
// without a message in that direction (RFC 3261 Timer B/F: retransmissions stop after 32 s),
// so memory follows the message rate, not the file; and at most max_entries directions are
// held (past that the table starts afresh; a resend straddling the reset is missed).
class resend_detector {
  public:
    explicit resend_detector(std::size_t max_entries = 1u << 20) : max_entries_(max_entries) {}
    // Capture time after which an idle direction moves to the old generation.
    static constexpr std::int64_t generation_ns = 32'000'000'000;
    // Returns true if `r` is a retransmission; updates the state.
    bool on_message(const sip_record& r);

  private:
    struct state {
        std::uint32_t cseq = 0;
        std::string method;
        int last_final = 0;
        std::uint8_t phase = 0; // 0 nothing, 1 request, 2 provisional, 3 final
    };
    std::size_t max_entries_;
    std::string key_;
    std::int64_t generation_start_ns_ = 0;
    std::unordered_map<std::string, state> states_;   // touched in this generation
    std::unordered_map<std::string, state> previous_; // touched in the one before
};

// Streams a capture into SIP messages: UDP datagrams (reassembled from IP fragments) whose
// payload starts with a SIP start line, on any port, and TCP streams framed by
// sip::stream_framer (several messages per segment, one message over many). Memory is that
// of the capture decoder plus one framer per open TCP direction.
class sip_extractor {
  public:
    explicit sip_extractor(extractor_handlers handlers, pcap::capture_limits limits = {});
    ~sip_extractor();
    sip_extractor(const sip_extractor&) = delete;
    sip_extractor& operator=(const sip_extractor&) = delete;

    // Feeds one captured packet.
    void on_packet(const pcap::packet& p);
    // End of input: flushes the reassemblers.
    void finish();
    // Reads `in` to the end (see pcap::decode_capture): errors of a truncated file come back
    // after everything before them was delivered and finish() ran.
    result<void> run(pcap::reader& in,
                     const std::function<void(const pcap::reader&)>& progress = {});

    [[nodiscard]] const extractor_stats& stats() const noexcept;
    [[nodiscard]] pcap::capture_stats capture_stats() const;

  private:
    struct impl;
    std::unique_ptr<impl> impl_;
};

} // namespace ssw::trace
