// SPDX-License-Identifier: MIT
// Gateways, accounts and unknown sources.
#include <ssw/daemon/engine.hpp>
#include <ssw/daemon/source_policy.hpp>
#include <ssw/daemon/uplink_registrations.hpp>

#include <algorithm>

namespace ssw::daemon {

namespace {

bool in_any(const std::vector<core::ip_network>& networks, const core::ip_address& a)
{
    return std::any_of(networks.begin(), networks.end(),
                       [&](const core::ip_network& n) { return n.contains(a); });
}

} // namespace

source_policy::source_policy(const provision::config& config, const uplink_registrations& uplinks,
                             engine_counters& counters, drop_summary& drops)
    : config_(config), uplinks_(uplinks), counters_(counters), drops_(drops)
{
    reindex();
}

void source_policy::reindex()
{
    accounts_.clear();
    accounts_.reserve(config_.accounts.size());
    for (const auto& a : config_.accounts) {
        accounts_.emplace(a.user, &a);
    }
}

bool source_policy::is_gateway(const core::ip_address& address,
                               std::optional<std::uint16_t> port) const
{
    for (const auto& m : config_.mapping_gateways) {
        if (in_any(m.networks, address)) {
            return true;
        }
    }
    for (const auto& r : config_.routing_gateways) {
        for (const auto& e : r.addresses) {
            if (e.address && *e.address == address && (!port || e.port == *port)) {
                return true;
            }
        }
    }
    return uplinks_.gateway_of(address) != nullptr;
}

bool source_policy::is_trusted_gateway(const sip::peer& from) const
{
    return is_gateway(from.address, from.port);
}

const provision::account* source_policy::usable_account(std::string_view user,
                                                        const sip::peer& from) const
{
    const auto found = accounts_.find(user);
    if (found == accounts_.end()) {
        return nullptr;
    }
    const auto* a = found->second;
    if (!a->allowed_networks.empty() && !in_any(a->allowed_networks, from.address)) {
        return nullptr;
    }
    return a;
}

bool source_policy::is_known_source(const sip::message& m, const sip::peer& from) const
{
    if (is_gateway(from.address)) {
        return true;
    }
    const auto party = m.method_kind() == sip::method_id::register_ ? m.to() : m.from();
    return party && usable_account(party->address.user, from) != nullptr;
}

b2bua::caller_identity source_policy::identify(const sip::message& m, const sip::peer& from) const
{
    b2bua::caller_identity who;
    if (const auto f = m.from()) {
        who.account = std::string(f->address.user);
    }
    for (std::size_t i = 0; i < config_.mapping_gateways.size(); ++i) {
        const auto& g = config_.mapping_gateways[i];
        const bool by_account =
            std::find(g.accounts.begin(), g.accounts.end(), who.account) != g.accounts.end();
        if (in_any(g.networks, from.address) || by_account) {
            who.mapping_gateway = i;
            break;
        }
    }
    return who;
}

source_policy::unknown_answer source_policy::on_unknown_source(const sip::message& m,
                                                               const sip::peer& from,
                                                               bool reply_unauthorized)
{
    if (!reply_unauthorized) {
        ++counters_.unknown_dropped;
        drops_.note(drop_reason::unknown_silent, from.address);
        return unknown_answer::silence;
    }
    ++counters_.unknown_rejected;
    drops_.note(drop_reason::unknown_rejected, from.address);
    return m.method_kind() == sip::method_id::register_ ? unknown_answer::challenge
                                                        : unknown_answer::forbidden;
}

} // namespace ssw::daemon
