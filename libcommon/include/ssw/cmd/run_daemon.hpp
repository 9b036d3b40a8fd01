// SPDX-License-Identifier: MIT
// ssw::cmd::run_daemon: the behaviour of ssw-run (see ssw-run(8)).
#pragma once

#include <ssw/cli/exit_code.hpp>
#include <ssw/cli/io.hpp>
#include <ssw/core/result.hpp>

#include <string>
#include <vector>

namespace ssw::cmd::run_daemon {

struct options {
    bool demo = false;       // built-in demo configuration (no files needed)
    std::string config_path; // provisioning file, ssw.conf(5)
    std::string params_path; // parameter file; else $SSW_PARAMS, else /etc/ssw/params.conf
    std::vector<std::string> param_overrides; // NAME=VALUE, applied over the file
    std::vector<std::string> listen;          // udp:ADDR:PORT / tcp:ADDR:PORT, replacing the file's
    std::vector<std::string> debug_trace;     // networks whose SIP messages are logged in full
    std::string log_level = "info";           // error, warning, info, debug
    bool check_only = false;                  // validate the configuration and exit
    std::string control_socket;               // overrides ssw.conf control-socket ("off": none)
    bool keepalive_spread = false;            // force ssw.conf keepalive-spread on
};

extern const char* const examples;

// Loads and validates everything (config_error / not_found with file:line on failure), then
// serves until SIGINT or SIGTERM. Exit 0 after a graceful stop, 69 when a listener cannot be
// bound, 78 on an invalid configuration.
result<cli::exit_code> run(const options& opt, cli::io& io);

} // namespace ssw::cmd::run_daemon
