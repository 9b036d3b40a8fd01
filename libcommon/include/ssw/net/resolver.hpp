// SPDX-License-Identifier: MIT
// ssw::net::resolve_sip_server: DNS for outbound registration (RFC 3263 §4): with no port
// written, SRV records _sip._udp (or _tcp) ordered by priority then weight, each target
// looked up for A/AAAA; otherwise (or without SRV records) A/AAAA of the name at the port.
// Blocking (getaddrinfo, res_nquery): the daemon loop runs it on a worker thread and feeds
// the result to the engine as an event.
#pragma once

#include <ssw/core/result.hpp>
#include <ssw/daemon/uplink_registrations.hpp>

#include <vector>

namespace ssw::net {

// not_found when the name has no usable address.
result<std::vector<daemon::resolved_target>>
resolve_sip_server(const daemon::resolve_request& request);

} // namespace ssw::net
