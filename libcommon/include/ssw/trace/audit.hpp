// SPDX-License-Identifier: MIT
// ssw::trace::auditor: unauthorized-probe detection over the SIP messages of a capture
// (scanners, enumeration, digest brute force, toll-fraud probes, floods) and the exposure
// report: what the server told the sources that never authenticated.
#pragma once

#include <ssw/params/store.hpp>
#include <ssw/trace/audit_rules.hpp>
#include <ssw/trace/sip_extractor.hpp>

#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace ssw::trace {

// What a finding is about.
enum class finding_kind : std::uint8_t {
    scanner_user_agent,  // a known scanner's User-Agent
    scanner_fingerprint, // a scanner's request shape (Call-ID/tag/branch form), whatever its
                         // User-Agent
    options_sweep,       // OPTIONS to many destinations, or many OPTIONS fast
    enumeration,         // many distinct users probed without authenticating
    brute_force,         // repeated failed digest authentication for one account
    compromised,         // a 2xx after failed attempts: the password was found
    toll_fraud,          // unauthenticated INVITEs to international / premium numbers
    flood,               // request density above the flood threshold
};

// "scanner-user-agent", "scanner-fingerprint", "options-sweep", "enumeration",
// "brute-force", "compromised", "toll-fraud", "flood".
[[nodiscard]] std::string_view to_string(finding_kind k) noexcept;

// One detection: who, what, when, how often, with the frames that show it.
struct finding {
    finding_kind kind = finding_kind::flood;
    trace::severity severity = severity::low;
    double confidence = 0.5;          // 0-1: how sure the detector is of the kind (and tool)
    pcap::ip_address source;          // the offending address
    std::vector<std::uint16_t> ports; // its source ports seen (first few)
    std::vector<std::string> targets; // destinations, users, accounts or numbers (first few)
    std::string tool;                 // identified tool ("svwar", "sipsak", ...) or ""
    std::string account;              // brute force / compromised: the account
    std::string leaked_password;      // svcrack puts its guess in the From tag: the last one
    std::string detail;               // one human sentence
    std::int64_t first_ns = 0;
    std::int64_t last_ns = 0;
    std::uint64_t count = 0;           // messages counted by the detector
    std::uint64_t distinct = 0;        // distinct users / targets / numbers where relevant
    std::vector<std::uint64_t> frames; // evidence: first frames (bounded)
};

// How the server answered sources that never authenticated.
enum class server_behaviour : std::uint8_t {
    none,           // no unauthenticated request seen
    user_dependent, // different answers for known and unknown users (enumerable)
    uniform,        // the same 401/403 for everyone (SS_REPLY_UNAUTHORIZED On)
    silent,         // (nearly) no answers at all (SS_REPLY_UNAUTHORIZED Off)
};

// "none", "user-dependent", "uniform", "silent".
[[nodiscard]] std::string_view to_string(server_behaviour b) noexcept;

// One unauthenticated, non-peer source in the exposure table.
struct exposure_source {
    pcap::ip_address address;
    std::uint64_t requests = 0; // requests sent (ACK not counted)
    std::uint64_t answered = 0; // requests that got a final response
    std::map<int, std::uint64_t> codes;
};

// Something the responses told a scanner.
struct exposure_leak {
    std::string what; // "Server", "User-Agent", "Allow", "Supported", "Warning", "answers"
    std::string value;
    std::uint64_t frame = 0;
};

struct exposure_report {
    server_behaviour behaviour = server_behaviour::none;
    std::uint64_t probes = 0;             // requests without credentials from those sources
    std::uint64_t answered = 0;           // of which answered with a final response
    std::map<int, std::uint64_t> codes;   // the final responses to those
    std::vector<exposure_source> sources; // most requests first
    std::vector<exposure_leak> leaks;
    std::vector<std::string> recommendations;
    std::vector<std::string> configuration; // with --params: configured versus observed
};

// Counters for the report's last line and for tests of the memory bounds.
struct audit_stats {
    std::uint64_t messages = 0;
    std::uint64_t requests = 0;
    std::uint64_t sources_tracked = 0;  // at the end
    std::uint64_t sources_evicted = 0;  // dropped because the table was full
    std::uint64_t sources_expired = 0;  // forgotten after a window of silence
    std::uint64_t findings_dropped = 0; // low/medium findings past the 100000 kept
};

// Feed every SIP message of a capture (sip_extractor's on_sip), then finish(). Memory is
// bounded by audit_rules' max_* fields, whatever the capture length: sources idle for a
// window are closed and forgotten, and the least recently active source goes when the table
// is full.
class auditor {
  public:
    explicit auditor(audit_rules rules = {});
    ~auditor();
    auditor(const auditor&) = delete;
    auditor& operator=(const auditor&) = delete;

    void on_sip(const sip_event& e);
    // Closes every open finding (end of input).
    void finish();
    // Every finding so far: closed ones and the open ones as they stand, worst first.
    [[nodiscard]] std::vector<finding> findings() const;
    // The exposure report; `configured` (a parameter file) adds the comparison lines.
    [[nodiscard]] exposure_report exposure(const params::param_file* configured = nullptr) const;
    [[nodiscard]] audit_stats stats() const;
    [[nodiscard]] const audit_rules& rules() const noexcept;

  private:
    struct impl;
    std::unique_ptr<impl> impl_;
};

// What a request's shape says about the tool that built it ("" when nothing): SIPVicious
// svmap/svwar/svcrack (From tag = hex of "<text>\x01<digits>", branch "z9hG4bK-<digits>",
// numeric Call-ID; svcrack's fixed first tag 3206210844), sippts (71-character branch without
// the magic cookie; 32-hex Call-ID with 8-hex tag and its fixed Allow list), Nmap's service
// probe (Call-ID 50000, tag root, branch foo). `password` receives a guess svcrack leaked.
struct fingerprint {
    std::string tool;
    double confidence = 0;
    std::string evidence;
    std::string password;
    bool leaked = false;
};
[[nodiscard]] fingerprint identify_tool(const sip::message& request);

// Block rules for `addresses`: "ipset" (add to set ssw-audit), "nft" (inet filter input
// drop), "iptables" (INPUT DROP), "plain" (one address per line). invalid_argument for an
// unknown format.
[[nodiscard]] result<std::string> block_rules(std::string_view format,
                                              const std::vector<pcap::ip_address>& addresses);

} // namespace ssw::trace
