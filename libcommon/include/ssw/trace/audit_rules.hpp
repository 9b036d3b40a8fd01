// SPDX-License-Identifier: MIT
// ssw::trace audit rules: the thresholds and lists of `ssw-trace audit`, as data with defaults
// taken from practice, and the `--rules FILE` format that overrides them.
#pragma once

#include <ssw/core/result.hpp>
#include <ssw/pcap/frame_decoder.hpp>

#include <cstdint>
#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

namespace ssw::trace {

// How bad a finding is; ordered so that `>=` compares.
enum class severity : std::uint8_t { info, low, medium, high, critical };

// "info", "low", "medium", "high", "critical".
[[nodiscard]] std::string_view to_string(severity s) noexcept;
// Case-insensitive inverse of to_string; invalid_argument naming the accepted words.
[[nodiscard]] result<severity> parse_severity(std::string_view text);

// The User-Agent substrings of known SIP scanners (matched case-insensitively): the tools
// whose names show up in honeypot and fail2ban logs. Extend with `scanner_user_agent = X`.
[[nodiscard]] const std::vector<std::string>& default_scanner_user_agents();

// Every threshold of the detectors. Times are nanoseconds of capture time.
struct audit_rules {
    // Scanner User-Agent substrings (lower-cased when loaded).
    std::vector<std::string> scanner_user_agents = default_scanner_user_agents();

    // The window of the counting detectors (enumeration, brute force, sweeps): fail2ban's
    // default `findtime = 10m`, which its asterisk jail inherits. A source idle this long
    // is forgotten (its open findings are closed first).
    std::int64_t window_ns = 600'000'000'000;

    // Digest brute force: failed authenticated attempts for one account from one source in
    // the window. fail2ban's default `maxretry = 5`.
    unsigned brute_force_failures = 5;
    // A 2xx to an authenticated request after at least this many failures for the same
    // account from the same source makes the account "compromised". As many as a brute
    // force needs: a person mistyping a password three times and then getting it right
    // (zeek's wireshark.pcap sample does exactly that) is not an attack.
    unsigned compromised_after_failures = 5;

    // Extension enumeration: distinct To/Request-URI users that one source probed without
    // ever authenticating, in the window. Modelled on Elastic's threshold rules (group by
    // source.ip, cardinality of a field in one rule interval); the number is ours.
    unsigned enumeration_users = 10;

    // OPTIONS sweep: distinct destinations (address:port) probed by one source in the
    // window, or this many OPTIONS from one source in one flood window.
    unsigned sweep_targets = 10;
    unsigned sweep_options = 30;

    // Flood: more than `flood_requests` requests from one address within `flood_window_ns`:
    // Kamailio pike's defaults (sampling_time_unit = 2 s, reqs_density_per_unit = 30).
    std::int64_t flood_window_ns = 2'000'000'000;
    unsigned flood_requests = 30;

    // Toll-fraud INVITE probes: dialled numbers starting with these prefixes (after an
    // optional '+'). "+" itself means any number written with a leading plus.
    std::vector<std::string> international_prefixes{"+", "00", "011"};
    std::vector<std::string> premium_prefixes{"900", "0900", "1900", "190", "0906", "0909"};
    // The same number tried with this many different prefixes is "prefix walking".
    unsigned toll_prefix_variants = 3;
    // Trailing digits that identify "the same number" across prefixes.
    unsigned toll_number_digits = 8;

    // Configured peers (trunks, gateways): never flagged and left out of the exposure table.
    std::vector<pcap::ip_address> peers;

    // Memory bounds: sources tracked at once (the least recently active go first), users,
    // accounts and targets per source, pending transactions, evidence frames per finding.
    std::size_t max_sources = 65536;
    std::size_t max_items_per_source = 4096;
    std::size_t max_pending = 65536;
    std::size_t max_evidence_frames = 16;
};

// Parses a rules file: `key = value` lines, '#' comments, blank lines. Keys are the field
// names above (times in seconds: `window`, `flood_window`); list keys (`scanner_user_agent`,
// `international_prefix`, `premium_prefix`, `peer`) append one item per line, and
// `clear = LIST-KEY` empties a list first. Unknown keys and bad values are errors with
// where = "source:line".
[[nodiscard]] result<audit_rules>
parse_audit_rules(std::string_view text, const std::string& source, audit_rules base = {});

// Reads and parses a rules file (not_found / io_error / limit_exceeded above 1 MiB).
[[nodiscard]] result<audit_rules> load_audit_rules(const std::filesystem::path& path,
                                                   audit_rules base = {});

} // namespace ssw::trace
