// SPDX-License-Identifier: MIT
// Private to net/: the DNS worker: one thread that resolves the names the engine asks for
// (RFC 3263 SRV, then A/AAAA, resolver.hpp) and posts each answer back to the loop as an
// event, so the loop never blocks on DNS.
#pragma once

#include <ssw/daemon/engine.hpp>

#include <boost/asio.hpp>

#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace ssw::net {

class dns_worker {
  public:
    // `out` is the loop's send list: answers are handed to the engine, which appends to it,
    // then `dispatch` sends.
    dns_worker(boost::asio::io_context& io, daemon::engine& engine,
               std::vector<daemon::outgoing>& out);
    dns_worker(const dns_worker&) = delete;
    dns_worker& operator=(const dns_worker&) = delete;
    ~dns_worker(); // joins the thread: no answer is posted into a loop that is gone

    // Takes the engine's new resolve requests (call after every dispatch).
    void take_requests(const std::function<void()>& dispatch);

  private:
    boost::asio::io_context& io_;
    daemon::engine& engine_;
    std::vector<daemon::outgoing>& out_;
    boost::asio::thread_pool pool_{1};
};

} // namespace ssw::net
