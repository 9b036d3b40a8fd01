// SPDX-License-Identifier: MIT
// The DNS worker thread of the daemon loop.
#include "net/dns_worker_detail.hpp"

#include <ssw/daemon/uplink_registrations.hpp>
#include <ssw/net/resolver.hpp>

namespace ssw::net {

namespace asio = boost::asio;

dns_worker::dns_worker(asio::io_context& io, daemon::engine& engine,
                       std::vector<daemon::outgoing>& out)
    : io_(io), engine_(engine), out_(out)
{
}

dns_worker::~dns_worker()
{
    pool_.join();
}

void dns_worker::take_requests(const std::function<void()>& dispatch)
{
    for (auto& request : engine_.take_resolve_requests()) {
        asio::post(pool_, [this, request, dispatch] {
            auto found = resolve_sip_server(request);
            asio::post(io_, [this, request, dispatch, found = std::move(found)]() mutable {
                if (found) {
                    engine_.on_resolved(request.gateway, std::move(*found), {}, out_);
                } else {
                    engine_.on_resolved(request.gateway, {}, found.error().message, out_);
                }
                dispatch();
            });
        });
    }
}

} // namespace ssw::net
