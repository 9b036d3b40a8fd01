// SPDX-License-Identifier: MIT
// Minimal SDP (RFC 4566): origin, connection, media, rtpmap/fmtp/ptime/direction; and a rewriter.
#pragma once

#include <ssw/core/result.hpp>

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace ssw::sdp {

// Bounds on hostile input; exceeding one is errc::limit_exceeded.
struct parse_limits {
    std::size_t max_bytes = 65535;
    std::size_t max_lines = 1024;
    std::size_t max_media = 64;
    std::size_t max_formats_per_media = 64;
};

enum class direction : std::uint8_t { sendrecv, sendonly, recvonly, inactive };

// "a=sendonly" etc. as text.
[[nodiscard]] std::string_view to_string(direction d) noexcept;

// c=<nettype> <addrtype> <connection-address> (RFC 4566 §5.7). `address` excludes any
// "/ttl/count" suffix, which is kept in `suffix` (without the first '/').
struct connection {
    std::string_view net_type;  // "IN"
    std::string_view addr_type; // "IP4" or "IP6"
    std::string_view address;
    std::string_view suffix;
    std::string_view line; // the whole value after "c=" as written
};

// o=<username> <sess-id> <sess-version> <nettype> <addrtype> <unicast-address> (§5.2).
struct origin {
    std::string_view username;
    std::string_view session_id;
    std::string_view session_version;
    std::string_view net_type;
    std::string_view addr_type;
    std::string_view address;
};

// a=rtpmap:<payload type> <encoding name>/<clock rate>[/<encoding parameters>] (§6).
struct rtpmap {
    std::uint8_t payload_type = 0;
    std::string_view encoding;
    std::uint32_t clock_rate = 0; // 0 when the line omits it (tolerated, see parse_session)
    std::string_view parameters;  // e.g. channels "2"; "" when absent
};

// a=fmtp:<format> <format specific parameters> (§6).
struct fmtp {
    std::string_view format;
    std::string_view parameters;
};

// m=<media> <port>[/<number of ports>] <proto> <fmt> ... (§5.14) and its attributes.
struct media {
    std::string_view type; // "audio", "video", ...
    std::uint16_t port = 0;
    std::uint16_t port_count = 1;
    std::string_view proto; // "RTP/AVP", "RTP/SAVP", "udptl", ...
    std::vector<std::string_view> formats;
    std::optional<connection> conn; // media-level c=
    std::vector<rtpmap> rtpmaps;
    std::vector<fmtp> fmtps;
    std::optional<direction> dir; // media-level direction attribute
    std::optional<std::uint32_t> ptime_ms;
    std::vector<std::string_view> attributes; // every a= value of this media, as written

    // Payload types of the formats (RTP profiles); non-numeric formats are skipped.
    [[nodiscard]] std::vector<std::uint8_t> payload_types() const;
    // The rtpmap for a payload type, if announced.
    [[nodiscard]] const rtpmap* find_rtpmap(std::uint8_t pt) const noexcept;
};

// A parsed session description. Views point into the parsed text.
struct session {
    std::string_view version; // "0"
    std::optional<origin> orig;
    std::string_view name;          // s=
    std::optional<connection> conn; // session-level c=
    std::optional<direction> dir;   // session-level direction attribute
    std::vector<std::string_view> attributes;
    std::vector<media> media_list;

    // The connection that applies to media i (media-level, else session-level), or nullptr.
    [[nodiscard]] const connection* connection_for(std::size_t media_index) const noexcept;
    // The direction that applies to media i (media-level, else session-level, else sendrecv).
    [[nodiscard]] direction direction_for(std::size_t media_index) const noexcept;
};

// Parses SDP text (CRLF or LF line ends). Checks: every line is "<letter>=<value>"; v= comes
// first and is "0"; o=, c= and m= have their field counts; IP4/IP6 connection addresses are
// IPv4 / IPv6 literals (FQDNs are accepted for other addr types and for IP4 when not dotted
// digits); m= port 0-65535 and count; rtpmap payload type 0-127 and an encoding name (a
// missing clock rate is tolerated as 0);
// ptime a number. Unknown lines and attributes are kept/ignored.
// Fails with parse_error (where = "line N") or limit_exceeded.
result<session> parse_session(std::string_view text, const parse_limits& limits = {});

// What to change in an SDP body for a media relay.
struct rewrite {
    // New address for every c= line (session and media level) and the o= address; addr
    // type IP4/IP6 is derived from it. Empty: leave addresses alone.
    std::string connection_address;
    // New port per m= line by index; nullopt leaves that port. Extra entries are ignored.
    std::vector<std::optional<std::uint16_t>> media_ports;
    // Also rewrite the o= line's address (on by default).
    bool rewrite_origin = true;
};

// Applies `rw` to `text` and returns the new SDP. Every byte not rewritten is kept as is
// (line ends, attribute order, unknown lines). Fails as parse_session does.
result<std::string> rewrite_session(std::string_view text, const rewrite& rw,
                                    const parse_limits& limits = {});

} // namespace ssw::sdp
