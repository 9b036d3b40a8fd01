// SPDX-License-Identifier: MIT
// REGISTER handling and binding updates (RFC 3261 §10.3).
#include <ssw/daemon/authenticator.hpp>
#include <ssw/daemon/engine.hpp>
#include <ssw/daemon/registrar_service.hpp>
#include <ssw/daemon/source_policy.hpp>

#include <algorithm>

namespace ssw::daemon {

namespace {

constexpr std::uint32_t min_register_expiry = 60; // 423 below this (our choice)

// Behind NAT when the address or port a party wrote (Via sent-by, Contact) is not where its
// packets come from.
bool written_elsewhere(std::string_view host, std::optional<std::uint16_t> port,
                       const sip::peer& from)
{
    const auto address = core::ip_address::parse(host);
    return !address || *address != from.address || port.value_or(5060) != from.port;
}

} // namespace

registrar_service::registrar_service(const provision::config& config,
                                     const params::settings& settings, const core::clock& clock,
                                     registrar::binding_repository& store, source_policy& sources,
                                     authenticator& auth, engine_counters& counters,
                                     core::log_function log, binding_observer observer)
    : config_(config), settings_(settings), clock_(clock), store_(store), sources_(sources),
      auth_(auth), counters_(counters), log_(std::move(log)), observer_(std::move(observer))
{
}

void registrar_service::emit(core::log_level level, const std::string& text) const
{
    if (log_) {
        log_(level, text);
    }
}

void registrar_service::unbind(const std::string& account, const std::string& contact)
{
    store_.stage_remove(account, contact);
    if (observer_.unbound) {
        observer_.unbound(account, contact);
    }
}

reply registrar_service::on_register(const sip::message& m, const sip::peer& from, bool log_details)
{
    const auto to = m.to();
    if (!to) {
        return reply::stateless_response(400, "Bad To Header");
    }
    const std::string user(to->address.user);
    const auto* account = sources_.usable_account(user, from);
    if (account == nullptr && !config_.challenge_unknown_accounts) {
        if (!settings_.reply_unauthorized() || !auth_.has_credentials(m)) {
            switch (sources_.on_unknown_source(m, from, settings_.reply_unauthorized())) {
            case source_policy::unknown_answer::silence: return reply::silent();
            case source_policy::unknown_answer::challenge: return auth_.challenge(false);
            case source_policy::unknown_answer::forbidden: break;
            }
            return reply::stateless_response(403);
        }
        // Credentials for an account that does not exist: count them against the source.
        auth_.count_unknown_account(m, from, user);
        (void)sources_.on_unknown_source(m, from, true);
        return reply::stateless_response(403);
    }
    if (auto denied = auth_.authenticate(m, from, account, user, true, log_details)) {
        return *denied;
    }
    if (account == nullptr) {
        return reply::stateless_response(403); // challenge_unknown_accounts: never accepted
    }
    return update_bindings(m, from, *account);
}

reply registrar_service::remove_all(const provision::account& account, const sip::peer& from,
                                    core::clock::wall_time wall)
{
    for (const auto& b : store_.lookup(account.user, wall)) {
        if (observer_.unbound) {
            observer_.unbound(b.account, b.contact);
        }
    }
    store_.stage_remove_all(account.user);
    emit(core::log_level::info,
         "unregistered all contacts of " + account.user + " from " + from.to_string());
    return ok_with_bindings(account.user, wall);
}

reply registrar_service::update_bindings(const sip::message& m, const sip::peer& from,
                                         const provision::account& account)
{
    const auto contacts = m.contacts();
    if (!contacts) {
        return reply::stateful(400, "Bad Contact");
    }
    const auto expires_header = m.expires();
    const auto cseq = m.cseq();
    if (!expires_header || !cseq) {
        return reply::stateful(400);
    }
    const auto wall = clock_.wall_now();
    if (std::any_of(contacts->begin(), contacts->end(),
                    [](const sip::contact& c) { return c.star; })) {
        // RFC 3261 §10.3 step 6: '*' only alone and only with Expires: 0.
        if (contacts->size() != 1 || !*expires_header || **expires_header != 0) {
            return reply::stateful(400, "Invalid Wildcard");
        }
        return remove_all(account, from, wall);
    }
    const auto top = m.top_via();
    const bool via_nat = top && written_elsewhere(top->host, top->port, from);
    const auto existing = store_.lookup(account.user, wall);
    const bool replace = settings_.endpoint_register_replace();
    for (const auto& c : *contacts) {
        const std::uint32_t requested = c.expires.value_or(expires_header->value_or(3600));
        const std::string uri(c.address.address.text);
        if (requested != 0 && requested < min_register_expiry) {
            reply r = reply::stateful(423);
            r.headers.emplace_back("Min-Expires", std::to_string(min_register_expiry));
            return r;
        }
        const auto same =
            std::find_if(existing.begin(), existing.end(),
                         [&](const registrar::binding& b) { return b.contact == uri; });
        if (same != existing.end() && same->call_id == m.call_id() && cseq->number <= same->cseq) {
            return reply::stateful(500, "Out Of Order"); // RFC 3261 §10.3 step 7
        }
        if (requested == 0) {
            unbind(account.user, uri);
            emit(core::log_level::info, "unregistered " + uri + " of " + account.user);
            continue;
        }
        if (!replace && same == existing.end() && !existing.empty()) {
            return reply::stateful(403, "Already Registered Elsewhere");
        }
        const bool nat = via_nat || written_elsewhere(c.address.address.host_unbracketed(),
                                                      c.address.address.port, from);
        const auto cap = nat ? settings_.endpoint_nat_expire() : settings_.endpoint_expire();
        const auto granted = std::min<std::int64_t>(requested, cap.count());
        if (replace) {
            for (const auto& old : existing) {
                if (old.contact != uri) {
                    unbind(account.user, old.contact);
                }
            }
        }
        registrar::binding b;
        b.account = account.user;
        b.contact = uri;
        b.source = from.address;
        b.source_port = from.port;
        b.transport = std::string(provision::to_string(from.transport));
        b.expires = wall + std::chrono::seconds(granted);
        b.behind_nat = nat;
        b.call_id = std::string(m.call_id());
        b.cseq = cseq->number;
        b.user_agent = std::string(m.user_agent());
        store_.stage_put(b);
        if (observer_.bound) {
            observer_.bound(b);
        }
        ++counters_.registrations;
        emit(core::log_level::info, "registered " + account.user + " at " + uri + " for " +
                                        std::to_string(granted) + " s" +
                                        (nat ? " (behind NAT)" : "") + " from " + from.to_string());
    }
    return ok_with_bindings(account.user, wall);
}

reply registrar_service::ok_with_bindings(const std::string& user,
                                          core::clock::wall_time wall) const
{
    reply r = reply::after_commit(200);
    for (const auto& b : store_.lookup(user, wall)) {
        const auto left =
            std::chrono::duration_cast<std::chrono::seconds>(b.expires - wall).count();
        r.headers.emplace_back("Contact", "<" + b.contact + ">;expires=" + std::to_string(left));
    }
    return r;
}

bool registrar_service::is_registered_peer(std::string_view user, const sip::peer& from) const
{
    const auto bindings = store_.lookup(user, clock_.wall_now());
    return std::any_of(bindings.begin(), bindings.end(),
                       [&](const registrar::binding& b) { return b.source == from.address; });
}

void registrar_service::expire()
{
    for (const auto& b : store_.expire_collect(clock_.wall_now())) {
        if (observer_.unbound) {
            observer_.unbound(b.account, b.contact);
        }
    }
}

} // namespace ssw::daemon
