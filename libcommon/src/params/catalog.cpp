// SPDX-License-Identifier: MIT
// The parameter catalog: VOS3000's tables 4-3 and 4-4 as data (the single source of truth; the
// columns are those of tests/data/params/parameters.md, which the catalog test compares).
#include <ssw/core/text.hpp>
#include <ssw/params/catalog.hpp>

#include <array>

namespace ssw::params {

namespace {

constexpr std::array<choice_entry, 2> auth_codes{{
    {401, "401", "401 Unauthorized with WWW-Authenticate"},
    {407, "407", "407 Proxy Authentication Required with Proxy-Authenticate"},
}};

constexpr std::array<choice_entry, 4> encryption_modes{{
    {0, "none", "no encryption"},
    {1, "xor", "XOR with the key"},
    {2, "rc4", "RC4 keyed with the key"},
    {3, "aes128", "AES-128 with the 16-byte key"},
}};

using k = value_kind;
using u = time_unit;
constexpr auto sip = section::sip;
constexpr auto sys = section::system;

// Columns: name, section, kind, unit, type text, default, range text, min, max,
// default ours, range ours, summary, description, further (ours) note, choices.
constexpr std::array<param_info, 32> table{{
    // ---- SIP parameters (table 4-3) ----
    {"SS_SIP_USER_AGENT_SEND_UNREGISTER",
     sip,
     k::on_off,
     u::none,
     "On/Off",
     "On",
     "",
     0,
     0,
     false,
     false,
     "Un-REGISTER from every upstream on graceful stop or restart",
     "On graceful stop or restart, ssw-run sends REGISTER with Expires: 0 (same Call-ID, "
     "CSeq+1, answering 401/407 challenges) to every upstream it is registered with, before "
     "the SIP stack stops. Off: stop without un-registering.",
     "",
     {}},
    {"SS_SIP_USER_AGENT_EXPIRE",
     sip,
     k::duration_or_auto,
     u::seconds,
     "seconds or Auto",
     "Auto",
     "20-7200",
     20,
     7200,
     false,
     false,
     "Expiry requested in outbound REGISTERs",
     "Expiry requested in outbound REGISTERs. Auto: request 3600 seconds and accept what the "
     "registrar grants (Expires or the contact's expires in 200 OK, Min-Expires in 423), "
     "refreshing before it runs out.",
     "Auto requests 3600 seconds.",
     {}},
    {"SS_SIP_USER_AGENT_RETRY_DELAY",
     sip,
     k::duration,
     u::seconds,
     "seconds",
     "30",
     "1-3600",
     1,
     3600,
     true,
     true,
     "Wait before retrying a failed outbound registration",
     "Wait before retrying a failed outbound registration, also after a restart.",
     "",
     {}},
    {"SS_SIP_USER_AGENT_STOP_SWITCH_AFTER_INVITE_TIMEOUT",
     sip,
     k::on_off,
     u::none,
     "On/Off",
     "Off",
     "",
     0,
     0,
     false,
     false,
     "On an INVITE timeout, fail the call instead of switching",
     "Off: when a routing gateway never answers an INVITE within the INVITE timeout, try the "
     "next gateway. On: fail the call with 408 to the caller.",
     "",
     {}},
    {"SS_SIP_TIMEOUT_INVITE",
     sip,
     k::duration,
     u::seconds,
     "seconds",
     "10",
     "1-300",
     1,
     300,
     false,
     true,
     "Total wait for any response to an INVITE sent to a gateway",
     "Total wait for any response to an INVITE sent to a gateway; the default of the "
     "per-gateway INVITE timeout. Advice per gateway type: LAN 5-8 s, WAN 10, satellite 15-20, "
     "premium 8-10, flaky 5-7.",
     "",
     {}},
    {"SS_SIP_TIMEOUT_TRYING",
     sip,
     k::duration,
     u::seconds,
     "seconds",
     "20",
     "1-600",
     1,
     600,
     false,
     true,
     "After 100 Trying, wait this long for further progress",
     "After a 100 Trying from a gateway, wait this long for further progress before giving up "
     "on that gateway.",
     "",
     {}},
    {"SS_SIP_TIMEOUT_RINGING",
     sip,
     k::duration,
     u::seconds,
     "seconds",
     "120",
     "1-3600",
     1,
     3600,
     false,
     true,
     "After 180 Ringing, wait this long for an answer",
     "After a 180 Ringing, wait this long for the callee to answer.",
     "",
     {}},
    {"SS_SIP_TIMEOUT_SESSION_PROGRESS",
     sip,
     k::duration,
     u::seconds,
     "seconds",
     "20",
     "1-3600",
     1,
     3600,
     false,
     true,
     "After 183 Session Progress, wait this long for an answer or ringing",
     "After a 183 Session Progress, wait this long for an answer or ringing.",
     "",
     {}},
    {"SS_SIP_RESEND_INTERVAL",
     sip,
     k::schedule,
     u::seconds,
     "list of seconds",
     "0.5,1,2,4,4,4,4,4,4,4",
     "each 0.1-60",
     100,
     60000,
     false,
     false,
     "Retransmission schedule of requests over UDP",
     "Retransmission schedule of requests over UDP, replacing the doubling of RFC 3261 timers "
     "A and E: the n-th retransmission is sent the n-th interval after the previous one. "
     "Retransmission stops at the first response or when the INVITE timeout expires.",
     "At most 32 intervals, millisecond precision.",
     {}},
    {"SS_SIP_STOP_SWITCH_AFTER_SDP",
     sip,
     k::on_off,
     u::none,
     "On/Off",
     "On",
     "",
     0,
     0,
     false,
     false,
     "Commit to a gateway once it sends SDP in a provisional response",
     "On: once a provisional response carrying SDP (for example 183 with SDP) arrives from a "
     "gateway, commit to it: no further gateway switching for this call.",
     "",
     {}},
    {"SS_SIP_AUTHENTICATION_CODE", sip, k::choice, u::none, "401/407", "401", "401, 407", 401, 407,
     true, false, "Status used to challenge unauthenticated requests",
     "Status used to challenge unauthenticated requests: 401 with WWW-Authenticate, or 407 "
     "with Proxy-Authenticate.",
     "", auth_codes},
    {"SS_SIP_AUTHENTICATION_RETRY",
     sip,
     k::integer,
     u::none,
     "count",
     "6",
     "0-20",
     0,
     20,
     false,
     true,
     "Challenges answered or re-sent before an authentication attempt fails",
     "Server side: how many times one registration or call attempt is re-challenged after "
     "wrong credentials before it is rejected with 403. Client side (outbound registration, "
     "calls to gateways that challenge): how many times ssw-run answers a 401/407 challenge "
     "before giving up.",
     "",
     {}},
    {"SS_SIP_AUTHENTICATION_TIMEOUT",
     sip,
     k::duration,
     u::seconds,
     "seconds",
     "10",
     "1-300",
     1,
     300,
     false,
     true,
     "Time allowed to authenticate from the first challenge",
     "A caller that has not authenticated within this time from the first challenge is "
     "rejected, whatever retries remain.",
     "",
     {}},
    {"SS_SIP_NAT_KEEP_ALIVE_MESSAGE",
     sip,
     k::text,
     u::none,
     "string",
     "HELLO",
     "0-256 bytes",
     0,
     256,
     false,
     true,
     "Raw UDP keep-alive payload sent to endpoints behind NAT (empty: none)",
     "Raw UDP payload (not SIP) sent to registered endpoints behind NAT to keep their NAT "
     "bindings open. Empty: no keep-alives at all (the master switch). Quote the value to keep "
     "spaces or use escapes: \"\\r\\n\\r\\n\".",
     "",
     {}},
    {"SS_SIP_NAT_KEEP_ALIVE_PERIOD",
     sip,
     k::duration,
     u::seconds,
     "seconds",
     "30",
     "10-86400",
     10,
     86400,
     false,
     false,
     "One keep-alive cycle over all NAT endpoints",
     "Length of one keep-alive cycle over all NAT endpoints. When a cycle cannot reach every "
     "endpoint before the next begins, the next starts from the beginning again, so the tail "
     "of the list may miss heartbeats; ssw-run reports this.",
     "",
     {}},
    {"SS_SIP_NAT_KEEP_ALIVE_SEND_INTERVAL",
     sip,
     k::duration,
     u::milliseconds,
     "milliseconds",
     "500",
     "1-60000",
     1,
     60000,
     false,
     true,
     "Pause between two batches of keep-alives",
     "Pause between two batches of keep-alives within a cycle.",
     "",
     {}},
    {"SS_SIP_NAT_KEEP_ALIVE_SEND_ONE_TIME",
     sip,
     k::integer,
     u::none,
     "count",
     "3000",
     "1-100000",
     1,
     100000,
     false,
     true,
     "Keep-alives sent per batch",
     "Keep-alives sent per batch (\"quantity per time\"). One cycle can therefore reach at most "
     "PERIOD x 1000 / INTERVAL x ONE_TIME endpoints; ssw-param check --nat-endpoints N "
     "compares that with your endpoint count.",
     "The batch reading: VOS3000's documentation also reads it as \"messages per device per "
     "cycle\", which "
     "gives absurd figures.",
     {}},
    {"SS_ENDPOINT_EXPIRE",
     sip,
     k::duration,
     u::seconds,
     "seconds",
     "3600",
     "60-86400",
     60,
     86400,
     false,
     true,
     "Largest registration expiry granted to a terminal",
     "Largest registration expiry granted to a terminal (VOS3000's documentation gives \"300 / "
     "3600\"). "
     "Shorter requests are honoured down to a minimum: below 60 seconds the REGISTER gets 423 "
     "Interval Too Brief.",
     "The 60-second minimum (423 below it).",
     {}},
    {"SS_ENDPOINT_NAT_EXPIRE",
     sip,
     k::duration,
     u::seconds,
     "seconds",
     "300",
     "30-86400",
     30,
     86400,
     false,
     true,
     "Expiry granted to a terminal detected behind NAT",
     "Expiry granted to a terminal detected behind NAT (its Via or Contact address differs "
     "from the packet's source address).",
     "",
     {}},
    {"SS_MEDIA_PROXY_BEHIND_NAT",
     sip,
     k::on_off,
     u::none,
     "On/Off",
     "On",
     "",
     0,
     0,
     false,
     false,
     "Relay RTP for endpoints behind NAT",
     "On: relay RTP through ssw-run for endpoints behind NAT.",
     "",
     {}},

    // ---- System parameters (table 4-4) ----
    {"SS_REPLY_UNAUTHORIZED",
     sys,
     k::on_off,
     u::none,
     "On/Off",
     "On",
     "",
     0,
     0,
     false,
     false,
     "Answer requests from unknown sources (Off: drop them silently)",
     "On: requests from unknown sources (no configured endpoint, gateway or account matches) "
     "get 401 (REGISTER) or 403 (INVITE and others). Off: they are silently dropped, with no "
     "response at all, not even 100 Trying, so a scanner sees a closed port. Known endpoints "
     "and gateways are never affected.",
     "",
     {}},
    {"SS_ENDPOINT_REGISTER_REPLACE",
     sys,
     k::on_off,
     u::none,
     "On/Off",
     "On",
     "",
     0,
     0,
     false,
     false,
     "A new registration replaces an account's current binding",
     "On: a new registration for an account replaces its current binding. Off: while a binding "
     "is live, a registration from another contact is refused.",
     "",
     {}},
    {"SS_ENDPOINT_REGISTER_RETRY",
     sys,
     k::integer,
     u::none,
     "count",
     "6",
     "0-999",
     0,
     999,
     false,
     true,
     "Failed registrations a terminal may make before it is suspended",
     "Failed registration attempts a terminal may make before its registrations are refused "
     "for SS_ENDPOINT_REGISTER_SUSPEND.",
     "",
     {}},
    {"SS_ENDPOINT_REGISTER_SUSPEND",
     sys,
     k::duration,
     u::seconds,
     "seconds",
     "180",
     "0-86400",
     0,
     86400,
     false,
     true,
     "How long registrations are refused after too many failures",
     "After SS_ENDPOINT_REGISTER_RETRY failed attempts, the terminal's registrations are "
     "refused (silently, if SS_REPLY_UNAUTHORIZED is Off) for this long.",
     "",
     {}},
    {"SS_AUTHENTICATION_MAX_RETRY",
     sys,
     k::integer,
     u::none,
     "count",
     "6",
     "0-999",
     0,
     999,
     false,
     false,
     "Failed password authentications before a terminal is suspended",
     "Terminal-level limit of failed password authentications, counted across sessions, "
     "before the terminal is suspended for SS_AUTHENTICATION_FAILED_SUSPEND.",
     "",
     {}},
    {"SS_AUTHENTICATION_FAILED_SUSPEND",
     sys,
     k::duration,
     u::seconds,
     "seconds",
     "180",
     "60-3600",
     60,
     3600,
     false,
     false,
     "Suspension after too many failed authentications",
     "After SS_AUTHENTICATION_MAX_RETRY failed authentications, the terminal (account and "
     "source address) is suspended for this long.",
     "",
     {}},
    {"SS_GATEWAY_SWITCH_LIMIT",
     sys,
     k::integer_or_none,
     u::none,
     "count or None",
     "None",
     "1-100",
     1,
     100,
     false,
     true,
     "Most routing gateways tried for one call (None: no limit)",
     "Most routing gateways tried for one call. None: no limit. 3-5 is advised to avoid "
     "endless switching.",
     "",
     {}},
    {"SS_GATEWAY_SWITCH_STOP_AFTER_RTP_START",
     sys,
     k::on_off,
     u::none,
     "On/Off",
     "On",
     "",
     0,
     0,
     false,
     false,
     "Stop switching once RTP from the callee side has started",
     "On: stop switching gateways once RTP from the callee side has started.",
     "",
     {}},
    {"SS_GATEWAY_SWITCH_STOP_AFTER_USER_BUSY",
     sys,
     k::on_off,
     u::none,
     "On/Off",
     "On",
     "",
     0,
     0,
     false,
     false,
     "On 486 Busy Here, stop switching and return it to the caller",
     "On: a 486 Busy Here stops gateway switching and is returned to the caller.",
     "",
     {}},
    {"SS_GATEWAY_SWITCH_UNTIL_CONNECT",
     sys,
     k::on_off,
     u::none,
     "On/Off",
     "Off",
     "",
     0,
     0,
     false,
     false,
     "Keep switching on any failure until a 200 OK",
     "On: keep switching gateways on any failure until a 200 OK; this overrides the "
     "stop-after-SDP and stop-after-RTP rules.",
     "",
     {}},
    {"SS_RTPENCRYPTIONMODE", sys, k::choice, u::none, "0-3", "0", "0 none, 1 XOR, 2 RC4, 3 AES128",
     0, 3, false, false, "RTP payload encryption on the relay's encrypted legs",
     "RTP payload encryption on the relay's encrypted legs; the RTP header is left untouched. "
     "0 none, 1 XOR, 2 RC4, 3 AES-128 (the words none, xor, rc4, aes128 are accepted too).",
     "", encryption_modes},
    {"SS_RTPENCRYPTIONKEY",
     sys,
     k::secret,
     u::none,
     "string",
     "",
     "mode 3: exactly 16 bytes",
     0,
     256,
     false,
     false,
     "Shared static key of the RTP payload encryption",
     "Shared static key; it must match on both sides. Mode 3 needs exactly 16 bytes, modes 1 "
     "and 2 a non-empty key (16 or more characters advised for RC4). ssw-param never prints it "
     "unless given --show-secrets. Quote it to use escapes such as \\x00.",
     "At most 256 bytes.",
     {}},
}};

} // namespace

std::span<const param_info> catalog() noexcept
{
    return table;
}

const param_info* find_param(std::string_view name) noexcept
{
    for (const auto& info : table) {
        if (core::iequals(info.name, name)) {
            return &info;
        }
    }
    return nullptr;
}

std::size_t index_of(const param_info& info) noexcept
{
    return static_cast<std::size_t>(&info - table.data());
}

std::vector<std::string> param_names()
{
    std::vector<std::string> names;
    names.reserve(table.size());
    for (const auto& info : table) {
        names.emplace_back(info.name);
    }
    return names;
}

std::string_view to_string(section s) noexcept
{
    return s == section::sip ? "sip" : "system";
}

std::string_view section_title(section s) noexcept
{
    return s == section::sip ? "SIP parameters" : "System parameters";
}

std::string_view unit_symbol(time_unit unit) noexcept
{
    switch (unit) {
    case time_unit::seconds: return "s";
    case time_unit::milliseconds: return "ms";
    case time_unit::none: return "";
    }
    return "";
}

std::string unknown_name_message(std::string_view name)
{
    // Long garbage is no typo: skip the quadratic edit-distance search for it.
    constexpr std::size_t longest_typo = 80;
    std::string shown(name.substr(0, longest_typo));
    if (name.size() > longest_typo) {
        shown += "...";
    }
    std::string message = "unknown parameter '" + shown + "'";
    if (const auto suggestion =
            name.size() <= longest_typo ? core::closest_match(name, param_names()) : std::nullopt) {
        message += " (did you mean " + *suggestion + "?)";
    } else {
        message += " (ssw-param list shows every name)";
    }
    return message;
}

} // namespace ssw::params
