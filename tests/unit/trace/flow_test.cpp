// SPDX-License-Identifier: MIT
// Unit tests of the ladder diagram (text and HTML).
#include <ssw/trace/flow.hpp>

#include <catch2/catch.hpp>

namespace {

ssw::trace::sip_record rec(const char* src, const char* dst, const char* method, int status,
                           std::int64_t t)
{
    ssw::trace::sip_record r;
    r.src.address = *ssw::pcap::parse_ip_address(src);
    r.src.port = 5060;
    r.dst.address = *ssw::pcap::parse_ip_address(dst);
    r.dst.port = 5060;
    r.is_request = status == 0;
    r.method = method;
    r.status = status;
    r.reason = status ? "OK" : "";
    r.timestamp_ns = t;
    r.frames = {1};
    return r;
}

} // namespace

TEST_CASE("trace::format_flow: one column per host and one arrow per message", "[trace][flow]")
{
    const std::vector<ssw::trace::sip_record> rs = {
        rec("192.0.2.1", "192.0.2.2", "INVITE", 0, 1'767'225'600'000'000'000),
        rec("192.0.2.2", "192.0.2.1", "", 200, 1'767'225'600'250'000'000),
    };
    const std::string text = ssw::trace::format_flow(rs);
    CHECK(text == std::string(23, ' ') + "192.0.2.1:5060            192.0.2.2:5060\n" +
                      std::string(30, ' ') +
                      "|                         |\n"
                      "00:00:00.000000               |-------- INVITE -------->|\n"
                      "00:00:00.250000               |<------- 200 OK ---------|\n" +
                      std::string(30, ' ') + "|                         |\n");
}

TEST_CASE("trace::format_flow_html: a standalone page with escaped text", "[trace][flow]")
{
    const std::vector<ssw::trace::sip_record> rs = {rec("192.0.2.1", "192.0.2.2", "INVITE", 0, 0)};
    const std::string page = ssw::trace::format_flow_html(rs, "a<b>&c");
    CHECK(page.starts_with("<!DOCTYPE html>"));
    CHECK(page.find("SIP flow of a&lt;b&gt;&amp;c") != std::string::npos);
    CHECK(page.find("INVITE ---") != std::string::npos);
    CHECK(page.find("<script") == std::string::npos);
    CHECK(page.find("http") == std::string::npos); // no external resources
}
