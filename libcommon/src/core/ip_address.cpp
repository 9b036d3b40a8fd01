// SPDX-License-Identifier: MIT
// IP address parsing/printing via inet_pton/inet_ntop, and CIDR matching.
#include <ssw/core/ip_address.hpp>
#include <ssw/core/text.hpp>

#include <arpa/inet.h>
#include <cstring>

namespace ssw::core {

ip_address ip_address::v4(std::uint32_t host_order)
{
    ip_address a;
    a.family_ = family::v4;
    a.bytes_[12] = static_cast<std::uint8_t>(host_order >> 24);
    a.bytes_[13] = static_cast<std::uint8_t>(host_order >> 16);
    a.bytes_[14] = static_cast<std::uint8_t>(host_order >> 8);
    a.bytes_[15] = static_cast<std::uint8_t>(host_order);
    return a;
}

ip_address ip_address::v6(const std::array<std::uint8_t, 16>& bytes)
{
    ip_address a;
    a.family_ = family::v6;
    a.bytes_ = bytes;
    return a;
}

result<ip_address> ip_address::parse(std::string_view text)
{
    if (text.size() >= 2 && text.front() == '[' && text.back() == ']') {
        text = text.substr(1, text.size() - 2);
    }
    if (text.empty() || text.size() > 45) {
        return unexpected(make_error(errc::parse_error, "expected an IPv4 or IPv6 address, got '" +
                                                            std::string(text) + "'"));
    }
    const std::string buf(text);
    ip_address a;
    in_addr v4{};
    if (::inet_pton(AF_INET, buf.c_str(), &v4) == 1) {
        a.family_ = family::v4;
        std::memcpy(a.bytes_.data() + 12, &v4, 4);
        return a;
    }
    in6_addr v6{};
    if (::inet_pton(AF_INET6, buf.c_str(), &v6) == 1) {
        a.family_ = family::v6;
        std::memcpy(a.bytes_.data(), &v6, 16);
        return a;
    }
    return unexpected(
        make_error(errc::parse_error, "expected an IPv4 or IPv6 address, got '" + buf + "'"));
}

std::string ip_address::to_string() const
{
    char buf[INET6_ADDRSTRLEN] = {};
    if (family_ == family::v4) {
        ::inet_ntop(AF_INET, bytes_.data() + 12, buf, sizeof buf);
    } else {
        ::inet_ntop(AF_INET6, bytes_.data(), buf, sizeof buf);
    }
    return buf;
}

result<ip_network> ip_network::parse(std::string_view text)
{
    const auto slash = text.find('/');
    SSW_TRY_ASSIGN(const ip_address base, ip_address::parse(trim(text.substr(0, slash))));
    const unsigned max_bits = base.is_v4() ? 32 : 128;
    unsigned bits = max_bits;
    if (slash != std::string_view::npos) {
        const auto parsed = parse_int(trim(text.substr(slash + 1)));
        if (!parsed || *parsed < 0 || *parsed > static_cast<std::int64_t>(max_bits)) {
            return unexpected(make_error(errc::parse_error,
                                         "expected a prefix length 0-" + std::to_string(max_bits) +
                                             " after '/' in '" + std::string(text) + "'"));
        }
        bits = static_cast<unsigned>(*parsed);
    }
    ip_network n;
    n.base_ = base;
    n.prefix_bits_ = bits;
    return n;
}

bool ip_network::contains(const ip_address& address) const noexcept
{
    if (address.kind() != base_.kind()) {
        return false;
    }
    const std::size_t first = base_.is_v4() ? 12 : 0;
    unsigned bits_left = prefix_bits_;
    for (std::size_t i = first; i < 16 && bits_left > 0; ++i) {
        const unsigned take = bits_left >= 8 ? 8 : bits_left;
        const auto mask = static_cast<std::uint8_t>(0xff00u >> take);
        if ((address.bytes()[i] & mask) != (base_.bytes()[i] & mask)) {
            return false;
        }
        bits_left -= take;
    }
    return true;
}

std::string ip_network::to_string() const
{
    return base_.to_string() + "/" + std::to_string(prefix_bits_);
}

} // namespace ssw::core
