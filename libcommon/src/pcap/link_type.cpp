// SPDX-License-Identifier: MIT
// Names of the capture link types.
#include <ssw/pcap/link_type.hpp>

namespace ssw::pcap {

std::string to_string(link_type type)
{
    switch (type) {
    case link_type::null: return "null";
    case link_type::ethernet: return "ethernet";
    case link_type::raw: return "raw";
    case link_type::loop: return "loop";
    case link_type::linux_sll: return "linux_sll";
    case link_type::ipv4: return "ipv4";
    case link_type::ipv6: return "ipv6";
    case link_type::linux_sll2: return "linux_sll2";
    }
    return "linktype " + std::to_string(static_cast<std::uint32_t>(type));
}

bool is_supported(link_type type) noexcept
{
    switch (type) {
    case link_type::null:
    case link_type::ethernet:
    case link_type::raw:
    case link_type::loop:
    case link_type::linux_sll:
    case link_type::ipv4:
    case link_type::ipv6:
    case link_type::linux_sll2: return true;
    }
    return false;
}

} // namespace ssw::pcap
