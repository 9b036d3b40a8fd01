// SPDX-License-Identifier: MIT
// ssw::net control socket: the local Unix stream socket through which `ssw-run status` reads
// the running daemon. One request line per connection ("status" or "status json"), one
// answer, then the daemon closes. Served by daemon_loop; this is the client side.
#pragma once

#include <ssw/core/result.hpp>

#include <chrono>
#include <string>
#include <string_view>

namespace ssw::net {

// Where the control socket is when ssw.conf does not say (control-socket): in the working
// directory, like the databases.
inline constexpr const char* default_control_socket = "ssw-run.ctl";

// Sends `request` (a line) and returns the whole answer. unavailable when nobody listens
// (no daemon running there), io_error on a broken exchange or the timeout.
result<std::string> control_request(const std::string& path, std::string_view request,
                                    std::chrono::milliseconds timeout = std::chrono::seconds(5));

} // namespace ssw::net
