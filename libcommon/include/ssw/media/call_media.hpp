// SPDX-License-Identifier: MIT
// ssw::media::call_media: the relay's side of a call. Implements b2bua::media_hook: decides
// per call whether media is relayed, rewrites the SDP of offers and answers on both legs to
// the relay's address and ports, sets each leg's latching and cipher, and turns relay events
// into call events (first RTP from the callee of an attempt, media timeout).
#pragma once

#include <ssw/b2bua/media_hook.hpp>
#include <ssw/crypto/key.hpp>
#include <ssw/media/relay.hpp>

#include <functional>
#include <string>
#include <unordered_map>
#include <vector>

namespace ssw::media {

struct call_media_options {
    // The address written into c= (and o=) lines of relayed SDP.
    std::string address = "127.0.0.1";
    // SS_MEDIA_PROXY_BEHIND_NAT: relay calls with an endpoint behind NAT.
    bool proxy_behind_nat = true;
    // SS_RTPENCRYPTIONMODE / SS_RTPENCRYPTIONKEY: the cipher of encrypted legs (per-gateway
    // overrides in media_leg_info win).
    crypto::mode mode = crypto::mode::none;
    crypto::key_bytes key;
    // Latch gateway legs too (not only endpoints detected behind NAT).
    bool latch_gateways = false;
};

// What a relay event means for the call manager.
struct call_event {
    enum class kind : std::uint8_t { rtp_started, media_timeout } what = kind::rtp_started;
    std::string call_id;
    std::size_t attempt = 0; // rtp_started: the attempt whose gateway sent it
};

class call_media final : public b2bua::media_hook {
  public:
    using log_function = std::function<void(std::string_view)>;
    // `r` must outlive this object.
    call_media(relay& r, call_media_options options, log_function log = {});

    void call_started(std::string_view call_id, const b2bua::media_leg_info& caller) override;
    void attempt_started(std::string_view call_id, std::size_t attempt,
                         const b2bua::media_leg_info& callee) override;
    [[nodiscard]] result<std::string> sdp(std::string_view call_id, b2bua::media_side from,
                                          std::string_view body) override;
    void call_answered(std::string_view call_id) override;
    b2bua::media_report call_ended(std::string_view call_id) override;

    // Drains the relay's events (after datagrams or timers) as call events.
    void take_events(std::vector<call_event>& out);
    // New settings (SIGHUP); calls in progress keep what they had.
    void reconfigure(call_media_options options);

    [[nodiscard]] std::size_t calls() const noexcept { return calls_.size(); }
    [[nodiscard]] relay& core() noexcept { return relay_; }
    [[nodiscard]] const relay& core() const noexcept { return relay_; }
    [[nodiscard]] const std::string& address() const noexcept { return options_.address; }

  private:
    struct call_state {
        b2bua::media_leg_info caller;
        b2bua::media_leg_info callee;
        std::size_t attempt = 0;
        session_id session = 0; // 0: not relayed (yet)
    };
    [[nodiscard]] bool needs_relay(const b2bua::media_leg_info& leg) const;
    [[nodiscard]] result<leg_settings> settings_for(const b2bua::media_leg_info& leg,
                                                    bool gateway) const;
    result<void> start_relay(call_state& c);

    relay& relay_;
    call_media_options options_;
    log_function log_;
    std::unordered_map<std::string, call_state> calls_;
    std::unordered_map<session_id, std::string> by_session_;
    std::vector<relay_event> scratch_;
};

} // namespace ssw::media
