// SPDX-License-Identifier: MIT
// Rendering of the daemon status for `ssw-run status`.
#include <ssw/core/json_writer.hpp>
#include <ssw/daemon/status.hpp>

namespace ssw::daemon {

namespace {

std::string n(std::uint64_t v)
{
    return std::to_string(v);
}

std::uint64_t dropped_by(const engine_status& s, drop_reason reason)
{
    return s.dropped[static_cast<std::size_t>(reason)];
}

} // namespace

std::string render_text(const engine_status& s)
{
    std::string t;
    t +=
        "ssw-run: up " + std::to_string(s.uptime) + " s" + (s.stopping ? " (stopping)" : "") + "\n";
    t += "\noutbound registrations: " + n(s.uplinks.size()) + "\n";
    for (const auto& u : s.uplinks) {
        t += "  " + u.gateway + ": " + u.state;
        if (u.expires_in) {
            t += ", expires in " + std::to_string(*u.expires_in) + " s";
        }
        t += ", proxy " + u.proxy;
        if (!u.target.empty() && u.target != u.proxy) {
            t += " (" + u.target + ")";
        }
        t += ", " + n(u.registers_sent) + " REGISTERs sent, " + n(u.challenges_answered) +
             " challenges answered";
        t += "\n";
        if (u.last_failure_code >= 0) {
            t += "    last failure: " +
                 (u.last_failure_code == 0 ? std::string("no answer")
                                           : std::to_string(u.last_failure_code)) +
                 " " + u.last_failure_reason;
            if (u.last_failure_age) {
                t += " (" + std::to_string(*u.last_failure_age) + " s ago)";
            }
            t += "\n";
        }
    }
    const auto& k = s.keepalive;
    t += "\nNAT keep-alive: " + std::string(k.enabled ? "on" : "off") +
         (k.spread ? ", spread evenly" : "") + "\n";
    t += "  endpoints " + n(k.endpoints) + " (capacity per cycle " + n(k.capacity) + "), sent " +
         n(k.messages_sent) + ", cycles " + n(k.cycles_started) + "\n";
    t += "  unreachable: last incomplete cycle " + n(k.unreachable_last) + ", total " +
         n(k.unreachable_total) + " in " + n(k.cycles_incomplete) + " incomplete cycles\n";
    const auto& c = s.counters;
    t += "\nengine: " + n(c.requests) + " requests, " + n(c.responses_sent) + " responses sent, " +
         n(c.registrations) + " registrations, " + n(c.challenges) + " challenges, " +
         n(c.suspensions) + " suspensions\n";
    t += "  dropped: " + n(c.malformed_dropped) + " malformed, " + n(c.unknown_dropped) +
         " from unknown sources (" + n(c.unknown_rejected) + " rejected), " +
         n(c.retransmissions_absorbed) + " retransmissions absorbed\n";
    t += "  open transactions " + n(s.open_transactions) + "\n";
    t += "\nrefused since start:";
    bool any = false;
    for (std::size_t i = 0; i < drop_reason_count; ++i) {
        if (s.dropped[i] != 0) {
            t += std::string(any ? ", " : " ") + n(s.dropped[i]) + " " +
                 std::string(to_string(static_cast<drop_reason>(i)));
            any = true;
        }
    }
    t += any ? "\n" : " nothing\n";
    const auto& tb = s.tables;
    const auto bounds = engine_table_bounds();
    t += "  tables: transactions " + n(tb.transactions) + "/" + n(bounds.transactions) +
         ", merge memory " + n(tb.merge_memory) + "/" + n(bounds.merge_memory) + ", nonces " +
         n(tb.nonces) + "/" + n(bounds.nonces) + ", lockout " + n(tb.lockout_attempts) + "+" +
         n(tb.lockout_terminals) + "+" + n(tb.lockout_sources) + " (each /" +
         n(bounds.lockout_entries) + "), calls " + n(tb.calls) + "/" + n(bounds.calls) +
         ", TCP connections " + n(tb.tcp_connections) + "\n";
    t += "\ncalls: " + n(s.calls_in_progress) + " in progress (peak " + n(s.calls_peak) + "), " +
         n(s.calls_total) + " total, " + n(s.calls_answered) + " answered, " + n(s.cdrs_written) +
         " CDRs, " + n(s.call_transactions_waiting) + " call transactions waiting\n";
    const auto& m = s.media;
    t += "\nmedia relay: " + n(m.relayed_calls) + " relayed calls, port pairs " +
         n(m.port_pairs_used) + " of " + n(m.port_pairs_total) + " in use, " +
         n(m.sessions_opened) + " relayed since start\n";
    t += "  packets: " + n(m.packets_forwarded) + " forwarded, " + n(m.packets_dropped) +
         " dropped (" + n(m.hijack_refused) + " hijack refused), " + n(m.unknown_port) +
         " on idle ports; " + n(m.decrypt_failures) + " decrypt failures, " +
         n(m.encrypt_failures) + " encrypt failures (dropped), " + n(m.late_latching) +
         " sent before latching\n";
    return t;
}

std::string render_json(const engine_status& s)
{
    std::string uplinks = "[";
    for (const auto& u : s.uplinks) {
        core::json_line j;
        j.field("gateway", u.gateway)
            .field("state", u.state)
            .field("proxy", u.proxy)
            .field("target", u.target);
        if (u.expires_in) {
            j.field("expires_in", *u.expires_in);
        } else {
            j.field_null("expires_in");
        }
        j.field("granted", u.granted);
        if (u.last_failure_code >= 0) {
            core::json_line f;
            f.field("code", u.last_failure_code).field("reason", u.last_failure_reason);
            if (u.last_failure_age) {
                f.field("age", *u.last_failure_age);
            } else {
                f.field_null("age");
            }
            j.field_raw("last_failure", f.str());
        } else {
            j.field_null("last_failure");
        }
        j.field("registers_sent", u.registers_sent)
            .field("challenges_answered", u.challenges_answered);
        uplinks += (uplinks.size() > 1 ? "," : "") + j.str();
    }
    uplinks += "]";
    const auto& k = s.keepalive;
    core::json_line ka;
    ka.field("enabled", k.enabled)
        .field("spread", k.spread)
        .field("capacity", k.capacity)
        .field("endpoints", k.endpoints)
        .field("sent", k.messages_sent)
        .field("cycles", k.cycles_started)
        .field("cycles_incomplete", k.cycles_incomplete)
        .field("unreachable_last", k.unreachable_last)
        .field("unreachable_total", k.unreachable_total);
    const auto& c = s.counters;
    core::json_line en;
    en.field("requests", c.requests)
        .field("responses_sent", c.responses_sent)
        .field("retransmissions_absorbed", c.retransmissions_absorbed)
        .field("malformed_dropped", c.malformed_dropped)
        .field("unknown_dropped", c.unknown_dropped)
        .field("unknown_rejected", c.unknown_rejected)
        .field("challenges", c.challenges)
        .field("registrations", c.registrations)
        .field("suspensions", c.suspensions)
        .field("refused_suspended", c.refused_suspended)
        .field("open_transactions", s.open_transactions);
    core::json_line dropped;
    dropped.field("unknown_silent", dropped_by(s, drop_reason::unknown_silent))
        .field("unknown_rejected", dropped_by(s, drop_reason::unknown_rejected))
        .field("auth_rejected", dropped_by(s, drop_reason::auth_rejected))
        .field("suspended", dropped_by(s, drop_reason::suspended))
        .field("malformed", dropped_by(s, drop_reason::malformed))
        .field("stateless_overflow", dropped_by(s, drop_reason::stateless_overflow))
        .field("tcp_refused", dropped_by(s, drop_reason::tcp_refused))
        .field("tcp_closed", dropped_by(s, drop_reason::tcp_closed));
    const auto& tb = s.tables;
    core::json_line tables;
    tables.field("transactions", tb.transactions)
        .field("merge_memory", tb.merge_memory)
        .field("nonces", tb.nonces)
        .field("lockout_attempts", tb.lockout_attempts)
        .field("lockout_terminals", tb.lockout_terminals)
        .field("lockout_sources", tb.lockout_sources)
        .field("calls", tb.calls)
        .field("tcp_connections", tb.tcp_connections);
    core::json_line calls;
    calls.field("in_progress", s.calls_in_progress)
        .field("total", s.calls_total)
        .field("answered", s.calls_answered)
        .field("peak", s.calls_peak)
        .field("cdrs", s.cdrs_written)
        .field("transactions_waiting", s.call_transactions_waiting);
    const auto& m = s.media;
    core::json_line media;
    media.field("relayed_calls", m.relayed_calls)
        .field("port_pairs_used", m.port_pairs_used)
        .field("port_pairs_total", m.port_pairs_total)
        .field("sessions_opened", m.sessions_opened)
        .field("packets_forwarded", m.packets_forwarded)
        .field("packets_dropped", m.packets_dropped)
        .field("unknown_port", m.unknown_port)
        .field("hijack_refused", m.hijack_refused)
        .field("decrypt_failures", m.decrypt_failures)
        .field("encrypt_failures", m.encrypt_failures)
        .field("late_latching", m.late_latching);
    core::json_line all;
    all.field("type", "status")
        .field("uptime", s.uptime)
        .field("stopping", s.stopping)
        .field_raw("registrations", uplinks)
        .field_raw("keepalive", ka.str())
        .field_raw("engine", en.str())
        .field_raw("dropped", dropped.str())
        .field_raw("tables", tables.str())
        .field_raw("calls", calls.str())
        .field_raw("media", media.str());
    return all.str();
}

} // namespace ssw::daemon
