// SPDX-License-Identifier: MIT
// Tests for ssw::pcap::looks_like_sip.
#include <ssw/pcap/sip_sniff.hpp>

#include <catch2/catch.hpp>

using ssw::pcap::looks_like_sip;

TEST_CASE("pcap::looks_like_sip: accepts request and status lines", "[pcap][sip_sniff]")
{
    CHECK(looks_like_sip(std::string_view("INVITE sip:bob@example.com SIP/2.0\r\nVia: x\r\n\r\n")));
    CHECK(looks_like_sip(std::string_view("REGISTER sips:example.com SIP/2.0\r\n")));
    CHECK(looks_like_sip(std::string_view("NEWMETHOD tel:+4930123 SIP/2.0\r\n")));
    CHECK(looks_like_sip(std::string_view("SIP/2.0 200 OK\r\n")));
    CHECK(looks_like_sip(std::string_view("SIP/2.0 180 \r\n")));
    CHECK(looks_like_sip(std::string_view("\r\n\r\nOPTIONS sip:a SIP/2.0\r\n")));
    CHECK(looks_like_sip(std::string_view("OPTIONS sip:a SIP/2.0"))); // cut by the segment end
}

TEST_CASE("pcap::looks_like_sip: rejects keep-alives, HTTP, junk and partial lines",
          "[pcap][sip_sniff]")
{
    CHECK_FALSE(looks_like_sip(std::string_view("")));
    CHECK_FALSE(looks_like_sip(std::string_view("\r\n\r\n")));
    CHECK_FALSE(looks_like_sip(std::string_view("HELLO")));
    CHECK_FALSE(looks_like_sip(std::string_view("GET / HTTP/1.1\r\n")));
    CHECK_FALSE(looks_like_sip(std::string_view("SIP/2.0 20 OK\r\n")));
    CHECK_FALSE(looks_like_sip(std::string_view("INVITE  SIP/2.0\r\n")));
    CHECK_FALSE(looks_like_sip(std::string_view("INVITE sip:a SIP/2.1\r\n")));
    CHECK_FALSE(looks_like_sip(std::string_view("Via: SIP/2.0/UDP host\r\n")));
    CHECK_FALSE(looks_like_sip(std::string(2000, 'A')));
}
