// SPDX-License-Identifier: MIT
// The engine's server transaction table: keys, timers, absorbed retransmissions, merges.
#include <ssw/daemon/server_transactions.hpp>

namespace ssw::daemon {

namespace {

// The key of merged-request detection (RFC 3261 §8.2.2.2): From tag, Call-ID, CSeq and method
// of an out-of-dialog request; empty for requests it does not apply to.
std::string merge_key_of(const sip::message& m)
{
    const auto to = m.to();
    const auto f = m.from();
    const auto cseq = m.cseq();
    if (!to || !to->tag().empty() || !f || f->tag().empty() || !cseq) {
        return {};
    }
    std::string key(f->tag());
    key += '|';
    key.append(m.call_id());
    key += '|';
    key += std::to_string(cseq->number);
    key += '|';
    key.append(m.method());
    return key;
}

} // namespace

server_transactions::server_transactions(const core::clock& clock, sip::transaction_timers timers,
                                         send_function send, std::size_t capacity)
    : clock_(clock), timers_(std::move(timers)), send_(std::move(send)), capacity_(capacity)
{
}

std::string server_transactions::key_of(const sip::message& m, const sip::via& top)
{
    std::string_view method = m.method();
    if (m.method_kind() == sip::method_id::ack) {
        method = "INVITE"; // an ACK for a non-2xx belongs to the INVITE's transaction
    }
    std::string key;
    if (top.has_rfc3261_branch()) {
        key.append(top.branch);
    } else {
        // RFC 2543 peers: Call-ID, CSeq number, From tag and top Via identify it.
        const auto cseq = m.cseq();
        key.append(m.call_id());
        key += '|';
        key += cseq ? std::to_string(cseq->number) : std::string{};
        if (const auto f = m.from()) {
            key += '|';
            key.append(f->tag());
        }
    }
    key += '|';
    key.append(top.host);
    key += ':';
    key += std::to_string(top.port.value_or(5060));
    key += '|';
    key.append(method);
    return key;
}

void server_transactions::schedule(const std::string& key, entry& e)
{
    const auto d = e.machine.deadline();
    if (d && (!e.scheduled || *e.scheduled != *d)) {
        e.scheduled = d;
        heap_.emplace(*d, key);
    }
}

bool server_transactions::absorb(const sip::message& m, const std::string& key)
{
    const auto it = table_.find(key);
    if (it == table_.end()) {
        return false;
    }
    auto& e = *it->second;
    const auto events = m.method_kind() == sip::method_id::ack
                            ? e.machine.on_ack()
                            : e.machine.on_request_retransmission();
    ++absorbed_;
    for (const auto& ev : events) {
        if (ev.action == sip::transaction_action::resend_response && !e.last_response.empty()) {
            send_(e.reply_to, e.last_response);
        }
    }
    schedule(key, e);
    return true;
}

bool server_transactions::merged_with_another(const sip::message& m, const std::string& key)
{
    forget_old_requests(clock_.now());
    const auto merge_key = merge_key_of(m);
    if (merge_key.empty()) {
        return false;
    }
    const auto it = recent_.find(merge_key);
    return it != recent_.end() && it->second.transaction != key;
}

void server_transactions::remember(const sip::message& m, const std::string& key)
{
    auto merge_key = merge_key_of(m);
    if (merge_key.empty() || recent_.size() >= capacity_) {
        return;
    }
    const auto expires = clock_.now() + 64 * timers_.t1;
    recent_order_.emplace_back(expires, merge_key);
    recent_.insert_or_assign(std::move(merge_key), recent_request{key, expires});
}

void server_transactions::forget_old_requests(core::clock::time_point now)
{
    while (!recent_order_.empty() && recent_order_.front().first <= now) {
        const auto it = recent_.find(recent_order_.front().second);
        if (it != recent_.end() && it->second.expires <= now) {
            recent_.erase(it);
        }
        recent_order_.pop_front();
    }
}

void server_transactions::add(const sip::message& m, const std::string& key,
                              const sip::peer& reply_to, std::string response, int code)
{
    const auto reliability = reply_to.transport == sip::transport_kind::udp
                                 ? sip::transport_reliability::unreliable
                                 : sip::transport_reliability::reliable;
    auto e = std::make_unique<entry>(m.method_kind() == sip::method_id::invite, reliability,
                                     timers_, clock_);
    e->reply_to = reply_to;
    e->last_response = std::move(response);
    e->machine.on_send_response(code);
    remember(m, key);
    auto& stored = *e;
    table_.insert_or_assign(key, std::move(e));
    schedule(key, stored);
}

void server_transactions::replace_response(const std::string& key, std::string response)
{
    if (const auto it = table_.find(key); it != table_.end()) {
        it->second->last_response = std::move(response);
    }
}

void server_transactions::on_timer()
{
    const auto now = clock_.now();
    while (!heap_.empty() && heap_.top().first <= now) {
        const auto [due, key] = heap_.top();
        heap_.pop();
        const auto it = table_.find(key);
        if (it == table_.end() || !it->second->scheduled || *it->second->scheduled != due) {
            continue; // a stale heap entry
        }
        auto& e = *it->second;
        e.scheduled.reset();
        if (!e.machine.deadline()) {
            table_.erase(it);
            continue;
        }
        bool done = false;
        for (const auto& ev : e.machine.on_timer()) {
            if (ev.action == sip::transaction_action::resend_response) {
                send_(e.reply_to, e.last_response);
            } else if (ev.action == sip::transaction_action::terminated) {
                done = true;
            }
        }
        if (done) {
            table_.erase(it);
        } else {
            schedule(key, e);
        }
    }
    forget_old_requests(now);
}

std::optional<core::clock::time_point> server_transactions::deadline() const
{
    std::optional<core::clock::time_point> next;
    if (!heap_.empty()) {
        next = heap_.top().first;
    }
    if (!recent_order_.empty() && (!next || recent_order_.front().first < *next)) {
        next = recent_order_.front().first;
    }
    return next;
}

} // namespace ssw::daemon
