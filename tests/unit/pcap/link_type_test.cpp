// SPDX-License-Identifier: MIT
// Tests for ssw::pcap::link_type names and the supported set.
#include <ssw/pcap/link_type.hpp>

#include <catch2/catch.hpp>

using namespace ssw::pcap;

TEST_CASE("pcap::link_type: names the supported types and numbers the others", "[pcap][link_type]")
{
    CHECK(to_string(link_type::ethernet) == "ethernet");
    CHECK(to_string(link_type::linux_sll2) == "linux_sll2");
    CHECK(to_string(link_type::raw) == "raw");
    CHECK(to_string(static_cast<link_type>(147)) == "linktype 147");
    for (const auto t :
         {link_type::null, link_type::ethernet, link_type::raw, link_type::loop,
          link_type::linux_sll, link_type::ipv4, link_type::ipv6, link_type::linux_sll2}) {
        CHECK(is_supported(t));
    }
    CHECK_FALSE(is_supported(static_cast<link_type>(105))); // 802.11
}
