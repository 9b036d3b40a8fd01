// SPDX-License-Identifier: MIT
// Private to net/: the graceful stop of the daemon loop (SIGTERM, SIGINT): the engine sends its
// un-REGISTERs, the loop runs until their answers came (or the grace time ran out), a second
// signal exits at once.
#pragma once

#include <ssw/daemon/engine.hpp>

#include <boost/asio.hpp>

#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace ssw::net {

class graceful_stop {
  public:
    graceful_stop(boost::asio::io_context& io, daemon::engine& engine,
                  std::vector<daemon::outgoing>& out, std::chrono::seconds grace,
                  daemon::log_function log);

    // A stop signal. True: the stop is under way (un-REGISTERs out), wait for more signals;
    // false: the loop is stopping now.
    bool begin(const std::function<void()>& dispatch);
    // After every dispatch: ends the loop once the engine's stop is complete.
    void check_done();

  private:
    boost::asio::io_context& io_;
    daemon::engine& engine_;
    std::vector<daemon::outgoing>& out_;
    std::chrono::seconds grace_;
    daemon::log_function log_;
    boost::asio::steady_timer guard_;
    bool stopping_ = false;
    std::optional<std::chrono::steady_clock::time_point> started_;
};

} // namespace ssw::net
