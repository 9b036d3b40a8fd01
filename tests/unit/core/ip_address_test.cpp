// SPDX-License-Identifier: MIT
// Tests for IP address parsing and CIDR membership.
#include <ssw/core/ip_address.hpp>

#include <catch2/catch.hpp>

using ssw::core::ip_address;
using ssw::core::ip_network;

TEST_CASE("core::ip_address: parses and prints IPv4 and IPv6", "[core][ip_address]")
{
    CHECK(ip_address::parse("192.0.2.1")->to_string() == "192.0.2.1");
    CHECK(ip_address::parse("[2001:DB8:0:0::1]")->to_string() == "2001:db8::1");
    CHECK(ip_address::parse("::ffff:10.0.0.1")->kind() == ip_address::family::v6);
    CHECK_FALSE(ip_address::parse("300.1.1.1"));
    CHECK_FALSE(ip_address::parse(""));
    CHECK_FALSE(ip_address::parse("host.example"));
    CHECK(*ip_address::parse("10.0.0.1") == ip_address::v4(0x0a000001));
}

TEST_CASE("core::ip_network: CIDR membership", "[core][ip_address]")
{
    const auto lan = *ip_network::parse("10.1.0.0/16");
    CHECK(lan.contains(*ip_address::parse("10.1.200.3")));
    CHECK_FALSE(lan.contains(*ip_address::parse("10.2.0.1")));
    CHECK_FALSE(lan.contains(*ip_address::parse("::ffff:10.1.0.1")));
    const auto v6 = *ip_network::parse("2001:db8::/33");
    CHECK(v6.contains(*ip_address::parse("2001:db8:7fff::1")));
    CHECK_FALSE(v6.contains(*ip_address::parse("2001:db8:8000::1")));
    CHECK(ip_network::parse("192.0.2.7")->contains(*ip_address::parse("192.0.2.7")));
    CHECK(ip_network::parse("0.0.0.0/0")->contains(*ip_address::parse("8.8.8.8")));
    CHECK_FALSE(ip_network::parse("10.0.0.0/33"));
    CHECK_FALSE(ip_network::parse("10.0.0.0/x"));
}
