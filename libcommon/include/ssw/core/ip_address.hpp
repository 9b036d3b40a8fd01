// SPDX-License-Identifier: MIT
// ssw::core::ip_address and ip_network: IPv4/IPv6 values and CIDR membership (trusted networks,
// ACLs).
#pragma once

#include <ssw/core/result.hpp>

#include <array>
#include <compare>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <string>
#include <string_view>

namespace ssw::core {

// An IPv4 or IPv6 address as 16 bytes (IPv4 in the last 4, family kept apart so an
// IPv4-mapped IPv6 address and its IPv4 form stay distinct, as they are on the wire).
class ip_address {
  public:
    enum class family : std::uint8_t { v4, v6 };

    ip_address() = default;
    static ip_address v4(std::uint32_t host_order);
    static ip_address v6(const std::array<std::uint8_t, 16>& bytes);

    // Parses "192.0.2.1", "2001:db8::1" or "[2001:db8::1]"; parse_error otherwise.
    static result<ip_address> parse(std::string_view text);

    [[nodiscard]] family kind() const noexcept { return family_; }
    [[nodiscard]] bool is_v4() const noexcept { return family_ == family::v4; }
    [[nodiscard]] const std::array<std::uint8_t, 16>& bytes() const noexcept { return bytes_; }
    // The canonical text form (RFC 5952 for IPv6), without brackets.
    [[nodiscard]] std::string to_string() const;

    friend auto operator<=>(const ip_address&, const ip_address&) = default;

  private:
    family family_ = family::v4;
    std::array<std::uint8_t, 16> bytes_{};
};

// A CIDR network: "10.0.0.0/8", "2001:db8::/32"; a bare address is a /32 or /128.
class ip_network {
  public:
    static result<ip_network> parse(std::string_view text);
    [[nodiscard]] bool contains(const ip_address& address) const noexcept;
    [[nodiscard]] std::string to_string() const;

  private:
    ip_address base_;
    unsigned prefix_bits_ = 0;
};

} // namespace ssw::core

template <> struct std::hash<ssw::core::ip_address> {
    std::size_t operator()(const ssw::core::ip_address& a) const noexcept
    {
        std::size_t h = static_cast<std::size_t>(a.kind());
        for (const auto b : a.bytes()) {
            h = h * 131 + b;
        }
        return h;
    }
};
