// SPDX-License-Identifier: MIT
// ssw::media::relay: the sans-IO RTP relay core. Sessions of two legs (a = caller side,
// b = callee side), one stream per SDP media line, each leg of each stream on its own RTP/RTCP
// port pair. It decides per datagram where it goes (latching, hijack guard), encrypts or
// decrypts the payload per leg (native scheme, rtp::crypt_datagram), counts per direction,
// and raises events (first RTP from the callee side, media timeout). Sockets belong to net/.
#pragma once

#include <ssw/core/clock.hpp>
#include <ssw/core/ip_address.hpp>
#include <ssw/core/result.hpp>
#include <ssw/crypto/key.hpp>
#include <ssw/media/port_allocator.hpp>

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <span>
#include <unordered_map>
#include <utility>
#include <vector>

namespace ssw::crypto {
class payload_cipher;
}

namespace ssw::media {

using session_id = std::uint64_t;

// An address and UDP port. Port 0 means "none" (not known yet, or a disabled/held stream).
struct endpoint {
    core::ip_address address;
    std::uint16_t port = 0;
    [[nodiscard]] bool valid() const noexcept { return port != 0; }
    friend bool operator==(const endpoint&, const endpoint&) = default;
};

// a: the caller's side; b: the callee's (gateway) side.
enum class side : std::uint8_t { a = 0, b = 1 };
[[nodiscard]] constexpr side other(side s) noexcept
{
    return s == side::a ? side::b : side::a;
}

// How one leg is treated.
struct leg_settings {
    // Symmetric RTP: send to where this leg's packets come from once the first one arrived
    // (for endpoints behind NAT, whose SDP address is not reachable).
    bool latch = false;
    // The cipher on this leg's wire (mode::none: plain).
    crypto::mode mode = crypto::mode::none;
    crypto::key_bytes key;
};

struct relay_options {
    std::uint16_t first_port = 20000;
    std::uint16_t last_port = 29999;
    // After a leg latched, packets from any other source are dropped (counted); Off lets a
    // new source take the leg over (re-latching), which an attacker can use to steal media.
    bool hijack_guard = true;
    // No RTP in either direction for this long (after arm_timeout) raises media_timeout.
    // Zero: off.
    std::chrono::milliseconds media_timeout{0};
};

// Counters of one direction of one stream (packets received on one leg, sent out the other).
struct direction_counters {
    std::uint64_t packets = 0; // RTP forwarded or dropped, RTCP not included
    std::uint64_t bytes = 0;   // UDP payload bytes of those packets
    std::uint64_t lost = 0;    // from sequence-number gaps (reordered packets undo it)
    std::uint64_t rtcp_packets = 0;
    std::uint64_t late_latching = 0;    // sent to the SDP address of a latching leg not latched yet
    std::uint64_t decrypt_failures = 0; // from an encrypted leg but not RTP, or the cipher failed
    std::uint64_t encrypt_failures = 0; // dropped: for an encrypted leg but not RTP, or the
                                        // cipher failed (never forwarded in clear)
    std::uint64_t hijack_refused = 0;   // from another source after the leg latched
    std::uint64_t no_destination = 0;   // dropped: the other leg's address is not known
};

struct stream_report {
    std::uint16_t a_port = 0; // our RTP port facing the caller
    std::uint16_t b_port = 0; // facing the callee
    direction_counters a_to_b;
    direction_counters b_to_a;
    std::optional<endpoint> a_latched; // where a's RTP came from, once latched
    std::optional<endpoint> b_latched;
};

struct relay_event {
    enum class kind : std::uint8_t { rtp_started, media_timeout } what = kind::rtp_started;
    session_id session = 0;
};

// What to do with one datagram after on_datagram (the bytes may have been changed in place).
struct forward {
    bool send = false;
    std::uint16_t from_port = 0; // our local port to send from
    endpoint to;
};

// A port to open or close in the I/O layer (RTP and RTCP ports both appear).
struct port_change {
    std::uint16_t port = 0;
    bool open = true;
};

struct relay_stats {
    std::uint64_t sessions_opened = 0;
    std::uint64_t sessions_closed = 0;
    std::uint64_t packets_forwarded = 0;
    std::uint64_t packets_dropped = 0;
    std::uint64_t unknown_port = 0; // datagrams on a port no session holds (late packets)
    // Totals over every session, ended ones included (per stream: stream_report).
    std::uint64_t hijack_refused = 0;
    std::uint64_t decrypt_failures = 0;
    std::uint64_t encrypt_failures = 0; // dropped (and in packets_dropped), never sent in clear
    std::uint64_t late_latching = 0;
};

class relay {
  public:
    relay(relay_options options, const core::clock& clock);
    relay(const relay&) = delete;
    relay& operator=(const relay&) = delete;
    ~relay();

    // A new session without ports.
    session_id open();
    // The ports of stream `index` (allocated on first use: one pair per leg). limit_exceeded
    // when the range is exhausted (nothing stays allocated then); not_found for an unknown session.
    result<std::pair<std::uint16_t, std::uint16_t>> ensure_stream(session_id s, std::size_t index);
    [[nodiscard]] std::size_t stream_count(session_id s) const;
    // Sets how a leg is treated. crypto_error when the key does not fit the mode.
    result<void> set_leg(session_id s, side which, const leg_settings& settings);
    // Where the leg's endpoint said (SDP) it receives RTP for stream `index` (RTCP: port + 1).
    // An invalid endpoint (port 0, or the 0.0.0.0 hold address) stops sending to it.
    void set_remote(session_id s, std::size_t index, side which, const endpoint& rtp);
    // A new callee attempt: forget the b legs' latches and addresses, re-arm rtp_started.
    void reset_callee(session_id s);
    // Starts the media timeout clock (typically when the call is answered).
    void arm_timeout(session_id s);
    // Releases every port of the session and forgets it. Unknown ids are ignored.
    void close(session_id s);

    // One datagram that arrived on `local_port` from `from`. Never allocates.
    forward on_datagram(std::uint16_t local_port, const endpoint& from,
                        std::span<std::uint8_t> datagram);

    [[nodiscard]] std::optional<core::clock::time_point> deadline() const;
    void on_timer();
    // Moves the pending events / port changes into `out` (appended).
    void take_events(std::vector<relay_event>& out);
    void take_port_changes(std::vector<port_change>& out);
    [[nodiscard]] bool has_events() const noexcept { return !events_.empty(); }
    [[nodiscard]] bool has_port_changes() const noexcept { return !changes_.empty(); }

    [[nodiscard]] std::vector<stream_report> report(session_id s) const;
    [[nodiscard]] bool rtp_seen_from_callee(session_id s) const;
    [[nodiscard]] std::size_t sessions() const noexcept { return sessions_.size(); }
    [[nodiscard]] const port_allocator& ports() const noexcept { return ports_; }
    [[nodiscard]] const relay_stats& stats() const noexcept { return stats_; }
    [[nodiscard]] const relay_options& options() const noexcept { return options_; }

  private:
    struct leg;
    struct direction;
    struct stream;
    struct session;
    struct slot {
        session* owner = nullptr;
        std::uint32_t stream = 0;
        side which = side::a;
        bool rtcp = false;
    };

    session* find(session_id s);
    const session* find(session_id s) const;
    slot* slot_of(std::uint16_t port);
    void bind_port(std::uint16_t port, const slot& value);
    void unbind_port(std::uint16_t port);
    result<crypto::payload_cipher*> cipher_for(crypto::mode m, const crypto::key_bytes& key);
    static void count_sequence(direction& dir, std::uint16_t seq, std::uint32_t ssrc);

    relay_options options_;
    const core::clock& clock_;
    port_allocator ports_;
    std::vector<slot> slots_; // by port - first port of the allocator
    std::unordered_map<session_id, std::unique_ptr<session>> sessions_;
    std::map<std::pair<crypto::mode, crypto::key_bytes>, std::unique_ptr<crypto::payload_cipher>>
        ciphers_;
    std::set<std::pair<core::clock::time_point, session_id>> timeline_;
    std::vector<relay_event> events_;
    std::vector<port_change> changes_;
    session_id next_ = 1;
    relay_stats stats_;
};

} // namespace ssw::media
