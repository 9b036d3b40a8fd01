// SPDX-License-Identifier: MIT
// ssw-trace: list, summarise and cut SIP traffic in captures (the behaviour behind
// tools/ssw-trace).
#pragma once

#include <ssw/cli/exit_code.hpp>
#include <ssw/cli/io.hpp>
#include <ssw/core/result.hpp>

#include <string>
#include <vector>

namespace ssw::cmd::trace {

// The subcommands of ssw-trace.
enum class command { none, list, calls, registrations, flow, stats, filter, keepalives, audit };

// Everything main.cpp's CLI11 declarations fill in.
struct options {
    command cmd = command::none;
    std::vector<std::string> files; // captures; empty or "-" = stdin
    // Message filters (see trace::message_filter); values are checked by run().
    std::vector<std::string> hosts;    // --host IP
    std::vector<std::string> ports;    // --port N
    std::vector<std::string> methods;  // --method NAME
    std::vector<std::string> statuses; // --status CODE|Nxx
    std::vector<std::string> call_ids; // --call-id ID
    std::vector<std::string> users;    // --user NAME
    std::string since;                 // --since TIME
    std::string until;                 // --until TIME
    std::string call_id;               // flow CALL-ID
    std::string html;                  // flow --html FILE
    std::string write;                 // filter -w OUT.pcap ("-" = stdout)
    // audit
    std::string rules;   // --rules FILE (trace::parse_audit_rules)
    std::string params;  // --params FILE (a parameter file to compare with)
    std::string fail_on; // --fail-on SEVERITY: exit 1 when a finding reaches it
    std::string emit;    // --emit ipset|nft|iptables|plain: block rules instead of the report
    std::vector<std::string> peers; // --peer IP: configured peers, never flagged
    std::string interface;          // -i IFACE: live capture instead of files
    std::string bpf;                // --filter BPF for the live capture
    int interval = 60;              // --interval N: live report period, seconds
    int duration = 0; // --duration N: stop the live capture after N s (0 = at SIGINT/SIGTERM)
};

// The --help footer: examples.
extern const char* const examples;

// Runs one subcommand over the captures. Exit codes (cli::exit_code): 0 ok; 1 flow found no
// message with that Call-ID; 2 usage (bad filter value); 65 a capture is truncated or corrupt
// (everything before the damage is still printed, then "FILE: frame N: ..." on stderr);
// 66 a capture is missing or unreadable; 73 the output file cannot be created; 74 write failed.
// audit: 1 when --fail-on is given and a finding reaches that severity; 2 bad option value;
// 69 the live interface cannot be opened; 78 a bad --rules or --params file.
[[nodiscard]] result<cli::exit_code> run(const options& opt, cli::io& io);

} // namespace ssw::cmd::trace
