// SPDX-License-Identifier: MIT
// ssw::b2bua::media_hook: the narrow interface through which the call manager lets a media
// relay take part in a call (media/call_media implements it). The call manager says who the
// legs are, hands over every SDP body crossing from one leg to the other and gets back the
// body to send, and says when the call was answered and when it ended.
#pragma once

#include <ssw/cdr/record.hpp>
#include <ssw/core/result.hpp>

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace ssw::b2bua {

enum class media_side : std::uint8_t { caller, callee };

// What the call manager knows about one leg's media.
struct media_leg_info {
    std::string name;          // account, mapping or routing gateway name (for the log)
    bool behind_nat = false;   // the caller's Contact/Via does not match where its INVITE came from
    bool encrypt = false;      // ssw.conf `encrypt` of the gateway
    bool relay_always = false; // ssw.conf `relay-media`
    int encrypt_mode = -1;     // per-gateway override of SS_RTPENCRYPTIONMODE (-1: none)
    std::string encrypt_key;   // per-gateway override of SS_RTPENCRYPTIONKEY (empty: none)
};

// The relay's contribution to the CDR.
struct media_report {
    bool relayed = false;
    std::vector<cdr::media_stream> streams;
};

class media_hook {
  public:
    virtual ~media_hook() = default;
    // A new call (the caller's initial INVITE was taken).
    virtual void call_started(std::string_view call_id, const media_leg_info& caller) = 0;
    // Attempt `attempt` (0-based) of that call starts towards a routing gateway.
    virtual void attempt_started(std::string_view call_id, std::size_t attempt,
                                 const media_leg_info& callee) = 0;
    // An SDP body sent by `from` about to be passed to the other leg: returns the body to
    // send (the same text when the call is not relayed). Fails when no ports are left.
    [[nodiscard]] virtual result<std::string> sdp(std::string_view call_id, media_side from,
                                                  std::string_view body) = 0;
    virtual void call_answered(std::string_view call_id) = 0;
    // The call ended on any path: release its ports; what it relayed goes into the CDR.
    virtual media_report call_ended(std::string_view call_id) = 0;
};

} // namespace ssw::b2bua
