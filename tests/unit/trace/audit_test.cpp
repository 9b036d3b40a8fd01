// SPDX-License-Identifier: MIT
// Unit tests of ssw::trace audit: rules file, tool fingerprints, every detector, the memory
// bounds, the exposure report and the negatives (busy legitimate traffic, public captures).
#include "support/pcap_builder.hpp"
#include "support/temp_dir.hpp"

#include <ssw/pcap/reader.hpp>
#include <ssw/sip/message.hpp>
#include <ssw/trace/audit.hpp>

#include <catch2/catch.hpp>

#include <algorithm>
#include <cstdio>
#include <filesystem>

namespace pb = ssw::test::pcap_builder;
namespace tr = ssw::trace;

namespace {

constexpr std::int64_t t0 = 1'767'225'600'000'000'000; // 2026-01-01
constexpr std::int64_t ms = 1'000'000;
constexpr std::int64_t sec = 1'000'000'000;

struct endpoint {
    std::string ip;
    std::uint16_t port;
};

const endpoint server{"192.0.2.10", 5060};

std::string hex(const std::string& s)
{
    std::string out;
    char b[3];
    for (const char ch : s) {
        std::snprintf(b, sizeof b, "%02x", static_cast<unsigned>(static_cast<unsigned char>(ch)));
        out += b;
    }
    return out;
}

// One SIP request with the fields the detectors look at.
struct req {
    std::string method = "REGISTER";
    std::string ruri_user; // "" = no user part
    std::string from_user = "100";
    std::string to_user = "100";
    std::string from_tag = "a1b2c3";
    std::string from_display;
    std::string call_id = "cid-1";
    int cseq = 1;
    std::string branch = "z9hG4bKabc";
    std::string user_agent;
    std::string extra;     // further header lines, CRLF-terminated
    std::string auth_user; // adds Authorization for this user
    std::string auth_response = "0123456789abcdef0123456789abcdef";
};

std::string text(const req& r, const endpoint& src)
{
    const std::string ruri = "sip:" + (r.ruri_user.empty() ? "" : r.ruri_user + "@") + server.ip;
    std::string m = r.method + " " + ruri + " SIP/2.0\r\n";
    m += "Via: SIP/2.0/UDP " + src.ip + ":" + std::to_string(src.port) + ";branch=" + r.branch +
         "\r\n";
    m += "Max-Forwards: 70\r\n";
    m += "From: " + (r.from_display.empty() ? "" : "\"" + r.from_display + "\" ") +
         "<sip:" + r.from_user + "@" + server.ip + ">;tag=" + r.from_tag + "\r\n";
    m += "To: <sip:" + r.to_user + "@" + server.ip + ">\r\n";
    m += "Call-ID: " + r.call_id + "\r\n";
    m += "CSeq: " + std::to_string(r.cseq) + " " + r.method + "\r\n";
    if (!r.user_agent.empty()) {
        m += "User-Agent: " + r.user_agent + "\r\n";
    }
    if (!r.auth_user.empty()) {
        m += "Authorization: Digest username=\"" + r.auth_user +
             "\", realm=\"t\", nonce=\"n\", uri=\"" + ruri + "\", response=\"" + r.auth_response +
             "\"\r\n";
    }
    m += r.extra;
    m += "Content-Length: 0\r\n\r\n";
    return m;
}

std::string answer(const req& r, int code, const std::string& reason, const std::string& extra = {})
{
    std::string m = "SIP/2.0 " + std::to_string(code) + " " + reason + "\r\n";
    m += "Via: SIP/2.0/UDP 198.51.100.1:5060;branch=" + r.branch + "\r\n";
    m += "From: <sip:" + r.from_user + "@" + server.ip + ">;tag=" + r.from_tag + "\r\n";
    m += "To: <sip:" + r.to_user + "@" + server.ip + ">;tag=srv\r\n";
    m += "Call-ID: " + r.call_id + "\r\n";
    m += "CSeq: " + std::to_string(r.cseq) + " " + r.method + "\r\n";
    m += extra;
    m += "Content-Length: 0\r\n\r\n";
    return m;
}

// A capture under construction and its audit.
struct scenario {
    pb::capture cap{ssw::pcap::link_type::ethernet};
    std::int64_t now = t0;

    void send(const endpoint& src, const std::string& payload, const endpoint& dst = server)
    {
        cap.add(pb::ethernet(
                    pb::ipv4(src.ip, dst.ip, pb::proto_udp, pb::udp(src.port, dst.port, payload))),
                now);
        now += ms;
    }
    void request(const endpoint& src, const req& r, const endpoint& dst = server)
    {
        send(src, text(r, src), dst);
    }
    void reply(const endpoint& to, const req& r, int code, const std::string& reason,
               const std::string& extra = {})
    {
        send(server, answer(r, code, reason, extra), to);
    }

    struct result {
        std::vector<tr::finding> findings;
        tr::exposure_report exposure;
        tr::audit_stats stats;
    };

    result run(tr::audit_rules rules = {}, const ssw::params::param_file* params = nullptr) const
    {
        ssw::test::temp_dir dir;
        const auto path = (dir.path() / "a.pcap").string();
        pb::write_file(path, cap.pcap());
        tr::auditor a(std::move(rules));
        tr::extractor_handlers h;
        h.on_sip = [&](const tr::sip_event& e) { a.on_sip(e); };
        auto in = ssw::pcap::reader::open(path);
        REQUIRE(in);
        tr::sip_extractor ex(h);
        REQUIRE(ex.run(*in));
        a.finish();
        return {a.findings(), a.exposure(params), a.stats()};
    }
};

const tr::finding* find(const std::vector<tr::finding>& fs, tr::finding_kind k,
                        const std::string& tool = {})
{
    for (const auto& f : fs) {
        if (f.kind == k && (tool.empty() || f.tool == tool)) {
            return &f;
        }
    }
    return nullptr;
}

tr::severity worst(const std::vector<tr::finding>& fs)
{
    tr::severity w = tr::severity::info;
    for (const auto& f : fs) {
        w = std::max(w, f.severity);
    }
    return w;
}

ssw::sip::message parse(const std::string& bytes)
{
    ssw::sip::message m;
    REQUIRE(ssw::sip::parse_message(bytes, m));
    return m;
}

} // namespace

TEST_CASE("trace::audit rules: defaults, overrides, lists and errors with line numbers",
          "[trace][audit]")
{
    const tr::audit_rules d;
    CHECK(d.window_ns == 600 * sec);     // fail2ban findtime
    CHECK(d.brute_force_failures == 5);  // fail2ban maxretry
    CHECK(d.flood_window_ns == 2 * sec); // pike sampling_time_unit
    CHECK(d.flood_requests == 30);       // pike reqs_density_per_unit
    CHECK(std::count(d.scanner_user_agents.begin(), d.scanner_user_agents.end(),
                     "friendly-scanner") == 1);

    auto r = tr::parse_audit_rules(
        "# comment\nwindow = 60\nbrute_force_failures = 3\n"
        "scanner_user_agent = MyScanner\nclear = premium_prefix\npremium_prefix = 0809\n"
        "peer = 203.0.113.5\n",
        "r.conf");
    REQUIRE(r);
    CHECK(r->window_ns == 60 * sec);
    CHECK(r->brute_force_failures == 3);
    CHECK(r->scanner_user_agents.back() == "myscanner");
    CHECK(r->premium_prefixes == std::vector<std::string>{"0809"});
    REQUIRE(r->peers.size() == 1);
    CHECK(r->peers[0].to_string() == "203.0.113.5");

    auto bad = tr::parse_audit_rules("window = 60\nfoo = 1\n", "r.conf");
    REQUIRE_FALSE(bad);
    CHECK(bad.error().where == "r.conf:2");
    CHECK(bad.error().message.find("unknown key 'foo'") != std::string::npos);
    CHECK_FALSE(tr::parse_audit_rules("window = -1\n", "r"));
    CHECK_FALSE(tr::parse_audit_rules("window\n", "r"));
    CHECK_FALSE(tr::parse_audit_rules("peer = nowhere\n", "r"));
    CHECK_FALSE(tr::parse_audit_rules("international_prefix = 00x\n", "r"));

    CHECK(tr::parse_severity("HIGH").value() == tr::severity::high);
    CHECK_FALSE(tr::parse_severity("urgent"));
}

TEST_CASE("trace::identify_tool: SIPVicious, sippts, Nmap and sipsak request shapes",
          "[trace][audit]")
{
    const endpoint src{"203.0.113.7", 5061};
    req svmap;
    svmap.method = "OPTIONS";
    svmap.from_display = "sipvicious";
    svmap.from_tag = hex(std::string("c0000a0a13c4") + '\x01' + "2987312");
    svmap.branch = "z9hG4bK-1234567";
    svmap.call_id = "123456789012345678901234";
    CHECK(tr::identify_tool(parse(text(svmap, src))).tool == "svmap");

    req svwar;
    svwar.from_user = svwar.to_user = "1042";
    svwar.from_tag = hex(std::string("1042") + '\x01' + "88");
    CHECK(tr::identify_tool(parse(text(svwar, src))).tool == "svwar");

    req svcrack = svwar;
    svcrack.from_user = svcrack.to_user = "100";
    svcrack.from_tag = hex(std::string("100:hunter2") + '\x01' + "55");
    svcrack.auth_user = "100";
    const auto fp = tr::identify_tool(parse(text(svcrack, src)));
    CHECK(fp.tool == "svcrack");
    CHECK(fp.leaked);
    CHECK(fp.password == "hunter2");

    req first = svwar;
    first.from_tag = "3206210844";
    CHECK(tr::identify_tool(parse(text(first, src))).tool == "svcrack");

    req nmap;
    nmap.method = "OPTIONS";
    nmap.call_id = "50000";
    nmap.from_tag = "root";
    nmap.branch = "foo";
    CHECK(tr::identify_tool(parse(text(nmap, src))).tool == "nmap");

    req sippts;
    sippts.branch = std::string(71, 'k');
    CHECK(tr::identify_tool(parse(text(sippts, src))).tool == "sippts");
    req sippts2;
    sippts2.call_id = "0123456789abcdef0123456789abcdef";
    sippts2.from_tag = "deadbeef";
    sippts2.extra = "Allow: INVITE, REGISTER, ACK, CANCEL, BYE, NOTIFY, REFER, OPTIONS, INFO, "
                    "SUBSCRIBE, UPDATE, "
                    "PRACK, MESSAGE\r\n";
    CHECK(tr::identify_tool(parse(text(sippts2, src))).tool == "sippts");

    req sipsak;
    sipsak.method = "OPTIONS";
    sipsak.from_user = "sipsak";
    sipsak.call_id = "1408936011@127.0.0.1";
    CHECK(tr::identify_tool(parse(text(sipsak, src))).tool == "sipsak");

    req phone; // an ordinary phone's request
    phone.call_id = "3c26700a2f4c@192.0.2.33";
    phone.from_tag = "as58f4201b";
    phone.branch = "z9hG4bK-524287-1---7a1e1b2bd0f3c8e1";
    CHECK(tr::identify_tool(parse(text(phone, src))).tool.empty());
}

TEST_CASE("trace::auditor: known scanner User-Agents, case-insensitive and extendable",
          "[trace][audit]")
{
    scenario s;
    const endpoint a{"203.0.113.7", 5070};
    req r;
    r.method = "OPTIONS";
    r.user_agent = "Friendly-Scanner";
    s.request(a, r);
    req r2 = r;
    r2.call_id = "cid-2";
    r2.user_agent = "InHouseProbe/2.0";
    s.request({"203.0.113.8", 5070}, r2);
    auto out = s.run();
    const auto* f = find(out.findings, tr::finding_kind::scanner_user_agent);
    REQUIRE(f != nullptr);
    CHECK(f->tool == "friendly-scanner");
    CHECK(f->source.to_string() == "203.0.113.7");
    CHECK(f->severity == tr::severity::medium);
    CHECK(f->frames == std::vector<std::uint64_t>{1});
    CHECK(out.findings.size() == 1);

    auto rules = tr::parse_audit_rules("scanner_user_agent = inhouseprobe\n", "r");
    REQUIRE(rules);
    out = s.run(*rules);
    CHECK(out.findings.size() == 2);
}

TEST_CASE("trace::auditor: OPTIONS sweep over many addresses", "[trace][audit]")
{
    scenario s;
    const endpoint a{"203.0.113.9", 5080};
    for (int i = 1; i <= 12; ++i) {
        req r;
        r.method = "OPTIONS";
        r.call_id = "sweep-" + std::to_string(i);
        s.request(a, r, endpoint{"198.51.100." + std::to_string(i), 5060});
        s.now += 100 * ms;
    }
    const auto out = s.run();
    const auto* f = find(out.findings, tr::finding_kind::options_sweep);
    REQUIRE(f != nullptr);
    CHECK(f->distinct == 12);
    CHECK(f->severity == tr::severity::medium);
    CHECK(f->targets.size() == 8);
}

TEST_CASE("trace::auditor: a server qualifying its contacts with OPTIONS is not a sweep",
          "[trace][audit]")
{
    scenario s;
    // The server answers a registration first: it is a SIP server.
    const endpoint phone0{"198.51.100.1", 5060};
    req reg;
    s.request(phone0, reg);
    s.reply(phone0, reg, 200, "OK");
    for (int i = 1; i <= 15; ++i) {
        req ping;
        ping.method = "OPTIONS";
        ping.call_id = "qualify-" + std::to_string(i);
        const endpoint phone{"198.51.100." + std::to_string(i), 5060};
        s.send(server, text(ping, server), phone);
        s.send(phone, answer(ping, 200, "OK"), server);
    }
    const auto out = s.run();
    const auto* f = find(out.findings, tr::finding_kind::options_sweep);
    REQUIRE(f != nullptr);
    CHECK(f->severity == tr::severity::low);
    CHECK(worst(out.findings) <= tr::severity::low);
    CHECK(out.exposure.sources.empty());
}

TEST_CASE("trace::auditor: sequential extension enumeration and a user-dependent server",
          "[trace][audit]")
{
    scenario s;
    const endpoint a{"203.0.113.20", 5090};
    req probe;
    probe.from_user = probe.to_user = "3391337377"; // svwar's random first user
    probe.call_id = "e-0";
    s.request(a, probe);
    s.reply(a, probe, 404, "Not Found");
    for (int u = 100; u < 120; ++u) {
        req r;
        r.from_user = r.to_user = std::to_string(u);
        r.call_id = "e-" + std::to_string(u);
        s.request(a, r);
        if (u == 101 || u == 105) {
            s.reply(a, r, 401, "Unauthorized",
                    "WWW-Authenticate: Digest realm=\"t\", nonce=\"x\"\r\n");
        } else {
            s.reply(a, r, 404, "Not Found", "Server: Asterisk PBX 18.20.0\r\n");
        }
        s.now += 20 * ms;
    }
    const auto out = s.run();
    const auto* f = find(out.findings, tr::finding_kind::enumeration);
    REQUIRE(f != nullptr);
    CHECK(f->severity == tr::severity::high);
    CHECK(f->distinct == 21);
    CHECK(f->detail.find("20 of them sequential") != std::string::npos);
    CHECK(f->detail.find("random user 3391337377") != std::string::npos);
    CHECK(out.exposure.behaviour == tr::server_behaviour::user_dependent);
    CHECK(out.exposure.probes == 21);
    CHECK(out.exposure.answered == 21);
    CHECK(out.exposure.codes.at(404) == 19);
    const auto leak = std::find_if(out.exposure.leaks.begin(), out.exposure.leaks.end(),
                                   [](const auto& l) { return l.what == "Server"; });
    REQUIRE(leak != out.exposure.leaks.end());
    CHECK(leak->value == "Asterisk PBX 18.20.0");
    REQUIRE_FALSE(out.exposure.recommendations.empty());
    CHECK(out.exposure.recommendations[0].find("SS_REPLY_UNAUTHORIZED Off") != std::string::npos);
}

TEST_CASE("trace::auditor: digest brute force, compromised account and svcrack's leaked guess",
          "[trace][audit]")
{
    scenario s;
    const endpoint a{"203.0.113.30", 5100};
    const std::vector<std::string> guesses{"a",       "b",        "123456", "qwerty",
                                           "letmein", "password", "s3cret"};
    for (std::size_t i = 0; i < guesses.size(); ++i) {
        req r;
        r.call_id = "crack"; // svcrack keeps the Call-ID and CSeq of the challenge
        r.cseq = 2;
        r.from_tag = hex("100:" + guesses[i] + '\x01' + "77");
        r.auth_user = "100";
        r.auth_response = std::string(31, 'a') + static_cast<char>('0' + i);
        s.request(a, r);
        if (i + 1 < guesses.size()) {
            s.reply(a, r, 401, "Unauthorized",
                    "WWW-Authenticate: Digest realm=\"t\", nonce=\"n" + std::to_string(i) +
                        "\"\r\n");
        } else {
            s.reply(a, r, 200, "OK");
        }
    }
    const auto out = s.run();
    const auto* bf = find(out.findings, tr::finding_kind::brute_force);
    REQUIRE(bf != nullptr);
    CHECK(bf->severity == tr::severity::high);
    CHECK(bf->account == "100");
    CHECK(bf->count == 6);
    const auto* c = find(out.findings, tr::finding_kind::compromised);
    REQUIRE(c != nullptr);
    CHECK(c->severity == tr::severity::critical);
    CHECK(c->leaked_password == "s3cret");
    CHECK(out.findings.front().kind == tr::finding_kind::compromised); // worst first
    CHECK(find(out.findings, tr::finding_kind::scanner_fingerprint, "svcrack") != nullptr);
    CHECK(out.exposure.recommendations.front().find("Account 100 is compromised") !=
          std::string::npos);

    // The same digest resent (a real retransmission) is one failure, not several.
    scenario r2;
    req same;
    same.auth_user = "200";
    same.call_id = "x";
    for (int i = 0; i < 8; ++i) {
        r2.request(a, same);
        r2.reply(a, same, 401, "Unauthorized");
    }
    CHECK(find(r2.run().findings, tr::finding_kind::brute_force) == nullptr);
}

TEST_CASE("trace::auditor: toll-fraud INVITE probes, prefix walking and a routed probe",
          "[trace][audit]")
{
    scenario s;
    const endpoint a{"203.0.113.40", 5060};
    const std::vector<std::string> numbers{"0046812345678", "00046812345678", "011046812345678",
                                           "+46812345678"};
    for (std::size_t i = 0; i < numbers.size(); ++i) {
        req r;
        r.method = "INVITE";
        r.ruri_user = r.to_user = numbers[i];
        r.call_id = "toll-" + std::to_string(i);
        s.request(a, r);
        s.reply(a, r, 403, "Forbidden");
    }
    auto out = s.run();
    auto* f = find(out.findings, tr::finding_kind::toll_fraud);
    REQUIRE(f != nullptr);
    CHECK(f->severity == tr::severity::high);
    CHECK(f->detail.find("prefixes") != std::string::npos);

    req routed;
    routed.method = "INVITE";
    routed.ruri_user = routed.to_user = "0090012345678";
    routed.call_id = "toll-routed";
    s.request(a, routed);
    s.reply(a, routed, 183, "Session Progress");
    out = s.run();
    f = find(out.findings, tr::finding_kind::toll_fraud);
    REQUIRE(f != nullptr);
    CHECK(f->severity == tr::severity::critical);
}

TEST_CASE("trace::auditor: floods by request density (pike's defaults)", "[trace][audit]")
{
    scenario s;
    const endpoint a{"203.0.113.50", 5060};
    for (int i = 0; i < 40; ++i) {
        req r;
        r.method = "OPTIONS";
        r.call_id = "f-" + std::to_string(i);
        s.request(a, r);
    }
    const auto out = s.run();
    const auto* f = find(out.findings, tr::finding_kind::flood);
    REQUIRE(f != nullptr);
    CHECK(f->severity == tr::severity::medium);
    CHECK(out.exposure.behaviour == tr::server_behaviour::silent);
}

TEST_CASE("trace::auditor: windows expire and the source table stays bounded", "[trace][audit]")
{
    // Twelve unknown users, one every two minutes: never ten within the 10-minute window.
    scenario slow;
    const endpoint a{"203.0.113.60", 5060};
    for (int u = 0; u < 12; ++u) {
        req r;
        r.from_user = r.to_user = std::to_string(500 + u);
        r.call_id = "s-" + std::to_string(u);
        slow.request(a, r);
        slow.now += 120 * sec;
    }
    CHECK(find(slow.run().findings, tr::finding_kind::enumeration) == nullptr);

    scenario many;
    for (int i = 0; i < 200; ++i) {
        req r;
        r.call_id = "m-" + std::to_string(i);
        many.request(
            endpoint{"10.0." + std::to_string(i / 250) + "." + std::to_string(i % 250 + 1), 5060},
            r);
    }
    tr::audit_rules rules;
    rules.max_sources = 16;
    const auto out = many.run(rules);
    CHECK(out.stats.sources_tracked <= 16);
    CHECK(out.stats.sources_evicted >= 184);
}

TEST_CASE("trace::auditor: uniform and silent servers, and --params comparison", "[trace][audit]")
{
    scenario s;
    const endpoint a{"203.0.113.70", 5060};
    for (int u = 0; u < 4; ++u) {
        req r;
        r.from_user = r.to_user = std::to_string(700 + u);
        r.call_id = "u-" + std::to_string(u);
        s.request(a, r);
        s.reply(a, r, 401, "Unauthorized");
    }
    auto params = ssw::params::param_file::parse("SS_REPLY_UNAUTHORIZED = Off\n", "p.conf");
    REQUIRE(params);
    const auto out = s.run({}, &*params);
    CHECK(out.exposure.behaviour == tr::server_behaviour::uniform);
    REQUIRE(out.exposure.configuration.size() == 1);
    CHECK(out.exposure.configuration[0].find(
              "configured Off, but 4 probes were answered (4 x 401)") != std::string::npos);

    scenario quiet;
    for (int u = 0; u < 4; ++u) {
        req r;
        r.call_id = "q-" + std::to_string(u);
        quiet.request(a, r);
    }
    auto on = ssw::params::param_file::parse("SS_REPLY_UNAUTHORIZED = On\n", "p.conf");
    REQUIRE(on);
    const auto q = quiet.run({}, &*on);
    CHECK(q.exposure.behaviour == tr::server_behaviour::silent);
    REQUIRE(q.exposure.configuration.size() == 1);
    CHECK(q.exposure.configuration[0].find("configured On, but 4 probes got no answer") !=
          std::string::npos);
}

TEST_CASE("trace::auditor: a busy legitimate capture raises nothing above low", "[trace][audit]")
{
    scenario s;
    // An office of 40 phones behind one NAT address, each registering with the usual
    // challenge, re-registering later with a stale-nonce re-challenge, and calling out.
    for (int round = 0; round < 3; ++round) {
        for (int p = 0; p < 40; ++p) {
            const endpoint phone{"198.51.100.77", static_cast<std::uint16_t>(20000 + p)};
            req r;
            r.from_user = r.to_user = std::to_string(2000 + p);
            r.call_id = "reg-" + std::to_string(p) + "-" + std::to_string(round);
            r.branch = "z9hG4bK" + r.call_id;
            r.user_agent = "Yealink SIP-T46S 66.86.0.15";
            if (round > 0) { // cached nonce, found stale
                r.auth_user = r.from_user;
                s.request(phone, r);
                s.reply(phone, r, 401, "Unauthorized",
                        "WWW-Authenticate: Digest realm=\"t\", nonce=\"z\", stale=true\r\n");
            } else {
                s.request(phone, r);
                s.reply(phone, r, 401, "Unauthorized",
                        "WWW-Authenticate: Digest realm=\"t\", nonce=\"y\"\r\n");
            }
            req again = r;
            again.cseq = 2;
            again.branch += "b";
            again.auth_user = r.from_user;
            again.auth_response = std::string(30, 'c') + std::to_string(10 + p);
            s.request(phone, again);
            s.reply(phone, again, 200, "OK");
            s.now += 200 * ms;
        }
        // A few calls, one from a phone that retransmits its INVITE.
        for (int c = 0; c < 5; ++c) {
            const endpoint phone{"198.51.100.77", static_cast<std::uint16_t>(20000 + c)};
            req inv;
            inv.method = "INVITE";
            inv.from_user = std::to_string(2000 + c);
            inv.ruri_user = inv.to_user = "004930123456" + std::to_string(c);
            inv.call_id = "call-" + std::to_string(round) + "-" + std::to_string(c);
            inv.branch = "z9hG4bK" + inv.call_id;
            s.request(phone, inv);
            if (c == 0) {
                s.now += 500 * ms;
                s.request(phone, inv);
                s.now += 1000 * ms;
                s.request(phone, inv);
            }
            s.reply(phone, inv, 407, "Proxy Authentication Required",
                    "Proxy-Authenticate: Digest realm=\"t\", nonce=\"p\"\r\n");
            req auth = inv;
            auth.cseq = 2;
            auth.branch += "a";
            auth.auth_user = inv.from_user;
            s.request(phone, auth);
            s.reply(phone, auth, 200, "OK");
        }
        s.now += 300 * sec;
    }
    // A carrier trunk the server trusts by address: calls to many local numbers, no credentials.
    const endpoint carrier{"192.0.2.200", 5060};
    for (int c = 0; c < 25; ++c) {
        req inv;
        inv.method = "INVITE";
        inv.from_user = "4930555" + std::to_string(1000 + c);
        inv.ruri_user = inv.to_user = "2" + std::to_string(100 + c);
        inv.call_id = "trunk-" + std::to_string(c);
        inv.branch = "z9hG4bK" + inv.call_id;
        s.request(carrier, inv);
        s.reply(carrier, inv, 180, "Ringing");
        s.reply(carrier, inv, 200, "OK");
        s.now += 2 * sec;
    }
    const auto out = s.run();
    INFO((out.findings.empty() ? std::string("none")
                               : std::string(tr::to_string(out.findings[0].kind))));
    CHECK(worst(out.findings) <= tr::severity::low);
    CHECK(out.exposure.sources.empty());
}

TEST_CASE("trace::auditor: the public sample captures raise nothing above low", "[trace][audit]")
{
    const std::filesystem::path dir = std::filesystem::path(SSW_TEST_DATA_DIR) / "pcap" / "public";
    std::size_t files = 0;
    for (const auto& entry : std::filesystem::directory_iterator(dir)) {
        if (entry.path().extension() != ".pcap") {
            continue;
        }
        ++files;
        tr::auditor a;
        tr::extractor_handlers h;
        h.on_sip = [&](const tr::sip_event& e) { a.on_sip(e); };
        auto in = ssw::pcap::reader::open(entry.path());
        REQUIRE(in);
        tr::sip_extractor ex(h);
        (void)ex.run(*in);
        a.finish();
        INFO(entry.path().filename().string());
        CHECK(worst(a.findings()) <= tr::severity::low);
    }
    CHECK(files >= 10);
}

TEST_CASE("trace::block_rules: ipset, nft, iptables and plain", "[trace][audit]")
{
    const std::vector<ssw::pcap::ip_address> v{pb::addr("203.0.113.5"), pb::addr("2001:db8::7")};
    CHECK(tr::block_rules("plain", v).value() == "203.0.113.5\n2001:db8::7\n");
    CHECK(tr::block_rules("iptables", v).value() ==
          "iptables -A INPUT -s 203.0.113.5 -j DROP\nip6tables -A INPUT -s 2001:db8::7 -j DROP\n");
    CHECK(tr::block_rules("nft", v).value().find(
              "nft add rule inet filter input ip6 saddr 2001:db8::7 drop") != std::string::npos);
    CHECK(tr::block_rules("ipset", v).value().find("ipset add ssw-audit 203.0.113.5 -exist") !=
          std::string::npos);
    CHECK_FALSE(tr::block_rules("pf", v));
}
