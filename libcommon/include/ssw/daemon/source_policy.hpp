// SPDX-License-Identifier: MIT
// ssw::daemon::source_policy: who is asking. A request comes from a gateway (a mapping
// gateway's network, a routing gateway's address, a carrier we register to), from an account
// that may be used from its address, or from an unknown source; unknown sources get what
// SS_REPLY_UNAUTHORIZED says: a stateless 401/403 (On) or not a byte (Off).
#pragma once

#include <ssw/b2bua/call_manager.hpp>
#include <ssw/core/ip_address.hpp>
#include <ssw/daemon/drop_summary.hpp>
#include <ssw/provision/config.hpp>
#include <ssw/sip/message.hpp>
#include <ssw/sip/transport.hpp>

#include <cstdint>
#include <optional>
#include <string_view>
#include <unordered_map>

namespace ssw::daemon {

class uplink_registrations;
struct engine_counters;

class source_policy {
  public:
    // `config`, `uplinks`, `counters` and `drops` must outlive the policy; call reindex()
    // whenever `config` changes.
    source_policy(const provision::config& config, const uplink_registrations& uplinks,
                  engine_counters& counters, drop_summary& drops);
    void reindex();

    // A configured gateway at `address`: a mapping gateway's network, a routing gateway's
    // address (at `port` when one is given), or a carrier we register to, which sends its
    // calls to our registered contact from whatever port its proxy uses.
    [[nodiscard]] bool is_gateway(const core::ip_address& address,
                                  std::optional<std::uint16_t> port = std::nullopt) const;
    // Whether requests from `from` skip the challenge. A routing gateway counts by address
    // and port: a vendor on this host (the demo's, at 127.0.0.1:5090) must not make every
    // local phone an unchallenged source.
    [[nodiscard]] bool is_trusted_gateway(const sip::peer& from) const;
    // The account named `user` if it exists and may be used from `from`.
    [[nodiscard]] const provision::account* usable_account(std::string_view user,
                                                           const sip::peer& from) const;
    // A gateway address, or an account usable from there (the To user of a REGISTER, the
    // From user otherwise). Unauthenticated: it only decides what a merged copy gets.
    [[nodiscard]] bool is_known_source(const sip::message& m, const sip::peer& from) const;
    // Which customer a call belongs to: a mapping gateway by source network or account.
    [[nodiscard]] b2bua::caller_identity identify(const sip::message& m,
                                                  const sip::peer& from) const;

    // What an unknown source gets under SS_REPLY_UNAUTHORIZED; counted and summarised.
    enum class unknown_answer { silence, challenge, forbidden };
    unknown_answer on_unknown_source(const sip::message& m, const sip::peer& from,
                                     bool reply_unauthorized);

  private:
    const provision::config& config_;
    const uplink_registrations& uplinks_;
    engine_counters& counters_;
    drop_summary& drops_;
    // Accounts by user name, into `config_` (rebuilt with it): a wholesale switch may have
    // 100,000 accounts, and every REGISTER and INVITE looks one up.
    std::unordered_map<std::string_view, const provision::account*> accounts_;
};

} // namespace ssw::daemon
