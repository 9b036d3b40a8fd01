// SPDX-License-Identifier: MIT
// The CDR record of a call: a pure function of the call's data.
#include "b2bua/call_detail.hpp"

namespace ssw::b2bua::detail {

cdr::call_record record_of(const call& c, const std::function<cdr::wall_time(time_point)>& wall,
                           cdr::wall_time ended, std::string_view release_side,
                           std::string_view release_cause)
{
    cdr::call_record r;
    r.call_id =
        c.a_dialog.call_id.empty() ? std::string(c.invite.msg.call_id()) : c.a_dialog.call_id;
    r.source = c.source;
    r.source_address = c.caller.address.to_string() + ":" + std::to_string(c.caller.port);
    r.caller_received = c.caller_received;
    r.callee_received = c.callee_received;
    r.caller_routed = c.caller_routed;
    r.callee_routed = c.callee_routed;
    r.started = wall(c.started);
    if (c.first_provisional) {
        r.first_provisional = wall(*c.first_provisional);
    }
    if (c.answered_at) {
        r.answered = wall(*c.answered_at);
    }
    r.ended = ended;
    r.final_code = c.final_code;
    r.stop_rule = !c.blocked_stop.empty() ? c.blocked_stop
                  : c.fo                  ? std::string(routing::to_string(c.fo->stopped_by()))
                                          : std::string("none");
    r.release_side = std::string(release_side);
    r.release_cause = std::string(release_cause);
    if (c.fo) {
        const auto& records = c.fo->attempts();
        for (std::size_t i = 0; i < records.size(); ++i) {
            const auto& rec = records[i];
            cdr::attempt a;
            a.gateway = c.gateways[rec.gateway].name;
            if (i < c.attempts.size()) {
                a.caller_sent = c.attempts[i].caller_sent;
                a.callee_sent = c.attempts[i].callee_sent;
            }
            a.started = wall(rec.started);
            if (rec.first_response) {
                a.first_provisional = wall(*rec.first_response);
            }
            if (rec.sdp_seen) {
                a.sdp = wall(*rec.sdp_seen);
            }
            if (rec.answered) {
                a.answered = wall(*rec.answered);
            }
            if (rec.reason == routing::attempt_end::answered) {
                a.ended = r.ended;
            } else if (rec.ended) {
                a.ended = wall(*rec.ended);
            } else {
                a.ended = r.ended;
            }
            a.final_code = rec.final_code;
            a.end_reason = std::string(routing::to_string(rec.reason));
            r.attempts.push_back(std::move(a));
        }
    }
    return r;
}

} // namespace ssw::b2bua::detail
