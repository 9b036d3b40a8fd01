// SPDX-License-Identifier: MIT
// ssw::daemon::server_transactions: the engine's RFC 3261 §17.2 server transactions (only for
// requests that authenticated or came from a gateway), keyed per §17.2.3, with their timers,
// the retransmissions they absorb, and merged-request detection (§8.2.2.2). Bounded: the
// engine answers statelessly when full() says so.
#pragma once

#include <ssw/core/clock.hpp>
#include <ssw/sip/message.hpp>
#include <ssw/sip/transaction.hpp>
#include <ssw/sip/transport.hpp>

#include <cstddef>
#include <deque>
#include <functional>
#include <memory>
#include <optional>
#include <queue>
#include <string>
#include <unordered_map>
#include <utility>
#include <vector>

namespace ssw::daemon {

class server_transactions {
  public:
    static constexpr std::size_t default_capacity = 200000;

    // `send` carries every response the table resends.
    using send_function = std::function<void(const sip::peer&, const std::string&)>;
    server_transactions(const core::clock& clock, sip::transaction_timers timers,
                        send_function send, std::size_t capacity = default_capacity);

    // The transaction key of a request (RFC 3261 §17.2.3; Call-ID, CSeq, From tag and Via for
    // RFC 2543 peers). An ACK shares its INVITE's key.
    [[nodiscard]] static std::string key_of(const sip::message& m, const sip::via& top);

    // A retransmission (or the ACK of a non-2xx) of a request we keep: absorbed, and the last
    // response resent when the machine says so. False when no transaction has this key.
    bool absorb(const sip::message& m, const std::string& key);
    // True when the same out-of-dialog request (From tag, Call-ID, CSeq, method) arrived in
    // another transaction we keep.
    [[nodiscard]] bool merged_with_another(const sip::message& m, const std::string& key);
    [[nodiscard]] bool full() const noexcept { return table_.size() >= capacity_; }

    // A new transaction for `m` whose response `response` (status `code`) went to `reply_to`.
    void add(const sip::message& m, const std::string& key, const sip::peer& reply_to,
             std::string response, int code);
    // The response a transaction resends, replaced (a 200 that could not be committed
    // became a 500).
    void replace_response(const std::string& key, std::string response);

    // Resends and ends what the clock says; forgets merged requests past 64*T1.
    void on_timer();
    [[nodiscard]] std::optional<core::clock::time_point> deadline() const;
    void set_timers(sip::transaction_timers timers) { timers_ = std::move(timers); }

    [[nodiscard]] std::size_t size() const noexcept { return table_.size(); }
    [[nodiscard]] std::size_t merge_memory() const noexcept { return recent_.size(); }
    [[nodiscard]] std::uint64_t retransmissions_absorbed() const noexcept { return absorbed_; }

  private:
    struct entry {
        entry(bool invite, sip::transport_reliability t, const sip::transaction_timers& timers,
              const core::clock& clock)
            : machine(invite, t, timers, clock)
        {
        }
        sip::server_transaction machine;
        std::string last_response;
        sip::peer reply_to;
        std::optional<core::clock::time_point> scheduled;
    };
    struct recent_request {
        std::string transaction;
        core::clock::time_point expires;
    };
    using timer_item = std::pair<core::clock::time_point, std::string>;

    void schedule(const std::string& key, entry& e);
    void remember(const sip::message& m, const std::string& key);
    void forget_old_requests(core::clock::time_point now);

    const core::clock& clock_;
    sip::transaction_timers timers_;
    send_function send_;
    std::size_t capacity_;
    std::unordered_map<std::string, std::unique_ptr<entry>> table_;
    std::priority_queue<timer_item, std::vector<timer_item>, std::greater<>> heap_;
    // Requests that got a transaction in the last 64*T1, by merge key, in arrival order.
    std::unordered_map<std::string, recent_request> recent_;
    std::deque<std::pair<core::clock::time_point, std::string>> recent_order_;
    std::uint64_t absorbed_ = 0;
};

} // namespace ssw::daemon
