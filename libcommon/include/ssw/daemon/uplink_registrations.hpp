// SPDX-License-Identifier: MIT
// ssw::daemon::uplink_registrations: the daemon registering its routing gateways to their
// carriers (ssw.conf register-* keys). One uplink::outbound_registration per gateway decides
// what to send; this builds the REGISTERs (same Call-ID, rising CSeq, Expires always written),
// runs their client transactions, answers 401/407 with digest, and on a graceful stop sends
// the un-REGISTERs. DNS is I/O: names are handed to net/ as requests and come back as events.
#pragma once

#include <ssw/core/clock.hpp>
#include <ssw/core/ip_address.hpp>
#include <ssw/core/log.hpp>
#include <ssw/params/settings.hpp>
#include <ssw/provision/config.hpp>
#include <ssw/sip/transport.hpp>

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace ssw::sip {
class message;
}

namespace ssw::daemon {

using log_level = core::log_level;

// A name net/ must resolve (RFC 3263: SRV _sip._udp first unless a port was written, then
// A/AAAA), answered with on_resolved(gateway, ...).
struct resolve_request {
    std::string gateway;
    std::string host;
    std::uint16_t port = 5060;
    bool use_srv = true;
    sip::transport_kind transport = sip::transport_kind::udp;
};

// One address to try, in the order RFC 3263 gives (SRV priority, then weight).
struct resolved_target {
    core::ip_address address;
    std::uint16_t port = 5060;
};

// One gateway's registration as `ssw-run status` shows it.
struct uplink_status {
    std::string gateway;
    std::string proxy;                      // as configured
    std::string target;                     // the address in use ("" while unresolved)
    std::string state;                      // uplink::to_string(registration_state), or "resolving"
    std::optional<std::int64_t> expires_in; // seconds, while bound
    std::int64_t granted = 0;               // seconds granted by the last 200
    int last_failure_code = -1;             // -1: none; 0: no answer
    std::string last_failure_reason;
    std::optional<std::int64_t> last_failure_age; // seconds ago
    std::uint64_t registers_sent = 0;
    std::uint64_t challenges_answered = 0;
};

class uplink_registrations {
  public:
    using log_sink = std::function<void(log_level, const std::string&)>;

    uplink_registrations(const provision::config& config, const params::settings& settings,
                         const core::clock& clock, log_sink log);
    uplink_registrations(const uplink_registrations&) = delete;
    uplink_registrations& operator=(const uplink_registrations&) = delete;
    ~uplink_registrations();

    // Starts every registration whose proxy is a literal address; names become requests.
    void start(std::vector<sip::outgoing>& out);
    // Names that need resolving now (each handed out once).
    [[nodiscard]] std::vector<resolve_request> take_resolve_requests();
    // The answer to a resolve_request; empty `targets` with `error` when it failed.
    void on_resolved(std::string_view gateway, std::vector<resolved_target> targets,
                     std::string_view error, std::vector<sip::outgoing>& out);
    // A response: true when it answered one of our REGISTERs (then it is consumed).
    bool on_response(const sip::message& response, const sip::peer& from,
                     std::vector<sip::outgoing>& out);
    void on_timer(std::vector<sip::outgoing>& out);
    [[nodiscard]] std::optional<core::clock::time_point> next_deadline() const;

    // Graceful stop: un-REGISTER (SS_SIP_USER_AGENT_SEND_UNREGISTER On) or stop at once.
    void stop(std::vector<sip::outgoing>& out);
    // True when every registration has finished stopping (the daemon may exit).
    [[nodiscard]] bool stopped() const;

    // The routing gateway whose registration proxy has this address, or nullptr: calls from
    // the carrier to the registered contact come from there.
    [[nodiscard]] const std::string* gateway_of(const core::ip_address& address) const;
    [[nodiscard]] std::vector<uplink_status> status() const;
    [[nodiscard]] std::size_t size() const noexcept;

  private:
    struct state;
    std::unique_ptr<state> state_;
};

} // namespace ssw::daemon
