// SPDX-License-Identifier: MIT
// Control socket client (the server side lives in daemon_loop.cpp).
#include <ssw/net/control_socket.hpp>

#include <boost/asio.hpp>

namespace ssw::net {

namespace asio = boost::asio;
using local = asio::local::stream_protocol;

result<std::string> control_request(const std::string& path, std::string_view request,
                                    std::chrono::milliseconds timeout)
{
    asio::io_context io;
    local::socket socket(io);
    boost::system::error_code ec;
    socket.connect(local::endpoint(path), ec);
    if (ec) {
        return unexpected(
            make_error(errc::unavailable,
                       "no ssw-run answers on " + path + " (" + ec.message() +
                           "): is it running, with this working directory or control-socket?"));
    }
    std::string line(request);
    line += '\n';
    std::string answer;
    std::array<char, 4096> buffer{};
    bool failed = false;
    std::string why;
    asio::async_write(socket, asio::buffer(line),
                      [&](const boost::system::error_code& wec, std::size_t) {
                          if (wec) {
                              failed = true;
                              why = wec.message();
                          }
                      });
    std::function<void()> read_more = [&] {
        socket.async_read_some(asio::buffer(buffer),
                               [&](const boost::system::error_code& rec, std::size_t n) {
                                   answer.append(buffer.data(), n);
                                   if (rec) {
                                       if (rec != asio::error::eof) {
                                           failed = true;
                                           why = rec.message();
                                       }
                                       return;
                                   }
                                   read_more();
                               });
    };
    read_more();
    io.run_for(timeout);
    if (!io.stopped()) {
        return unexpected(make_error(errc::io_error, "no complete answer from " + path +
                                                         " within " +
                                                         std::to_string(timeout.count()) + " ms"));
    }
    if (failed) {
        return unexpected(make_error(errc::io_error, "control socket " + path + ": " + why));
    }
    return answer;
}

} // namespace ssw::net
