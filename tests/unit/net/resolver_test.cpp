// SPDX-License-Identifier: MIT
// RFC 3263 look-ups without a DNS server: literals pass through, names with a port written go
// to A/AAAA only (here "localhost" from /etc/hosts, so the test needs no network).
#include <ssw/net/resolver.hpp>

#include <catch2/catch.hpp>

using namespace ssw;

TEST_CASE("net::resolve_sip_server: a literal address is its own answer", "[net][resolver]")
{
    const auto r =
        net::resolve_sip_server({"carrier", "192.0.2.7", 5080, true, sip::transport_kind::udp});
    REQUIRE(r);
    REQUIRE(r->size() == 1);
    CHECK((*r)[0].address == *core::ip_address::parse("192.0.2.7"));
    CHECK((*r)[0].port == 5080);
    const auto v6 =
        net::resolve_sip_server({"carrier", "2001:db8::1", 5060, true, sip::transport_kind::udp});
    REQUIRE(v6);
    CHECK((*v6)[0].address == *core::ip_address::parse("2001:db8::1"));
}

TEST_CASE(
    "net::resolve_sip_server: a name with a port written is looked up for A/AAAA at that port",
    "[net][resolver]")
{
    const auto r =
        net::resolve_sip_server({"carrier", "localhost", 5099, false, sip::transport_kind::udp});
    REQUIRE(r);
    REQUIRE_FALSE(r->empty());
    for (const auto& t : *r) {
        CHECK(t.port == 5099);
        CHECK((t.address == *core::ip_address::parse("127.0.0.1") ||
               t.address == *core::ip_address::parse("::1")));
    }
}
