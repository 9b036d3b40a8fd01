// SPDX-License-Identifier: MIT
// ssw::net::media_sockets: the UDP sockets of the media relay. One non-blocking socket per
// port the relay holds (opened and closed as the relay allocates and releases), datagrams
// read in batches with recvmmsg, passed through media::relay::on_datagram in place, and sent
// with sendmmsg. Buffers are allocated once: nothing is allocated per packet.
#pragma once

#include <ssw/core/ip_address.hpp>
#include <ssw/media/relay.hpp>

#include <cstdint>
#include <functional>
#include <memory>
#include <string_view>

namespace boost::asio {
class io_context;
}

namespace ssw::net {

struct media_socket_stats {
    std::uint64_t batches = 0;  // recvmmsg calls that returned datagrams
    std::uint64_t received = 0; // datagrams read
    std::uint64_t sent = 0;     // datagrams handed to sendmmsg
    std::uint64_t send_errors = 0;
    std::uint64_t truncated = 0;     // larger than the buffer: dropped
    std::uint64_t bind_failures = 0; // ports of the range another program holds
    std::uint64_t open_sockets = 0;
};

class media_sockets {
  public:
    using batch_hook = std::function<void()>;
    using log_hook = std::function<void(std::string_view)>;
    // Sockets bind to `address`; `after_batch` runs after a batch that raised relay events
    // (the daemon passes them to the calls). `relay` and `io` must outlive this object.
    media_sockets(boost::asio::io_context& io, media::relay& relay, core::ip_address address,
                  batch_hook after_batch = {}, log_hook log = {});
    media_sockets(const media_sockets&) = delete;
    media_sockets& operator=(const media_sockets&) = delete;
    ~media_sockets();

    // Opens and closes sockets as the relay's port changes say. Call after anything that may
    // have allocated or released ports (the daemon does it after every engine call).
    void sync();
    // Closes every socket (shutdown).
    void close_all();

    [[nodiscard]] const media_socket_stats& stats() const noexcept;

    struct state;

  private:
    std::shared_ptr<state> state_;
};

} // namespace ssw::net
