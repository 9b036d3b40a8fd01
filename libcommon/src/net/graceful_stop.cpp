// SPDX-License-Identifier: MIT
// The graceful stop of the daemon loop.
#include "net/graceful_stop_detail.hpp"

namespace ssw::net {

graceful_stop::graceful_stop(boost::asio::io_context& io, daemon::engine& engine,
                             std::vector<daemon::outgoing>& out, std::chrono::seconds grace,
                             daemon::log_function log)
    : io_(io), engine_(engine), out_(out), grace_(grace), log_(std::move(log)), guard_(io)
{
}

void graceful_stop::check_done()
{
    if (stopping_ && engine_.stop_complete()) {
        const auto waited = std::chrono::duration_cast<std::chrono::milliseconds>(
            std::chrono::steady_clock::now() - *started_);
        log_(daemon::log_level::info,
             "graceful stop complete after " + std::to_string(waited.count()) + " ms");
        io_.stop();
    }
}

bool graceful_stop::begin(const std::function<void()>& dispatch)
{
    if (stopping_) {
        log_(daemon::log_level::warning,
             "second stop signal: exiting without waiting for un-REGISTER answers");
        io_.stop();
        return false;
    }
    stopping_ = true;
    started_ = std::chrono::steady_clock::now();
    engine_.begin_stop(out_);
    dispatch(); // sends the un-REGISTERs; stops the loop at once when there are none
    if (io_.stopped()) {
        return false;
    }
    // Backstop: the engine ends the stop by its grace timer; this covers a stuck peer or clock.
    const auto grace = grace_ + std::chrono::seconds(2);
    log_(daemon::log_level::info,
         "waiting up to " + std::to_string(grace_.count()) +
             " s for the un-REGISTER answers (send the signal again to exit now)");
    guard_.expires_after(grace);
    guard_.async_wait([this](const boost::system::error_code& ec) {
        if (!ec) {
            log_(daemon::log_level::warning, "graceful stop: grace time over, exiting");
            io_.stop();
        }
    });
    return true;
}

} // namespace ssw::net
