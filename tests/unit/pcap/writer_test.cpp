// SPDX-License-Identifier: MIT
// Tests for ssw::pcap::writer: round trip through the reader, precision, limits, tshark reads it.
#include "support/helpers.hpp"
#include "support/pcap_builder.hpp"
#include "support/temp_dir.hpp"
#include "support/tool_runner.hpp"

#include <ssw/core/atomic_file.hpp>
#include <ssw/pcap/writer.hpp>

#include <catch2/catch.hpp>

#include <cstdio>
#include <fcntl.h>
#include <filesystem>
#include <unistd.h>

using namespace ssw::pcap;
namespace pb = ssw::test::pcap_builder;

namespace {

pb::capture sample(link_type link)
{
    pb::capture c(link);
    const auto ip = pb::ipv4("10.0.0.1", "10.0.0.2", pb::proto_udp, pb::udp(5060, 5062, "hello"));
    c.add(link == link_type::ethernet ? pb::ethernet(ip) : ip, 1'700'000'000'000'000'123);
    c.add(link == link_type::ethernet ? pb::ethernet(ip) : ip, 1'700'000'001'000'000'456);
    return c;
}

} // namespace

TEST_CASE("pcap::writer: copies a capture frame by frame with its link type and precision",
          "[pcap][writer]")
{
    ssw::test::temp_dir dir;
    const auto precision = GENERATE(timestamp_precision::micro, timestamp_precision::nano);
    const auto link = GENERATE(link_type::ethernet, link_type::raw);
    pb::write_file((dir / "in.pcap").string(), sample(link).pcap(precision));
    auto in = reader::open(dir / "in.pcap");
    REQUIRE(in);
    auto out = writer::open(dir / "out.pcap", writer::options_like(*in));
    REQUIRE(out);
    for (;;) {
        auto p = in->next();
        REQUIRE(p);
        if (!*p) {
            break;
        }
        REQUIRE(out->write(**p));
    }
    REQUIRE(out->close());
    CHECK(out->frames_written() == 2);
    CHECK(ssw::core::read_file(dir / "out.pcap").value() ==
          ssw::core::read_file(dir / "in.pcap").value());
}

TEST_CASE("pcap::writer: rejects frames above the snapshot length and unwritable paths",
          "[pcap][writer]")
{
    ssw::test::temp_dir dir;
    auto w = writer::open(dir / "x.pcap", {link_type::ethernet, timestamp_precision::micro, 16});
    REQUIRE(w);
    const std::vector<std::uint8_t> big(17, 0);
    auto r = w->write(0, big, 17);
    REQUIRE_FALSE(r);
    CHECK(r.error().code == ssw::errc::invalid_argument);
    auto bad = writer::open(dir / "no" / "such" / "dir.pcap", {});
    REQUIRE_FALSE(bad);
    CHECK(bad.error().code == ssw::errc::cant_create);
}

TEST_CASE("pcap::writer: output opens in tshark", "[pcap][writer][interop]")
{
    const std::string tshark = ssw::test::require_program("tshark", "tshark");
    ssw::test::temp_dir dir;
    auto w = writer::open(dir / "t.pcap", {link_type::ethernet, timestamp_precision::nano, 262144});
    REQUIRE(w);
    const auto frame = pb::ethernet(pb::ipv4("10.0.0.1", "10.0.0.2", pb::proto_udp,
                                             pb::udp(5060, 5060, "OPTIONS sip:a SIP/2.0\r\n\r\n")));
    REQUIRE(w->write(1'700'000'000'000'000'001, frame, static_cast<std::uint32_t>(frame.size())));
    REQUIRE(w->write(1'700'000'000'500'000'000, frame, static_cast<std::uint32_t>(frame.size())));
    REQUIRE(w->close());
    const auto res = ssw::test::run_tool(tshark, {"-r", (dir / "t.pcap").string(), "-T", "fields",
                                                  "-e", "frame.time_epoch", "-e", "udp.dstport"});
    CHECK(res.exit_code == 0);
    CHECK(res.out == "1700000000.000000001\t5060\n1700000000.500000000\t5060\n");
}

TEST_CASE("pcap::writer: '-' writes the capture to stdout", "[pcap][writer]")
{
    ssw::test::temp_dir dir;
    const auto path = (dir / "stdout.pcap").string();
    std::fflush(stdout);
    const int saved = ::dup(STDOUT_FILENO);
    const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    REQUIRE(fd >= 0);
    ::dup2(fd, STDOUT_FILENO);
    ::close(fd);
    {
        auto w = writer::open("-", {link_type::raw, timestamp_precision::micro, 65535});
        REQUIRE(w);
        const auto frame = pb::ipv4("10.0.0.1", "10.0.0.2", 17, pb::udp(1, 2, "hi"));
        REQUIRE(
            w->write(1'700'000'000'000'000'000, frame, static_cast<std::uint32_t>(frame.size())));
        REQUIRE(w->close());
    }
    std::fflush(stdout);
    ::dup2(saved, STDOUT_FILENO);
    ::close(saved);
    auto r = reader::open(path);
    REQUIRE(r);
    CHECK(r->link() == link_type::raw);
    auto p = r->next();
    REQUIRE(p);
    REQUIRE(*p);
    CHECK((*p)->data.size() == 20 + 8 + 2);
}
