// SPDX-License-Identifier: MIT
// ssw::cmd::run_daemon::status: `ssw-run status` reads a running daemon over its control
// socket (registration state per gateway, NAT keep-alive and engine counters, calls).
#pragma once

#include <ssw/cli/exit_code.hpp>
#include <ssw/cli/io.hpp>
#include <ssw/core/result.hpp>

#include <string>

namespace ssw::cmd::run_daemon {

struct status_options {
    std::string control_socket; // the socket; else ssw.conf's control-socket; else ./ssw-run.ctl
    std::string config_path;    // ssw.conf to read control-socket from
    bool json = false;          // one JSON object instead of text
};

extern const char* const status_examples;

// Exit 0 with the status on stdout; 69 (unavailable) when no daemon answers.
result<cli::exit_code> status(const status_options& opt, cli::io& io);

} // namespace ssw::cmd::run_daemon
