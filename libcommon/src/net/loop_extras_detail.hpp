// SPDX-License-Identifier: MIT
// Private to net/: the parts of the daemon loop added with outbound registration, kept out of
// daemon_loop.cpp so that file only gains a few hooks: the control socket server (ssw-run
// status), the DNS worker thread (resolver.hpp results fed back to the engine as events), and
// the graceful stop that waits for the un-REGISTER answers.
#pragma once

#include <ssw/daemon/engine.hpp>
#include <ssw/net/daemon_loop.hpp>

#include <boost/asio.hpp>

#include <functional>
#include <memory>
#include <optional>
#include <string>

namespace ssw::net {

class loop_extras {
  public:
    // `out` is the loop's send list: events handled here append to it, then call dispatch.
    loop_extras(boost::asio::io_context& io, daemon::engine& engine, const loop_hooks& hooks,
                std::vector<daemon::outgoing>& out);
    loop_extras(const loop_extras&) = delete;
    loop_extras& operator=(const loop_extras&) = delete;
    ~loop_extras();

    // Binds the control socket (a warning, not a failure, when it cannot).
    void open_control_socket();
    // After every dispatch: hand new names to the DNS worker; end the loop when a graceful
    // stop has finished. `dispatch` sends what an event produced.
    void after_dispatch(const std::function<void()>& dispatch);
    // SIGINT/SIGTERM. True: the stop is under way (un-REGISTERs out), wait for more signals;
    // false: the loop is stopping now.
    bool begin_stop(const std::function<void()>& dispatch);

  private:
    void accept();
    void log(daemon::log_level level, const std::string& text) const;

    boost::asio::io_context& io_;
    daemon::engine& engine_;
    const loop_hooks& hooks_;
    std::vector<daemon::outgoing>& out_;
    std::unique_ptr<boost::asio::local::stream_protocol::acceptor> control_;
    std::string control_path_;
    boost::asio::steady_timer stop_guard_;
    bool stopping_ = false;
    std::optional<std::chrono::steady_clock::time_point> stop_started_;
    // Last member: destroyed (joined) first, so no worker posts into a dead loop.
    boost::asio::thread_pool dns_{1};
};

} // namespace ssw::net
