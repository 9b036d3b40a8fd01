// SPDX-License-Identifier: MIT
// Private to net/: the control socket server of `ssw-run status`: a Unix-domain socket that
// answers "status" and "status json" with the engine's status, one request per connection.
#pragma once

#include <ssw/daemon/engine.hpp>

#include <boost/asio.hpp>

#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace ssw::net {

class control_server {
  public:
    control_server(boost::asio::io_context& io, daemon::engine& engine, daemon::log_function log);
    control_server(const control_server&) = delete;
    control_server& operator=(const control_server&) = delete;
    ~control_server(); // closes the socket and removes its file

    // Binds `path` (empty: no control socket); a warning, not a failure, when it cannot.
    void open(const std::string& path);

  private:
    void accept();

    boost::asio::io_context& io_;
    daemon::engine& engine_;
    daemon::log_function log_;
    std::unique_ptr<boost::asio::local::stream_protocol::acceptor> acceptor_;
    std::string path_;
};

} // namespace ssw::net
