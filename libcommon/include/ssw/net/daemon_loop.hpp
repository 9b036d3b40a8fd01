// SPDX-License-Identifier: MIT
// ssw::net::daemon_loop: wires the sans-IO daemon engine to sockets, timers and signals with
// Boost.Asio (kept out of this header): UDP and TCP listeners on IPv4/IPv6, one timer at the
// engine's next deadline, SIGINT/SIGTERM for a graceful stop, SIGHUP for a reload.
#pragma once

#include <ssw/core/result.hpp>
#include <ssw/daemon/engine.hpp>
#include <ssw/provision/config.hpp>
#include <ssw/transform/engine.hpp>

#include <chrono>
#include <functional>
#include <memory>
#include <string>
#include <vector>

namespace ssw::net {

// What a SIGHUP reload produced.
struct reload_result {
    provision::config config;
    params::settings settings;
    std::shared_ptr<const transform::engine> rules;
};

struct loop_hooks {
    // SIGHUP: return the new configuration, parameters and rules, or an error to keep
    // running as is.
    std::function<result<reload_result>()> reload;
    daemon::log_function log;
    // The control socket `ssw-run status` reads (control_socket.hpp); empty: none.
    std::string control_socket;
    // Graceful stop: the longest wait for un-REGISTER answers before exiting anyway (the
    // engine's own grace timer normally ends it first; this is the loop's backstop).
    std::chrono::seconds stop_grace{5};
};

class daemon_loop {
  public:
    // Binds every listener of `listeners` (unavailable if one cannot be bound).
    static result<std::unique_ptr<daemon_loop>>
    create(daemon::engine& engine, const std::vector<provision::listener>& listeners,
           loop_hooks hooks);
    daemon_loop(const daemon_loop&) = delete;
    daemon_loop& operator=(const daemon_loop&) = delete;
    ~daemon_loop();

    // Runs until SIGINT or SIGTERM (or stop()); returns the signal number (0 for stop()).
    // On the signal the engine stops gracefully first (un-REGISTERs, bounded by stop_grace);
    // a second signal exits at once.
    int run();
    // Asks run() to return (thread-safe).
    void stop();
    // The ports actually bound, in listener order (useful when a listener asked for port 0).
    [[nodiscard]] std::vector<std::uint16_t> bound_ports() const;

  private:
    struct state;
    explicit daemon_loop(std::unique_ptr<state> s);
    std::unique_ptr<state> state_;
};

} // namespace ssw::net
