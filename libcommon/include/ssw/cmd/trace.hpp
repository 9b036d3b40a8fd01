// SPDX-License-Identifier: MIT
// ssw-trace: list, summarise and cut SIP traffic in captures (the behaviour behind tools/ssw-trace).
#pragma once

#include <ssw/cli/exit_code.hpp>
#include <ssw/cli/io.hpp>
#include <ssw/core/result.hpp>

#include <string>
#include <vector>

namespace ssw::cmd::trace {

// The subcommands of ssw-trace.
enum class command { none, list, calls, registrations, flow, stats, filter, keepalives };

// Everything main.cpp's CLI11 declarations fill in.
struct options {
    command cmd = command::none;
    std::vector<std::string> files;    // captures; empty or "-" = stdin
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
};

// The --help footer: examples.
extern const char* const examples;

// Runs one subcommand over the captures. Exit codes (cli::exit_code): 0 ok; 1 flow found no
// message with that Call-ID; 2 usage (bad filter value); 65 a capture is truncated or corrupt
// (everything before the damage is still printed, then "FILE: frame N: ..." on stderr);
// 66 a capture is missing or unreadable; 73 the output file cannot be created; 74 write failed.
[[nodiscard]] result<cli::exit_code> run(const options& opt, cli::io& io);

} // namespace ssw::cmd::trace
