// SPDX-License-Identifier: MIT
// Transport names and peer formatting.
#include <ssw/sip/transport.hpp>

namespace ssw::sip {

std::string_view to_string(transport_kind t) noexcept
{
    return t == transport_kind::udp ? "udp" : "tcp";
}

std::string peer::to_string() const
{
    const std::string host =
        address.is_v4() ? address.to_string() : "[" + address.to_string() + "]";
    return std::string(sip::to_string(transport)) + " " + host + ":" + std::to_string(port);
}

} // namespace ssw::sip
