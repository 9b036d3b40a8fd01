// SPDX-License-Identifier: MIT
// Unit tests of ssw::trace::message_filter and the time and status syntaxes.
#include <ssw/trace/filter.hpp>

#include <catch2/catch.hpp>

TEST_CASE("trace::parse_time: epoch seconds and UTC dates", "[trace][filter]")
{
    CHECK(*ssw::trace::parse_time("1767225600") == 1'767'225'600'000'000'000);
    CHECK(*ssw::trace::parse_time("1767225600.5") == 1'767'225'600'500'000'000);
    CHECK(*ssw::trace::parse_time("2026-01-01 00:00") == 1'767'225'600'000'000'000);
    CHECK(*ssw::trace::parse_time("2026-01-01T00:00:01.25Z") == 1'767'225'601'250'000'000);
    CHECK_FALSE(ssw::trace::parse_time("yesterday"));
    CHECK_FALSE(ssw::trace::parse_time("2026-13-01 00:00"));
    CHECK_FALSE(ssw::trace::parse_time(""));
}

TEST_CASE("trace::parse_status_filter: codes and classes", "[trace][filter]")
{
    CHECK(*ssw::trace::parse_status_filter("486") == 486);
    CHECK(*ssw::trace::parse_status_filter("4xx") == 4);
    CHECK_FALSE(ssw::trace::parse_status_filter("99"));
    CHECK_FALSE(ssw::trace::parse_status_filter("7xx"));
}

TEST_CASE("trace::message_filter: criteria combine with and, values with or", "[trace][filter]")
{
    ssw::trace::sip_record r;
    r.src.address = *ssw::pcap::parse_ip_address("192.0.2.1");
    r.src.port = 5060;
    r.dst.address = *ssw::pcap::parse_ip_address("192.0.2.2");
    r.dst.port = 5070;
    r.is_request = false;
    r.status = 486;
    r.cseq_method = "INVITE";
    r.call_id = "c1";
    r.from_user = "alice";
    r.to_user = "bob";
    r.timestamp_ns = 100;
    ssw::trace::message_filter f;
    CHECK(f.empty());
    CHECK(f.matches(r));
    f.hosts.push_back(*ssw::pcap::parse_ip_address("192.0.2.2"));
    CHECK(f.matches(r));
    f.methods = {"INVITE"};
    f.statuses = {4};
    CHECK(f.matches(r));
    f.users = {"carol", "bob"};
    CHECK(f.matches(r));
    f.ports = {5061};
    CHECK_FALSE(f.matches(r));
    f.ports = {5070};
    f.since_ns = 101;
    CHECK_FALSE(f.matches(r));
    f.since_ns = 100;
    f.until_ns = 100;
    CHECK(f.matches(r));
    f.call_ids = {"other"};
    CHECK_FALSE(f.matches(r));
}
