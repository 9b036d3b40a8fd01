// SPDX-License-Identifier: MIT
// Private to b2bua/: the data of a call and its legs as the call manager keeps them (the
// caller's leg, one attempt leg per routing gateway tried, the in-dialog requests in flight),
// and the CDR record as a pure function of a call.
#pragma once

#include <ssw/cdr/record.hpp>
#include <ssw/core/clock.hpp>
#include <ssw/provision/config.hpp>
#include <ssw/routing/failover.hpp>
#include <ssw/sip/message.hpp>
#include <ssw/sip/transaction.hpp>
#include <ssw/sip/transport.hpp>

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace ssw::b2bua::detail {

using time_point = core::clock::time_point;

// An owned copy of a message with its parse. The bytes live on the heap so that moving
// the holder keeps the parse's views valid.
struct held_message {
    std::unique_ptr<std::string> data = std::make_unique<std::string>();
    sip::message msg;

    [[nodiscard]] const std::string& bytes() const { return *data; }
    bool hold(std::string text)
    {
        data = std::make_unique<std::string>(std::move(text));
        return sip::parse_message(*data, msg).has_value();
    }
};

// One dialog as this side of the B2BUA sees it: what it writes in requests it sends.
struct dialog_view {
    std::string call_id;
    std::string local;  // our From value for requests we send (with our tag)
    std::string remote; // their To value (with their tag once known)
    std::string remote_tag;
    std::string remote_target; // Request-URI of in-dialog requests
    std::vector<std::string> route_set;
    std::uint32_t local_cseq = 1;
    sip::peer peer;
};

// A request we sent (BYE, CANCEL, relayed re-INVITE/UPDATE/INFO, late-2xx BYE).
struct client_request {
    std::string branch;
    std::string bytes;
    sip::peer to;
    std::string method;
    std::uint32_t cseq = 0;
    std::unique_ptr<sip::client_transaction> tx;
    std::optional<std::uint64_t> relay_of; // the server_request this answers for
    bool a_side = false;                   // sent toward the caller
    bool done = false;
};

// A request we received in a dialog and relayed (or answered).
struct server_request {
    std::uint64_t id = 0;
    std::string branch;
    held_message req;
    sip::peer from;
    sip::peer reply_to; // where its responses go (sip::response_destination)
    bool a_side = false;
    std::unique_ptr<sip::server_transaction> tx;
    std::string last_response;
    std::optional<std::uint32_t> relayed_cseq; // CSeq of our copy on the other leg (re-INVITE ACK)
    bool done = false;
};

// One INVITE to one routing gateway.
struct attempt_leg {
    std::size_t gateway = 0; // index into the call's gateway snapshot
    std::string branch;
    held_message invite;
    std::unique_ptr<sip::client_transaction> tx;
    dialog_view dialog;
    std::string caller_sent;
    std::string callee_sent;
    int auth_tries = 0;
    std::string ack_bytes; // the ACK of its 2xx once sent
    bool counted = false;  // holds a slot of the gateway's max-calls
    bool answered_2xx = false;
    std::optional<std::string>
        offer; // the caller's SDP as the media relay rewrote it for this attempt
};

struct call {
    std::uint64_t id = 0;
    held_message invite;    // the caller's INVITE
    sip::peer caller;       // where the INVITE came from (requests to the caller go here)
    sip::peer caller_reply; // where responses to it go (sip::response_destination)
    std::string a_branch_key;
    std::unique_ptr<sip::server_transaction> ist;
    std::string last_response;
    dialog_view a_dialog;
    std::string a_tag;
    std::string source;
    std::optional<std::size_t> mapping;
    std::optional<provision::mapping_gateway> mapping_gw; // a copy: a reload may reorder the list
    std::string caller_received, callee_received, caller_routed, callee_routed;
    std::vector<provision::routing_gateway> gateways; // the candidates, in try order
    std::unique_ptr<routing::failover> fo;
    std::vector<attempt_leg> attempts;
    std::optional<std::size_t> answered_attempt;
    std::uint64_t seed = 0;
    std::shared_ptr<const sip::transaction_timers> timers;
    std::vector<client_request> requests;
    std::vector<server_request> served;
    std::uint64_t next_served = 1;
    time_point started{};
    std::optional<time_point> first_provisional;
    std::optional<time_point> answered_at;
    int final_code = 0;
    bool caller_acked = false;
    std::optional<time_point> ok_resend_at; // 2xx retransmission to the caller (§13.3.1.4)
    std::chrono::milliseconds ok_interval{0};
    std::optional<time_point> ok_give_up_at;
    bool ended = false;
    time_point linger_until{};
    std::optional<time_point> scheduled; // its entry in the manager's timeline
    std::string blocked_stop;            // stop rule text for blocked calls
};

// Where a Call-ID leads: the call, and which leg (attempt index, or nullopt for the caller).
struct leg_ref {
    std::uint64_t call = 0;
    std::optional<std::size_t> attempt;
};

// The CDR of an ended call: every field from the call and its attempts (the failover
// engine's records), times turned into calendar time by `wall`. The media counters are the
// relay's to add.
[[nodiscard]] cdr::call_record record_of(const call& c,
                                         const std::function<cdr::wall_time(time_point)>& wall,
                                         cdr::wall_time ended, std::string_view release_side,
                                         std::string_view release_cause);

} // namespace ssw::b2bua::detail
