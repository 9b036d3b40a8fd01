// SPDX-License-Identifier: MIT
// Tests for ssw::pcap::reader: pcap (micro/nano), pcapng, stdin, truncated and bad files.
#include "support/pcap_builder.hpp"
#include "support/temp_dir.hpp"
#include "support/tool_runner.hpp"

#include <ssw/pcap/reader.hpp>

#include <catch2/catch.hpp>

#include <cstdio>
#include <fcntl.h>
#include <unistd.h>

using namespace ssw::pcap;
namespace pb = ssw::test::pcap_builder;

namespace {

pb::capture three_frames()
{
    pb::capture c(link_type::ethernet);
    for (int i = 0; i < 3; ++i) {
        c.add(pb::ethernet(pb::ipv4("192.0.2.1", "192.0.2.2", pb::proto_udp,
                                    pb::udp(5060, 5060, "OPTIONS sip:x SIP/2.0\r\n\r\n"))),
              1'700'000'000'123'456'789 + i * 1'000'000'000LL);
    }
    return c;
}

std::vector<packet> read_all(reader& r, std::vector<std::vector<std::uint8_t>>* copies = nullptr)
{
    std::vector<packet> out;
    for (;;) {
        auto p = r.next();
        REQUIRE(p);
        if (!*p) {
            break;
        }
        if (copies != nullptr) {
            copies->emplace_back((*p)->data.begin(), (*p)->data.end());
        }
        out.push_back(**p);
    }
    return out;
}

} // namespace

TEST_CASE("pcap::reader: reads microsecond pcap frames with numbers, times and lengths",
          "[pcap][reader]")
{
    ssw::test::temp_dir dir;
    const auto path = (dir / "a.pcap").string();
    pb::write_file(path, three_frames().pcap());
    auto r = reader::open(path);
    REQUIRE(r);
    CHECK(r->link() == link_type::ethernet);
    CHECK(r->precision() == timestamp_precision::micro);
    CHECK_FALSE(r->is_pcapng());
    const auto packets = read_all(*r);
    REQUIRE(packets.size() == 3);
    CHECK(packets[0].frame_number == 1);
    CHECK(packets[2].frame_number == 3);
    CHECK(packets[0].timestamp_ns == 1'700'000'000'123'456'000);
    CHECK(packets[1].original_length == packets[1].data.size());
    CHECK(r->frames_read() == 3);
    CHECK(r->bytes_read() == r->file_size());
}

TEST_CASE("pcap::reader: keeps nanosecond timestamps of nanosecond pcap and pcapng files",
          "[pcap][reader]")
{
    ssw::test::temp_dir dir;
    const auto c = three_frames();
    SECTION("pcap")
    {
        pb::write_file((dir / "n.pcap").string(), c.pcap(timestamp_precision::nano));
        auto r = reader::open(dir / "n.pcap");
        REQUIRE(r);
        CHECK(r->precision() == timestamp_precision::nano);
        const auto packets = read_all(*r);
        REQUIRE(packets.size() == 3);
        CHECK(packets[0].timestamp_ns == 1'700'000'000'123'456'789);
    }
    SECTION("pcapng")
    {
        pb::write_file((dir / "n.pcapng").string(), c.pcapng(timestamp_precision::nano));
        auto r = reader::open(dir / "n.pcapng");
        REQUIRE(r);
        CHECK(r->is_pcapng());
        CHECK(r->precision() == timestamp_precision::nano);
        const auto packets = read_all(*r);
        REQUIRE(packets.size() == 3);
        CHECK(packets[2].timestamp_ns == 1'700'000'002'123'456'789);
    }
    SECTION("pcapng micro")
    {
        pb::write_file((dir / "u.pcapng").string(), c.pcapng());
        auto r = reader::open(dir / "u.pcapng");
        REQUIRE(r);
        CHECK(r->precision() == timestamp_precision::micro);
        std::vector<std::vector<std::uint8_t>> copies;
        const auto packets = read_all(*r, &copies);
        REQUIRE(packets.size() == 3);
        CHECK(packets[0].timestamp_ns == 1'700'000'000'123'456'000);
        CHECK(copies[0].size() == packets[0].original_length);
    }
}

TEST_CASE("pcap::reader: reports a truncated file after the frames before the cut",
          "[pcap][reader]")
{
    ssw::test::temp_dir dir;
    std::string bytes = three_frames().pcap();
    SECTION("cut inside the last record's data")
    {
        bytes.resize(bytes.size() - 5);
    }
    SECTION("cut inside the last record's header")
    {
        const std::size_t record = (bytes.size() - 24) / 3;
        bytes.resize(24 + 2 * record + 7);
    }
    pb::write_file((dir / "t.pcap").string(), bytes);
    auto r = reader::open(dir / "t.pcap");
    REQUIRE(r);
    REQUIRE(r->next());
    REQUIRE(r->next());
    auto third = r->next();
    REQUIRE_FALSE(third);
    CHECK(third.error().code == ssw::errc::parse_error);
    CHECK(third.error().where == (dir / "t.pcap").string() + ": frame 3");
    CHECK(third.error().message.find("stopped at byte") != std::string::npos);
    auto after = r->next();
    REQUIRE(after);
    CHECK_FALSE(after->has_value());
}

TEST_CASE("pcap::reader: rejects missing, empty and non-capture files", "[pcap][reader]")
{
    ssw::test::temp_dir dir;
    auto missing = reader::open(dir / "nope.pcap");
    REQUIRE_FALSE(missing);
    CHECK(missing.error().code == ssw::errc::not_found);
    pb::write_file((dir / "empty").string(), "");
    auto empty = reader::open(dir / "empty");
    REQUIRE_FALSE(empty);
    CHECK(empty.error().code == ssw::errc::parse_error);
    pb::write_file((dir / "text").string(), "INVITE sip:a@b SIP/2.0\r\n\r\n");
    auto text = reader::open(dir / "text");
    REQUIRE_FALSE(text);
    CHECK(text.error().code == ssw::errc::parse_error);
}

TEST_CASE("pcap::reader: reads a capture from stdin when the path is '-'", "[pcap][reader]")
{
    ssw::test::temp_dir dir;
    const auto path = (dir / "in.pcapng").string();
    pb::write_file(path, three_frames().pcapng());
    // Point fd 0 at the file for the duration of the test, then restore it.
    const int saved = ::dup(STDIN_FILENO);
    const int fd = ::open(path.c_str(), O_RDONLY);
    REQUIRE(fd >= 0);
    ::dup2(fd, STDIN_FILENO);
    ::close(fd);
    std::size_t count = 0;
    {
        auto r = reader::open("-");
        REQUIRE(r);
        CHECK(r->path() == "-");
        CHECK(r->is_pcapng());
        count = read_all(*r).size();
    }
    ::dup2(saved, STDIN_FILENO);
    ::close(saved);
    ::alarm(0);
    CHECK(count == 3);
}

TEST_CASE("pcap::reader: clamps timestamps outside the representable range", "[pcap][reader]")
{
    // A pcapng EPB whose 64-bit microsecond time is far beyond year 2262.
    pb::capture c(link_type::raw);
    c.add(pb::ipv4("10.0.0.1", "10.0.0.2", 17, pb::udp(1, 2, "x")), 0x7fffffffffffffffLL);
    ssw::test::temp_dir dir;
    std::string bytes = c.pcapng(timestamp_precision::nano);
    pb::write_file((dir / "far.pcapng").string(), bytes);
    auto r = reader::open(dir / "far.pcapng");
    REQUIRE(r);
    auto p = r->next();
    REQUIRE(p);
    REQUIRE(*p);
    CHECK((*p)->timestamp_ns >= 0);
    CHECK((*p)->timestamp_ns <= 4'000'000'000LL * 1'000'000'000LL);
}

TEST_CASE("pcap::reader: delivers packets from a live pipe before the writer closes it",
          "[pcap][reader]")
{
    ::alarm(30); // a reader that waits for more input would hang here: fail loudly instead
    int fds[2];
    REQUIRE(::pipe(fds) == 0);
    const std::string bytes = three_frames().pcapng();
    REQUIRE(::write(fds[1], bytes.data(), bytes.size()) == static_cast<ssize_t>(bytes.size()));
    // The write end stays open: the reader must not wait for more input to fill a buffer.
    const int saved = ::dup(STDIN_FILENO);
    ::dup2(fds[0], STDIN_FILENO);
    ::close(fds[0]);
    std::size_t count = 0;
    {
        auto r = reader::open("-");
        REQUIRE(r);
        for (int i = 0; i < 3; ++i) {
            auto p = r->next();
            REQUIRE(p);
            REQUIRE(*p);
            ++count;
        }
        ::close(fds[1]);
        auto end = r->next();
        REQUIRE(end);
        CHECK_FALSE(end->has_value());
    }
    ::dup2(saved, STDIN_FILENO);
    ::close(saved);
    ::alarm(0);
    CHECK(count == 3);
}

TEST_CASE("pcap::reader: reads pcap files written in the other byte order", "[pcap][reader]")
{
    const bool nano = GENERATE(false, true);
    // A big-endian header and record (as written on a SPARC or PowerPC host).
    std::string bytes;
    const auto be32 = [&bytes](std::uint32_t v) {
        for (int shift = 24; shift >= 0; shift -= 8) {
            bytes.push_back(static_cast<char>((v >> shift) & 0xff));
        }
    };
    const auto be16 = [&bytes](std::uint16_t v) {
        bytes.push_back(static_cast<char>(v >> 8));
        bytes.push_back(static_cast<char>(v & 0xff));
    };
    be32(nano ? 0xa1b23c4du : 0xa1b2c3d4u);
    be16(2);
    be16(4);
    be32(0);
    be32(0);
    be32(65535);
    be32(101); // LINKTYPE_RAW
    const auto frame = pb::ipv4("10.0.0.1", "10.0.0.2", 17, pb::udp(1, 5060, "x"));
    be32(1'700'000'000);
    be32(nano ? 5u : 5000u);
    be32(static_cast<std::uint32_t>(frame.size()));
    be32(static_cast<std::uint32_t>(frame.size()));
    bytes.append(frame.begin(), frame.end());
    ssw::test::temp_dir dir;
    pb::write_file((dir / "be.pcap").string(), bytes);
    auto r = reader::open(dir / "be.pcap");
    REQUIRE(r);
    CHECK(r->link() == link_type::raw);
    CHECK(r->precision() == (nano ? timestamp_precision::nano : timestamp_precision::micro));
    auto p = r->next();
    REQUIRE(p);
    REQUIRE(*p);
    CHECK((*p)->timestamp_ns == 1'700'000'000'000'000'000 + (nano ? 5 : 5'000'000));
    CHECK((*p)->data.size() == frame.size());
}
