// SPDX-License-Identifier: MIT
// Cross-checks the decoder against tshark on the public captures in tests/data/pcap/public:
// frame, UDP and TCP counts, and the reassembled bytes of every TCP stream (tshark follow).
#include "support/helpers.hpp"
#include "support/tool_runner.hpp"

#include <ssw/pcap/capture_decoder.hpp>
#include <ssw/pcap/sip_sniff.hpp>

#include <catch2/catch.hpp>

#include <filesystem>
#include <map>
#include <set>
#include <sstream>

using namespace ssw::pcap;

namespace {

const std::filesystem::path public_dir =
    std::filesystem::path(SSW_TEST_DATA_DIR) / "pcap" / "public";

std::string tshark()
{
    return ssw::test::require_program("tshark", "tshark");
}

std::vector<std::string> lines_of(const std::string& text)
{
    std::vector<std::string> out;
    std::istringstream in(text);
    for (std::string l; std::getline(in, l);) {
        out.push_back(l);
    }
    return out;
}

std::string unhex(const std::string& hex)
{
    std::string out;
    for (std::size_t i = 0; i + 1 < hex.size(); i += 2) {
        out.push_back(static_cast<char>(std::stoi(hex.substr(i, 2), nullptr, 16)));
    }
    return out;
}

struct ours {
    std::uint64_t frames = 0;
    std::uint64_t udp_datagrams = 0;
    std::uint64_t tcp_frames = 0;
    std::uint64_t sip_datagrams = 0;
    std::map<std::string, std::string> streams; // "ip:port>ip:port" -> bytes
};

ours decode(const std::filesystem::path& path)
{
    ours o;
    capture_handlers h;
    h.on_udp = [&o](const udp_datagram& u) {
        ++o.udp_datagrams;
        if (looks_like_sip(u.payload)) {
            ++o.sip_datagrams;
        }
    };
    h.on_tcp = [&o](const tcp_chunk& c) {
        if (c.event == tcp_event::data) {
            o.streams[c.key.src.to_string() + ">" + c.key.dst.to_string()].append(
                reinterpret_cast<const char*>(c.data.data()), c.data.size());
        }
    };
    auto r = reader::open(path);
    REQUIRE(r);
    capture_decoder dec(h);
    REQUIRE(decode_capture(*r, dec));
    const auto s = dec.stats();
    o.frames = s.frames;
    o.tcp_frames = s.tcp;
    CHECK(s.decode_errors == 0);
    return o;
}

} // namespace

TEST_CASE("pcap::capture_decoder: frame, UDP and TCP counts equal tshark's on the public captures",
          "[pcap][capture_decoder][interop]")
{
    const std::string tshark_bin = tshark();
    std::size_t files = 0;
    for (const auto& entry : std::filesystem::directory_iterator(public_dir)) {
        const auto path = entry.path();
        INFO(path.filename().string());
        ++files;
        const auto o = decode(path);
        const auto res = ssw::test::run_tool(tshark_bin, {"-r", path.string(), "-T", "fields", "-e",
                                                          "frame.protocols", "-e", "sip.Method",
                                                          "-e", "sip.Status-Code"});
        REQUIRE(res.exit_code == 0);
        std::uint64_t frames = 0;
        std::uint64_t udp = 0;
        std::uint64_t tcp = 0;
        std::uint64_t sip_udp = 0;
        for (const auto& line : lines_of(res.out)) {
            ++frames;
            const std::string protocols = line.substr(0, line.find('\t'));
            const bool is_udp = protocols.find(":udp") != std::string::npos;
            udp += is_udp ? 1u : 0u;
            tcp += protocols.find(":tcp") != std::string::npos ? 1u : 0u;
            sip_udp += is_udp && protocols.find(":sip") != std::string::npos ? 1u : 0u;
        }
        CHECK(o.frames == frames);
        CHECK(o.udp_datagrams == udp);
        CHECK(o.tcp_frames == tcp);
        CHECK(o.sip_datagrams == sip_udp);
    }
    CHECK(files >= 10);
}

TEST_CASE("pcap::tcp_reassembler: stream bytes equal tshark's 'follow tcp' on the public captures",
          "[pcap][tcp_reassembly][interop]")
{
    const std::string tshark_bin = tshark();
    std::size_t streams_checked = 0;
    for (const auto& entry : std::filesystem::directory_iterator(public_dir)) {
        const auto path = entry.path();
        INFO(path.filename().string());
        const auto o = decode(path);
        const auto ids = ssw::test::run_tool(
            tshark_bin, {"-r", path.string(), "-T", "fields", "-e", "tcp.stream"});
        std::set<std::string> stream_ids;
        for (const auto& l : lines_of(ids.out)) {
            if (!l.empty()) {
                stream_ids.insert(l);
            }
        }
        for (const auto& id : stream_ids) {
            const auto f = ssw::test::run_tool(
                tshark_bin, {"-r", path.string(), "-q", "-z", "follow,tcp,raw," + id});
            REQUIRE(f.exit_code == 0);
            std::string node0;
            std::string node1;
            std::string bytes0;
            std::string bytes1;
            for (const auto& l : lines_of(f.out)) {
                if (l.rfind("Node 0: ", 0) == 0) {
                    node0 = l.substr(8);
                } else if (l.rfind("Node 1: ", 0) == 0) {
                    node1 = l.substr(8);
                } else if (!l.empty() && l[0] == '\t') {
                    bytes1 += unhex(l.substr(1));
                } else if (!l.empty() &&
                           l.find_first_not_of("0123456789abcdef") == std::string::npos) {
                    bytes0 += unhex(l);
                }
            }
            INFO("stream " << id << " " << node0 << " <-> " << node1);
            const auto find = [&o](const std::string& key) {
                auto it = o.streams.find(key);
                return it == o.streams.end() ? std::string() : it->second;
            };
            CHECK(find(node0 + ">" + node1) == bytes0);
            CHECK(find(node1 + ">" + node0) == bytes1);
            ++streams_checked;
        }
    }
    CHECK(streams_checked >= 4);
}
