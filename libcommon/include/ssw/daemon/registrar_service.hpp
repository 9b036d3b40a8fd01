// SPDX-License-Identifier: MIT
// ssw::daemon::registrar_service: REGISTER (RFC 3261 §10.3) from authentication to the staged
// binding change: who may register (source_policy), whether the credentials hold
// (authenticator), then expiry rules, the NAT cap, replace or refuse, unregister and wildcard.
// Changes are staged in the binding store; the engine commits them in a batch and only then
// sends the 200s (reply::kind::respond_after_commit).
#pragma once

#include <ssw/core/clock.hpp>
#include <ssw/core/log.hpp>
#include <ssw/daemon/reply.hpp>
#include <ssw/params/settings.hpp>
#include <ssw/provision/config.hpp>
#include <ssw/registrar/binding_store.hpp>
#include <ssw/sip/message.hpp>
#include <ssw/sip/transport.hpp>

#include <functional>
#include <string>
#include <string_view>

namespace ssw::daemon {

class authenticator;
class source_policy;
struct engine_counters;

// Who wants to know when a binding appears or goes (the NAT keep-alive scheduler).
struct binding_observer {
    std::function<void(const registrar::binding&)> bound;
    std::function<void(std::string_view account, std::string_view contact)> unbound;
};

class registrar_service {
  public:
    // Everything passed by reference must outlive the service.
    registrar_service(const provision::config& config, const params::settings& settings,
                      const core::clock& clock, registrar::binding_repository& store,
                      source_policy& sources, authenticator& auth, engine_counters& counters,
                      core::log_function log, binding_observer observer);

    // The reply to one REGISTER from `from` (`log_details`: name rejections in the log).
    reply on_register(const sip::message& m, const sip::peer& from, bool log_details = false);
    // Whether `user` has a live binding registered from `from`'s address.
    [[nodiscard]] bool is_registered_peer(std::string_view user, const sip::peer& from) const;
    // Drops the bindings past their expiry (and tells the observer); the removals reach the
    // disk with the engine's next commit.
    void expire();

  private:
    reply update_bindings(const sip::message& m, const sip::peer& from,
                          const provision::account& account);
    reply remove_all(const provision::account& account, const sip::peer& from,
                     core::clock::wall_time wall);
    reply ok_with_bindings(const std::string& user, core::clock::wall_time wall) const;
    void unbind(const std::string& account, const std::string& contact);
    void emit(core::log_level level, const std::string& text) const;

    const provision::config& config_;
    const params::settings& settings_;
    const core::clock& clock_;
    registrar::binding_repository& store_;
    source_policy& sources_;
    authenticator& auth_;
    engine_counters& counters_;
    core::log_function log_;
    binding_observer observer_;
};

} // namespace ssw::daemon
