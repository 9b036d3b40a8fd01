// SPDX-License-Identifier: MIT
// The audit detectors and the exposure report (see audit.hpp and ssw-trace(1), AUDIT).
#include <ssw/core/text.hpp>
#include <ssw/params/catalog.hpp>
#include <ssw/sip/digest_auth.hpp>
#include <ssw/sip/headers.hpp>
#include <ssw/sip/via.hpp>
#include <ssw/trace/audit.hpp>

#include <algorithm>
#include <array>
#include <iterator>
#include <list>
#include <set>
#include <unordered_map>
#include <unordered_set>

namespace ssw::trace {

std::string_view to_string(finding_kind k) noexcept
{
    switch (k) {
    case finding_kind::scanner_user_agent: return "scanner-user-agent";
    case finding_kind::scanner_fingerprint: return "scanner-fingerprint";
    case finding_kind::options_sweep: return "options-sweep";
    case finding_kind::enumeration: return "enumeration";
    case finding_kind::brute_force: return "brute-force";
    case finding_kind::compromised: return "compromised";
    case finding_kind::toll_fraud: return "toll-fraud";
    case finding_kind::flood: return "flood";
    }
    return "unknown";
}

std::string_view to_string(server_behaviour b) noexcept
{
    switch (b) {
    case server_behaviour::none: return "none";
    case server_behaviour::user_dependent: return "user-dependent";
    case server_behaviour::uniform: return "uniform";
    case server_behaviour::silent: return "silent";
    }
    return "none";
}

namespace {

bool all_of(std::string_view s, std::string_view set)
{
    return !s.empty() && s.find_first_not_of(set) == std::string_view::npos;
}

constexpr std::string_view digits = "0123456789";
constexpr std::string_view lower_hex = "0123456789abcdef";
constexpr std::string_view any_hex = "0123456789abcdefABCDEF";

// Hex text to bytes; false when not an even run of hex digits.
bool unhex(std::string_view s, std::string& out)
{
    if (s.size() < 4 || s.size() % 2 != 0 || !all_of(s, any_hex)) {
        return false;
    }
    out.clear();
    const auto v = [](char c) { return c <= '9' ? c - '0' : (c | 0x20) - 'a' + 10; };
    for (std::size_t i = 0; i < s.size(); i += 2) {
        out.push_back(static_cast<char>(v(s[i]) << 4 | v(s[i + 1])));
    }
    return true;
}

bool printable(std::string_view s)
{
    return std::all_of(s.begin(), s.end(), [](char c) { return c >= 0x20 && c < 0x7f; });
}

std::string addr_key(const pcap::ip_address& a)
{
    return std::string(reinterpret_cast<const char*>(a.bytes.data()), a.version == 6 ? 16 : 4);
}

} // namespace

fingerprint identify_tool(const sip::message& m)
{
    fingerprint fp;
    auto from = m.from();
    auto to = m.to();
    auto via = m.top_via();
    const std::string_view call_id = m.call_id();
    const std::string_view tag = from ? from->tag() : std::string_view{};
    const std::string_view branch = via ? via->branch : std::string_view{};

    // SIPVicious: createTag() = hex("<text>" + "\x01" + "<decimal random>").
    std::string decoded;
    if (unhex(tag, decoded)) {
        const std::size_t sep = decoded.rfind('\x01');
        if (sep != std::string::npos && sep > 0 &&
            all_of(std::string_view(decoded).substr(sep + 1), digits) &&
            printable(std::string_view(decoded).substr(0, sep))) {
            const std::string text = decoded.substr(0, sep);
            fp.confidence = 0.95;
            fp.evidence = "From tag is hex of '" + text + "\\x01<random>' (SIPVicious createTag)";
            const std::size_t colon = text.find(':');
            if (colon != std::string::npos) {
                fp.tool = "svcrack";
                fp.password = text.substr(colon + 1);
                fp.leaked = true;
            } else if (text.size() == 12 && all_of(text, lower_hex)) {
                fp.tool = "svmap"; // hex of the target address and port
            } else if (from && text == from->address.user) {
                fp.tool = m.find(sip::header_id::authorization) ||
                                  m.find(sip::header_id::proxy_authorization)
                              ? "svcrack"
                              : "svwar";
            } else {
                fp.tool = "sipvicious";
            }
            return fp;
        }
    }
    if (tag == "3206210844" && m.method() == "REGISTER") {
        fp.tool = "svcrack";
        fp.confidence = 0.9;
        fp.evidence = "From tag 3206210844 (svcrack's fixed first tag)";
        return fp;
    }
    if (call_id == "50000" && tag == "root" && branch == "foo") {
        fp.tool = "nmap";
        fp.confidence = 0.95;
        fp.evidence = "Call-ID 50000, tag root, branch foo (Nmap's SIPOptions service probe)";
        return fp;
    }
    if (branch.size() == 71 && all_of(branch, "0123456789abcdefghijklmnopqrstuvwxyz") &&
        !branch.starts_with("z9hG4bK")) {
        fp.tool = "sippts";
        fp.confidence = 0.9;
        fp.evidence = "71-character branch without the z9hG4bK cookie (sippts)";
        return fp;
    }
    if (call_id.size() == 32 && all_of(call_id, lower_hex) && tag.size() == 8 &&
        all_of(tag, lower_hex) &&
        m.value(sip::header_id::allow) == "INVITE, REGISTER, ACK, CANCEL, BYE, NOTIFY, REFER, "
                                          "OPTIONS, INFO, SUBSCRIBE, UPDATE, PRACK, MESSAGE") {
        fp.tool = "sippts";
        fp.confidence = 0.8;
        fp.evidence = "32-hex Call-ID, 8-hex tag and sippts' fixed Allow list";
        return fp;
    }
    // sipsak: From user "sipsak", Call-ID "<decimal>@<address>".
    if (from && from->address.user == "sipsak" && call_id.find('@') != std::string_view::npos &&
        all_of(call_id.substr(0, call_id.find('@')), digits)) {
        fp.tool = "sipsak";
        fp.confidence = 0.85;
        fp.evidence = "From user sipsak with a decimal Call-ID at an address (sipsak's defaults)";
        return fp;
    }
    // SIPVicious without a usable tag (compact form, edited copies): "z9hG4bK-<digits>"
    // branch, a decimal Call-ID and From = To.
    if (branch.size() > 8 && branch.starts_with("z9hG4bK-") && all_of(branch.substr(8), digits) &&
        all_of(call_id, digits) && from && to && from->address.user == to->address.user) {
        fp.tool = "sipvicious";
        fp.confidence = 0.7;
        fp.evidence = "branch z9hG4bK-<digits>, decimal Call-ID, From = To";
        return fp;
    }
    return fp;
}

result<std::string> block_rules(std::string_view format,
                                const std::vector<pcap::ip_address>& addresses)
{
    std::string out;
    if (format == "plain") {
        for (const auto& a : addresses) {
            out += a.to_string() + "\n";
        }
    } else if (format == "ipset") {
        out += "ipset create ssw-audit hash:ip -exist\nipset create ssw-audit6 hash:ip family "
               "inet6 -exist\n";
        for (const auto& a : addresses) {
            out += std::string("ipset add ") + (a.version == 6 ? "ssw-audit6 " : "ssw-audit ") +
                   a.to_string() + " -exist\n";
        }
    } else if (format == "nft") {
        for (const auto& a : addresses) {
            out += std::string("nft add rule inet filter input ") +
                   (a.version == 6 ? "ip6" : "ip") + " saddr " + a.to_string() + " drop\n";
        }
    } else if (format == "iptables") {
        for (const auto& a : addresses) {
            out += std::string(a.version == 6 ? "ip6tables" : "iptables") + " -A INPUT -s " +
                   a.to_string() + " -j DROP\n";
        }
    } else {
        return unexpected(
            make_error(errc::invalid_argument, "invalid --emit '" + std::string(format) +
                                                   "': expected ipset, nft, iptables or plain"));
    }
    return out;
}

namespace {

// A request waiting for its final response.
struct pending_request {
    std::string source;  // addr_key of the sender
    std::string user;    // To / Request-URI user
    std::string account; // credentials' username (authenticated requests)
    std::string method;
    std::string number; // INVITE: the dialled number when it is a toll-fraud candidate
    std::string digest; // the credentials' response value (tells a new guess from a resend)
    bool authenticated = false;
    bool toll = false;
    std::int64_t ts = 0;
    std::uint64_t frame = 0;
};

struct user_entry {
    std::int64_t last_ns = 0;
    bool resolved = false; // the source authenticated for it or got it accepted
};

struct account_entry {
    std::uint64_t failures = 0;
    std::int64_t first_ns = 0;
    std::int64_t last_ns = 0;
    std::vector<std::uint64_t> frames;
    std::string password;    // last guess leaked by the scanner
    std::string last_digest; // the credentials of the last failure counted
};

// Event times inside a sliding window, oldest first (a deque would allocate 512 bytes per
// source up front; most sources send one or two requests).
struct time_window {
    std::vector<std::int64_t> times;
    std::size_t head = 0;

    void add(std::int64_t t) { times.push_back(t); }
    void expire(std::int64_t now, std::int64_t width)
    {
        while (head < times.size() && now - times[head] > width) {
            ++head;
        }
        compact();
    }
    // Keeps the newest `n`.
    void keep(std::size_t n)
    {
        if (size() > n) {
            head = times.size() - n;
        }
        compact();
    }
    [[nodiscard]] std::size_t size() const { return times.size() - head; }
    void compact()
    {
        if (head > 64 || head == times.size()) {
            times.erase(times.begin(), times.begin() + static_cast<std::ptrdiff_t>(head));
            head = 0;
        }
    }
};

struct source_state {
    pcap::ip_address address;
    std::int64_t first_ns = 0;
    std::int64_t last_ns = 0;
    std::uint64_t requests = 0;
    std::uint64_t unauth_requests = 0; // requests without credentials (not resent)
    std::uint64_t unauth_answered = 0; // of those, answered with a final response
    std::map<int, std::uint64_t> unauth_codes;
    std::uint64_t answered = 0;
    std::map<int, std::uint64_t> codes;
    bool authenticated_ok = false;
    bool sent_credentials = false;
    std::set<std::uint16_t> credential_ports; // IP+port: the sockets that sent credentials
    std::vector<std::uint16_t> ports;
    time_window recent;                   // request times in the flood window
    time_window options;                  // OPTIONS times in the flood window
    std::list<std::string>::iterator lru; // position in auditor::impl::lru
    std::unordered_map<std::string, std::int64_t> targets;
    std::unordered_map<std::string, user_entry> users;
    std::size_t unresolved = 0;
    std::string first_random_user; // a first probe to a random 8-10 digit user
    std::unordered_map<std::string, account_entry> accounts;
    std::unordered_map<std::string, std::set<std::string>> toll_numbers; // number tail -> prefixes
    std::map<std::pair<finding_kind, std::string>, finding> open; // (kind, account/tool) -> finding
};

bool has_credentials(const sip::message& m)
{
    return m.find(sip::header_id::authorization) != nullptr ||
           m.find(sip::header_id::proxy_authorization) != nullptr;
}

} // namespace

// Closed findings kept for the report; past this only high and critical ones are added (a
// long live capture of a busy honeypot must not grow without bound).
constexpr std::size_t max_closed_findings = 100000;

struct auditor::impl {
    audit_rules rules;
    std::unordered_map<std::string, source_state> sources;
    // Transactions waiting for their final response, in two generations: the current one
    // and the one before (rotated every 32 s of capture time or when half the bound is
    // reached), so expiry costs nothing per message.
    std::unordered_map<std::string, pending_request> pending;
    std::unordered_map<std::string, pending_request> pending_old;
    std::int64_t pending_since_ns = 0;
    // Sources from least to most recently active: expiry and eviction take from the front.
    std::list<std::string> lru;
    std::vector<finding> closed;
    audit_stats counters;
    std::int64_t last_sweep_ns = 0;
    std::string key;
    // Exposure: what unauthenticated requests got, by user (bounded).
    std::map<int, std::set<std::string>> users_by_code;
    std::vector<exposure_leak> leaks;
    std::set<std::pair<std::string, std::string>> leak_seen;
    std::set<std::string> peer_keys;
    // Addresses that answered requests: SIP servers. A server pinging its registered
    // contacts with OPTIONS (Kamailio nathelper, Asterisk qualify) looks like a sweep.
    std::unordered_set<std::string> responders;

    explicit impl(audit_rules r) : rules(std::move(r))
    {
        for (auto& ua : rules.scanner_user_agents) {
            ua = core::to_lower(ua);
        }
        for (const auto& p : rules.peers) {
            peer_keys.insert(addr_key(p));
        }
    }

    void add_frame(std::vector<std::uint64_t>& frames, std::uint64_t f) const
    {
        if (frames.size() < rules.max_evidence_frames && f != 0) {
            frames.push_back(f);
        }
    }

    template <class T> void add_unique(std::vector<T>& list, const T& v, std::size_t cap = 8) const
    {
        if (list.size() < cap && std::find(list.begin(), list.end(), v) == list.end()) {
            list.push_back(v);
        }
    }

    // The open finding of `kind` (keyed by `sub`) of source `s`, created on first use.
    finding& touch(source_state& s, finding_kind kind, const std::string& sub, const sip_record& r,
                   severity sev, double confidence)
    {
        auto [it, inserted] = s.open.try_emplace({kind, sub});
        finding& f = it->second;
        if (inserted) {
            f.kind = kind;
            f.source = s.address;
            f.first_ns = r.timestamp_ns;
            f.severity = sev;
            f.confidence = confidence;
        }
        f.severity = std::max(f.severity, sev);
        f.confidence = std::max(f.confidence, confidence);
        f.last_ns = std::max(f.last_ns, r.timestamp_ns);
        add_unique(f.ports, r.src.port);
        add_frame(f.frames, r.frames.empty() ? 0 : r.frames.back());
        return f;
    }

    void close_source(source_state& s)
    {
        for (auto& [k, f] : s.open) {
            if (closed.size() < max_closed_findings || f.severity >= severity::high) {
                closed.push_back(std::move(f));
            } else {
                ++counters.findings_dropped;
            }
        }
        s.open.clear();
    }

    // Forgets sources idle for a window (closing their findings first).
    void sweep(std::int64_t now)
    {
        while (!lru.empty()) {
            auto it = sources.find(lru.front());
            if (it == sources.end()) {
                lru.pop_front();
                continue;
            }
            if (now - it->second.last_ns <= rules.window_ns) {
                break;
            }
            close_source(it->second);
            ++counters.sources_expired;
            lru.pop_front();
            sources.erase(it);
        }
    }

    void touch_lru(source_state& s) { lru.splice(lru.end(), lru, s.lru); }

    void rotate_pending(std::int64_t now)
    {
        if (now - pending_since_ns > 32'000'000'000LL || now < pending_since_ns ||
            pending.size() >= std::max<std::size_t>(rules.max_pending / 2, 1)) {
            pending_old = std::move(pending);
            pending.clear();
            pending_since_ns = now;
        }
    }

    source_state* source_for(const pcap::ip_address& a, std::int64_t now)
    {
        const std::string k = addr_key(a);
        auto it = sources.find(k);
        if (it != sources.end()) {
            return &it->second;
        }
        while (sources.size() >= rules.max_sources && !lru.empty()) {
            // Full: the least recently active source goes (its findings are kept).
            auto oldest = sources.find(lru.front());
            lru.pop_front();
            if (oldest != sources.end()) {
                close_source(oldest->second);
                sources.erase(oldest);
                ++counters.sources_evicted;
            }
        }
        source_state& s = sources[k];
        lru.push_back(k);
        s.lru = std::prev(lru.end());
        s.address = a;
        s.first_ns = now;
        s.last_ns = now;
        return &s;
    }

    std::string txn_key(const sip_record& r)
    {
        key.assign(r.call_id);
        key.push_back('\0');
        key.append(std::to_string(r.cseq));
        key.push_back(' ');
        key.append(r.cseq_method);
        return key;
    }

    // The toll-fraud class of a dialled user part: the prefix it starts with, or "".
    std::string toll_prefix(std::string_view user) const
    {
        std::string best;
        for (const auto* list : {&rules.international_prefixes, &rules.premium_prefixes}) {
            for (const auto& p : *list) {
                if (user.starts_with(p) && p.size() > best.size()) {
                    best = p;
                }
            }
        }
        if (best.empty() || user.size() < best.size() + 4) {
            return {};
        }
        if (!all_of(user.substr(user[0] == '+' ? 1 : 0), digits)) {
            return {};
        }
        return best;
    }

    void on_request(const sip_event& e)
    {
        const sip_record& r = e.record;
        const sip::message& m = e.msg;
        if (peer_keys.count(addr_key(r.src.address)) || r.method == "ACK") {
            return;
        }
        ++counters.requests;
        source_state& s = *source_for(r.src.address, r.timestamp_ns);
        if (r.timestamp_ns - s.last_ns > rules.window_ns) {
            // A new episode: the old window is over.
            close_source(s);
            const pcap::ip_address a = s.address;
            const auto pos = s.lru;
            s = source_state{};
            s.address = a;
            s.lru = pos;
            s.first_ns = r.timestamp_ns;
        }
        s.last_ns = std::max(s.last_ns, r.timestamp_ns);
        touch_lru(s);
        ++s.requests;
        add_unique(s.ports, r.src.port);
        const std::uint64_t frame = r.frames.empty() ? 0 : r.frames.back();
        const bool authed = has_credentials(m);
        if (!authed && !r.resent) {
            ++s.unauth_requests;
        }

        // Flood: a sliding window of request times (retransmissions count: pike counts packets).
        s.recent.add(r.timestamp_ns);
        s.recent.expire(r.timestamp_ns, rules.flood_window_ns);
        if (s.recent.size() > rules.flood_requests) {
            // A flood is density without matching responses: a source whose requests mostly
            // get answered (a busy client, or a scan the server keeps up with) is low.
            const std::uint64_t unanswered = s.requests > s.answered ? s.requests - s.answered : 0;
            const bool starved = unanswered * 2 > s.requests;
            const bool served = s.authenticated_ok || responders.count(addr_key(s.address)) != 0;
            finding& f = touch(s, finding_kind::flood, "", r,
                               starved && !served ? severity::medium : severity::low, 0.8);
            f.count = std::max<std::uint64_t>(f.count, s.recent.size());
            f.detail = "more than " + std::to_string(rules.flood_requests) + " requests within " +
                       std::to_string(rules.flood_window_ns / 1'000'000'000) + " s (peak " +
                       std::to_string(f.count) + "), " + std::to_string(unanswered) + " of " +
                       std::to_string(s.requests) + " requests unanswered" +
                       (served ? ", from a source that also authenticated successfully" : "");
            s.recent.keep(rules.flood_requests + 1);
        }

        // Known scanner User-Agent.
        const std::string ua = core::to_lower(m.user_agent());
        if (!ua.empty()) {
            for (const auto& name : rules.scanner_user_agents) {
                if (!name.empty() && ua.find(name) != std::string::npos) {
                    finding& f =
                        touch(s, finding_kind::scanner_user_agent, name, r, severity::medium, 0.95);
                    ++f.count;
                    f.tool = name;
                    f.detail =
                        "User-Agent '" + std::string(m.user_agent()) + "' is a known scanner";
                    break;
                }
            }
        }

        // Structural fingerprint.
        const fingerprint fp = identify_tool(m);
        if (!fp.tool.empty()) {
            finding& f = touch(s, finding_kind::scanner_fingerprint, fp.tool, r, severity::medium,
                               fp.confidence);
            ++f.count;
            f.tool = fp.tool;
            f.detail = fp.evidence;
            if (fp.leaked) {
                f.leaked_password = fp.password;
            }
        }

        // Who the request is for: the Request-URI user for calls and messages, To for REGISTER.
        std::string user = r.to_user;
        if (r.method != "REGISTER") {
            if (auto u = m.request_uri(); u && !u->user.empty()) {
                user.assign(u->user);
            }
        }
        std::string account;
        std::string digest;
        if (authed) {
            s.sent_credentials = true;
            if (s.credential_ports.size() < rules.max_items_per_source) {
                s.credential_ports.insert(r.src.port);
            }
            for (auto id : {sip::header_id::authorization, sip::header_id::proxy_authorization}) {
                if (auto c = m.credentials(id)) {
                    account.assign(c->username);
                    digest.assign(c->response);
                    break;
                }
            }
            if (account.empty()) {
                account = r.from_user;
            }
            if (fp.leaked && !account.empty()) {
                s.accounts[account].password = fp.password;
            }
            // A source that authenticates is not probing toll numbers blind.
            std::erase_if(s.open, [](const auto& kv) {
                return kv.first.first == finding_kind::toll_fraud &&
                       kv.second.severity < severity::critical;
            });
        }

        // OPTIONS sweep.
        if (r.method == "OPTIONS" && !r.resent) {
            const std::string dst = r.dst.to_string();
            if (s.targets.size() < rules.max_items_per_source || s.targets.count(dst)) {
                s.targets[dst] = r.timestamp_ns;
            }
            std::erase_if(s.targets, [&](const auto& kv) {
                return r.timestamp_ns - kv.second > rules.window_ns;
            });
            s.options.add(r.timestamp_ns);
            s.options.expire(r.timestamp_ns, rules.flood_window_ns);
            const bool many_targets = s.targets.size() >= rules.sweep_targets;
            const bool dense = s.options.size() >= rules.sweep_options;
            if (many_targets || dense) {
                const bool server = responders.count(addr_key(s.address)) != 0;
                finding& f = touch(s, finding_kind::options_sweep, "", r,
                                   server ? severity::low : severity::medium,
                                   server ? 0.3 : (many_targets ? 0.9 : 0.7));
                ++f.count;
                f.distinct = std::max<std::uint64_t>(f.distinct, s.targets.size());
                for (const auto& [t, when] : s.targets) {
                    if (f.targets.size() >= 8) {
                        break;
                    }
                    add_unique(f.targets, t);
                }
                f.detail = std::to_string(f.distinct) + " destinations probed with OPTIONS" +
                           (dense ? ", " + std::to_string(s.options.size()) + " within " +
                                        std::to_string(rules.flood_window_ns / 1'000'000'000) + " s"
                                  : std::string());
            }
            s.options.keep(rules.sweep_options);
        }

        // Enumeration: users probed without authenticating.
        if (!user.empty() && r.method != "CANCEL") {
            if (s.requests <= 3 && user.size() >= 8 && user.size() <= 10 && all_of(user, digits) &&
                s.first_random_user.empty()) {
                s.first_random_user = user;
            }
            auto it = s.users.find(user);
            if (it == s.users.end() && s.users.size() >= rules.max_items_per_source) {
                prune_users(s, r.timestamp_ns);
            }
            if (it == s.users.end() && s.users.size() < rules.max_items_per_source) {
                it = s.users.emplace(user, user_entry{r.timestamp_ns, false}).first;
                ++s.unresolved;
            }
            if (it != s.users.end()) {
                it->second.last_ns = r.timestamp_ns;
                if (authed && !it->second.resolved) {
                    it->second.resolved = true;
                    --s.unresolved;
                }
            }
            if (s.unresolved >= rules.enumeration_users) {
                prune_users(s, r.timestamp_ns);
            }
            if (s.unresolved >= rules.enumeration_users) {
                finding& f = touch(s, finding_kind::enumeration, "", r, severity::high, 0.8);
                ++f.count;
                f.distinct = std::max<std::uint64_t>(f.distinct, s.unresolved);
                add_unique(f.targets, user, 16);
                describe_enumeration(s, f);
            }
        }

        // Toll-fraud INVITE probes.
        bool toll = false;
        std::string number;
        if (r.method == "INVITE" && !authed && s.credential_ports.count(r.src.port) == 0 &&
            !r.resent) {
            const std::string prefix = toll_prefix(user);
            if (!prefix.empty()) {
                toll = true;
                number = user;
                std::string tail = user.size() > rules.toll_number_digits
                                       ? user.substr(user.size() - rules.toll_number_digits)
                                       : user;
                auto& prefixes = s.toll_numbers[tail];
                if (s.toll_numbers.size() > rules.max_items_per_source) {
                    s.toll_numbers.clear();
                } else {
                    prefixes.insert(user.substr(0, user.size() - tail.size()));
                }
                std::size_t walk = 0;
                for (const auto& [t, p] : s.toll_numbers) {
                    walk = std::max(walk, p.size());
                }
                const bool walking = walk >= rules.toll_prefix_variants;
                const bool many = s.toll_numbers.size() >= 3;
                finding& f =
                    touch(s, finding_kind::toll_fraud, "", r,
                          walking || many ? severity::high : severity::medium, walking ? 0.9 : 0.7);
                ++f.count;
                f.distinct = s.toll_numbers.size();
                add_unique(f.targets, user, 16);
                if (f.severity < severity::critical) {
                    f.detail = "unauthenticated INVITEs to " + std::to_string(f.distinct) +
                               " international/premium numbers" +
                               (walking ? ", the same number tried with " + std::to_string(walk) +
                                              " prefixes"
                                        : "");
                }
            }
        }

        // svcrack sends every guess with the same Call-ID and CSeq, which the resend rule
        // calls a retransmission: an authenticated request is a new attempt whenever its
        // digest differs, so it always replaces the pending entry.
        if (!r.resent || authed) {
            rotate_pending(r.timestamp_ns);
            pending_request p;
            p.source = addr_key(r.src.address);
            p.user = user;
            p.account = account;
            p.method = r.method;
            p.authenticated = authed;
            p.toll = toll;
            p.number = number;
            p.digest = digest;
            p.ts = r.timestamp_ns;
            p.frame = frame;
            pending[txn_key(r)] = std::move(p);
        }
    }

    void prune_users(source_state& s, std::int64_t now)
    {
        for (auto it = s.users.begin(); it != s.users.end();) {
            if (now - it->second.last_ns > rules.window_ns) {
                if (!it->second.resolved) {
                    --s.unresolved;
                }
                it = s.users.erase(it);
            } else {
                ++it;
            }
        }
    }

    void describe_enumeration(const source_state& s, finding& f) const
    {
        // Sequential numeric users are the classic svwar / sip-enum-users sweep.
        std::vector<std::int64_t> nums;
        for (const auto& [u, e] : s.users) {
            if (!e.resolved && u.size() <= 12 && all_of(u, digits)) {
                nums.push_back(*core::parse_int(u));
            }
        }
        std::sort(nums.begin(), nums.end());
        std::size_t run = nums.empty() ? 0 : 1;
        std::size_t best = run;
        for (std::size_t i = 1; i < nums.size(); ++i) {
            run = nums[i] == nums[i - 1] + 1 ? run + 1 : 1;
            best = std::max(best, run);
        }
        f.detail = std::to_string(f.distinct) + " distinct users probed without authenticating";
        if (best >= 5) {
            f.detail += ", " + std::to_string(best) + " of them sequential";
            f.confidence = std::max(f.confidence, 0.95);
        }
        if (!s.first_random_user.empty()) {
            f.detail += "; began with a probe to random user " + s.first_random_user +
                        " (the svwar / sip-enum-users sanity check)";
        }
    }

    void on_response(const sip_event& e)
    {
        const sip_record& r = e.record;
        const sip::message& m = e.msg;
        if (r.status >= 200 && responders.size() < rules.max_sources) {
            responders.insert(addr_key(r.src.address));
        }
        auto* table = &pending;
        auto it = pending.find(txn_key(r));
        if (it == pending.end()) {
            table = &pending_old;
            it = pending_old.find(key);
            if (it == pending_old.end()) {
                return;
            }
        }
        pending_request& p = it->second;
        auto sit = sources.find(p.source);
        if (sit == sources.end()) {
            if (r.status >= 200) {
                table->erase(it);
            }
            return;
        }
        source_state& s = sit->second;
        const std::uint64_t frame = r.frames.empty() ? 0 : r.frames.back();

        // Provisional answers to a toll probe already mean the call was routed.
        if (p.toll && r.status >= 180 && r.status < 400) {
            finding& f = touch(s, finding_kind::toll_fraud, "", r, severity::critical, 0.95);
            f.detail = "unauthenticated INVITE to " + p.number + " was answered " +
                       std::to_string(r.status) + " " + r.reason +
                       ": the call was routed without authentication";
            add_frame(f.frames, frame);
            p.toll = false;
        }
        if (r.status < 200) {
            return;
        }
        ++s.answered;
        if (!p.authenticated) {
            ++s.unauth_answered;
            if (s.unauth_codes.size() < 64 || s.unauth_codes.count(r.status)) {
                ++s.unauth_codes[r.status];
            }
        }
        if (s.codes.size() < 64 || s.codes.count(r.status)) {
            ++s.codes[r.status];
        }
        const bool rejected = r.status == 401 || r.status == 407 || r.status == 403;
        if (p.authenticated && !p.account.empty()) {
            auto ait = s.accounts.find(p.account);
            if (ait == s.accounts.end() && s.accounts.size() < rules.max_items_per_source) {
                ait = s.accounts.emplace(p.account, account_entry{}).first;
            }
            if (ait != s.accounts.end()) {
                account_entry& a = ait->second;
                // A re-challenge for an expired nonce is not a wrong password: stale=true, or
                // servers that only say so in the reason phrase ("nonce has changed").
                bool stale = core::to_lower(r.reason).find("nonce") != std::string::npos;
                for (auto id :
                     {sip::header_id::www_authenticate, sip::header_id::proxy_authenticate}) {
                    if (auto c = m.challenges(id); c && !c->empty() && c->front().stale) {
                        stale = true;
                    }
                }
                if (rejected && !stale && (p.digest.empty() || p.digest != a.last_digest)) {
                    a.last_digest = p.digest;
                    if (a.failures == 0) {
                        a.first_ns = r.timestamp_ns;
                    }
                    ++a.failures;
                    a.last_ns = r.timestamp_ns;
                    add_frame(a.frames, p.frame);
                    if (a.failures >= rules.brute_force_failures) {
                        finding& f =
                            touch(s, finding_kind::brute_force, p.account, r, severity::high, 0.9);
                        f.account = p.account;
                        f.count = a.failures;
                        f.first_ns = std::min(f.first_ns, a.first_ns);
                        f.frames = a.frames;
                        add_unique(f.targets, p.account);
                        if (!a.password.empty()) {
                            f.leaked_password = a.password;
                        }
                        f.detail = std::to_string(a.failures) +
                                   " failed digest authentications for account " + p.account +
                                   (a.password.empty()
                                        ? ""
                                        : "; the scanner leaks its guesses in the From tag");
                    }
                } else if (r.status >= 200 && r.status < 300) {
                    if (a.failures >= rules.compromised_after_failures) {
                        finding& f = touch(s, finding_kind::compromised, p.account, r,
                                           severity::critical, 0.95);
                        f.account = p.account;
                        f.count = a.failures;
                        add_unique(f.targets, p.account);
                        add_frame(f.frames, frame);
                        if (!a.password.empty()) {
                            f.leaked_password = a.password;
                        }
                        f.detail =
                            "account " + p.account + " accepted (" + std::to_string(r.status) +
                            ") after " + std::to_string(a.failures) +
                            " failed attempts: the password was guessed" +
                            (a.password.empty()
                                 ? std::string()
                                 : " (the scanner's own From tag says it is '" + a.password + "')");
                    }
                    a.failures = 0;
                    a.frames.clear();
                    a.last_digest.clear();
                    s.authenticated_ok = true;
                }
            }
        } else if (!p.authenticated && r.status >= 200 && r.status < 300 && p.method != "OPTIONS") {
            // Accepted without credentials: a registrar without authentication, or a peer
            // the server trusts by address (a carrier trunk sending calls). Its users are
            // not probes.
            s.authenticated_ok = true;
            if (auto u = s.users.find(p.user); u != s.users.end() && !u->second.resolved) {
                u->second.resolved = true;
                --s.unresolved;
            }
        }

        // Exposure: answers to requests without credentials from sources not authenticated.
        if (!p.authenticated && !s.authenticated_ok && !p.user.empty()) {
            auto& users = users_by_code[r.status];
            if (users.size() < 64) {
                users.insert(p.user);
            }
            leak(m, r, frame);
        }
        table->erase(it);
    }

    void leak(const sip::message& m, const sip_record&, std::uint64_t frame)
    {
        const auto add = [&](std::string what, std::string_view value) {
            if (value.empty() || leaks.size() >= 32) {
                return;
            }
            std::string v(value.substr(0, 200));
            if (leak_seen.insert({what, v}).second) {
                leaks.push_back(exposure_leak{std::move(what), std::move(v), frame});
            }
        };
        const auto versioned = [](std::string_view v) {
            return v.find_first_of(digits) != std::string_view::npos;
        };
        if (versioned(m.server())) {
            add("Server", m.server());
        }
        if (versioned(m.user_agent())) {
            add("User-Agent", m.user_agent());
        }
        add("Allow", m.value(sip::header_id::allow));
        add("Supported", m.value(sip::header_id::supported));
        add("Warning", m.value(sip::header_id::warning));
    }
};

auditor::auditor(audit_rules rules) : impl_(std::make_unique<impl>(std::move(rules))) {}

auditor::~auditor() = default;

const audit_rules& auditor::rules() const noexcept
{
    return impl_->rules;
}

void auditor::on_sip(const sip_event& e)
{
    ++impl_->counters.messages;
    const std::int64_t now = e.record.timestamp_ns;
    if (now - impl_->last_sweep_ns > 10'000'000'000LL || now < impl_->last_sweep_ns) {
        impl_->sweep(now);
        impl_->last_sweep_ns = now;
    }
    if (e.record.is_request) {
        impl_->on_request(e);
    } else {
        impl_->on_response(e);
    }
}

void auditor::finish()
{
    for (auto& [k, s] : impl_->sources) {
        impl_->close_source(s);
    }
}

std::vector<finding> auditor::findings() const
{
    std::vector<finding> all = impl_->closed;
    for (const auto& [k, s] : impl_->sources) {
        for (const auto& [kk, f] : s.open) {
            all.push_back(f);
        }
    }
    std::stable_sort(all.begin(), all.end(), [](const finding& a, const finding& b) {
        if (a.severity != b.severity) {
            return a.severity > b.severity;
        }
        return a.first_ns < b.first_ns;
    });
    return all;
}

audit_stats auditor::stats() const
{
    audit_stats s = impl_->counters;
    s.sources_tracked = impl_->sources.size();
    return s;
}

exposure_report auditor::exposure(const params::param_file* configured) const
{
    exposure_report rep;
    const impl& d = *impl_;
    // A source that authenticated is a customer, and one that answers requests is a SIP
    // server, unless it was flagged (a scanner that cracked a password authenticates too).
    std::set<pcap::ip_address> flagged;
    for (const auto& f : findings()) {
        if (f.severity >= severity::medium) {
            flagged.insert(f.source);
        }
    }
    for (const auto& [k, s] : d.sources) {
        if ((s.authenticated_ok || d.responders.count(k) != 0) && !flagged.count(s.address)) {
            continue;
        }
        exposure_source e{s.address, s.requests, s.answered, s.codes};
        rep.probes += s.unauth_requests;
        rep.answered += s.unauth_answered;
        for (const auto& [c, n] : s.unauth_codes) {
            rep.codes[c] += n;
        }
        rep.sources.push_back(std::move(e));
    }
    std::sort(
        rep.sources.begin(), rep.sources.end(),
        [](const exposure_source& a, const exposure_source& b) { return a.requests > b.requests; });
    if (rep.sources.size() > 100) {
        rep.sources.resize(100);
    }

    // Unknown-user answers (404, 484, 604) next to known-user answers (401/407/403/200) tell
    // a scanner which accounts exist.
    std::set<std::string> unknown_users;
    std::set<std::string> known_users;
    for (const auto& [code, users] : d.users_by_code) {
        if (code == 404 || code == 484 || code == 604 || code == 480) {
            unknown_users.insert(users.begin(), users.end());
        } else {
            known_users.insert(users.begin(), users.end());
        }
    }
    if (rep.probes == 0) {
        rep.behaviour = server_behaviour::none;
    } else if (rep.answered * 10 < rep.probes) {
        rep.behaviour = server_behaviour::silent;
    } else if (!unknown_users.empty() && !known_users.empty()) {
        rep.behaviour = server_behaviour::user_dependent;
        std::string ex = "unknown users got ";
        for (const auto& [code, users] : d.users_by_code) {
            if (code == 404 || code == 484 || code == 604 || code == 480) {
                ex += std::to_string(code) + " ";
            }
        }
        ex += "while " + std::to_string(known_users.size()) + " users (e.g. " +
              *known_users.begin() + ") got ";
        for (const auto& [code, users] : d.users_by_code) {
            if (!(code == 404 || code == 484 || code == 604 || code == 480)) {
                ex += std::to_string(code) + " ";
            }
        }
        ex.pop_back();
        rep.leaks.push_back(exposure_leak{"answers", ex, 0});
    } else {
        rep.behaviour = server_behaviour::uniform;
    }
    for (const auto& l : d.leaks) {
        rep.leaks.push_back(l);
    }

    // Recommendations naming the parameters.
    const auto all = findings();
    const auto has = [&](finding_kind k) {
        return std::any_of(all.begin(), all.end(), [&](const finding& f) { return f.kind == k; });
    };
    std::uint64_t max_failures = 0;
    for (const auto& f : all) {
        if (f.kind == finding_kind::brute_force || f.kind == finding_kind::compromised) {
            max_failures = std::max(max_failures, f.count);
        }
    }
    for (const auto& f : all) {
        if (f.kind == finding_kind::compromised) {
            rep.recommendations.push_back("Account " + f.account + " is compromised (from " +
                                          f.source.to_string() +
                                          "): change its password now and check its calls.");
        }
    }
    switch (rep.behaviour) {
    case server_behaviour::user_dependent:
        rep.recommendations.push_back(
            "The server answers unknown users differently from known ones, so scanners can list "
            "the accounts: set "
            "SS_REPLY_UNAUTHORIZED Off (ssw-param set SS_REPLY_UNAUTHORIZED=Off) so unknown "
            "sources get no answer.");
        break;
    case server_behaviour::uniform:
        rep.recommendations.push_back("Unauthenticated probes are answered (uniformly), which "
                                      "tells scanners a SIP server is there: on an "
                                      "internet-facing server set SS_REPLY_UNAUTHORIZED Off, or "
                                      "apply `ssw-param preset internet-facing`.");
        break;
    case server_behaviour::silent:
    case server_behaviour::none: break;
    }
    if (has(finding_kind::brute_force) || has(finding_kind::compromised)) {
        rep.recommendations.push_back("Password guessing was seen (up to " +
                                      std::to_string(max_failures) +
                                      " failures per account): lower SS_AUTHENTICATION_MAX_RETRY "
                                      "(3) and raise SS_AUTHENTICATION_FAILED_SUSPEND "
                                      "(600 s), as `ssw-param preset internet-facing` does.");
    }
    if (has(finding_kind::toll_fraud)) {
        rep.recommendations.push_back(
            "Toll-fraud INVITE probes were seen: make sure unauthenticated INVITEs are rejected "
            "and international and "
            "premium prefixes are barred for accounts that do not need them.");
    }
    if (std::any_of(rep.leaks.begin(), rep.leaks.end(), [](const exposure_leak& l) {
            return l.what == "Server" || l.what == "User-Agent";
        })) {
        rep.recommendations.push_back("Responses carry a product and version (Server/User-Agent): "
                                      "scanners match them against known "
                                      "vulnerabilities; remove the version from the header.");
    }

    if (configured != nullptr) {
        const auto effective_on_off = [&](std::string_view name) -> std::optional<bool> {
            const auto* info = params::find_param(name);
            if (info == nullptr) {
                return std::nullopt;
            }
            const auto v = configured->effective(*info);
            if (const bool* b = std::get_if<bool>(&v)) {
                return *b;
            }
            return std::nullopt;
        };
        const auto effective_int = [&](std::string_view name) -> std::optional<std::int64_t> {
            const auto* info = params::find_param(name);
            if (info == nullptr) {
                return std::nullopt;
            }
            const auto v = configured->effective(*info);
            if (const auto* n = std::get_if<std::int64_t>(&v)) {
                return *n;
            }
            return std::nullopt;
        };
        const auto codes_text = [&] {
            std::string t;
            for (const auto& [c, n] : rep.codes) {
                t += (t.empty() ? "" : ", ") + std::to_string(n) + " x " + std::to_string(c);
            }
            return t;
        };
        if (auto reply = effective_on_off("SS_REPLY_UNAUTHORIZED")) {
            if (!*reply && rep.answered > 0) {
                rep.configuration.push_back(
                    "SS_REPLY_UNAUTHORIZED is configured Off, but " + std::to_string(rep.answered) +
                    " probes were answered (" + codes_text() +
                    "): the capture is not from this configuration, or it is not in effect.");
            } else if (*reply && rep.behaviour == server_behaviour::silent) {
                rep.configuration.push_back(
                    "SS_REPLY_UNAUTHORIZED is configured On, but " + std::to_string(rep.probes) +
                    " probes got no answer: something in front of the server drops them.");
            } else if (rep.behaviour != server_behaviour::none) {
                rep.configuration.push_back(std::string("SS_REPLY_UNAUTHORIZED is configured ") +
                                            (*reply ? "On" : "Off") + " and the server behaved " +
                                            std::string(to_string(rep.behaviour)) +
                                            ": consistent.");
            }
        }
        if (auto retry = effective_int("SS_AUTHENTICATION_MAX_RETRY"); retry && max_failures > 0) {
            if (static_cast<std::int64_t>(max_failures) > *retry) {
                rep.configuration.push_back(
                    "SS_AUTHENTICATION_MAX_RETRY is " + std::to_string(*retry) +
                    ", but one account failed " + std::to_string(max_failures) +
                    " times from one source and was still answered: the lockout did not act.");
            } else {
                rep.configuration.push_back(
                    "SS_AUTHENTICATION_MAX_RETRY is " + std::to_string(*retry) + "; at most " +
                    std::to_string(max_failures) + " failures per account were seen: consistent.");
            }
        }
    }
    return rep;
}

} // namespace ssw::trace
