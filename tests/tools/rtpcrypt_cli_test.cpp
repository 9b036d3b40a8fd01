// SPDX-License-Identifier: MIT
// rtpcrypt end to end: payload known answers, capture rewrite (tshark opens it), diagnose verdicts
// and exit codes, extract, bad input; keys are never echoed.
#include "support/rtp_speech.hpp"
#include "support/rtp_test_helpers.hpp"
#include "support/temp_dir.hpp"
#include "support/tool_runner.hpp"

#include <ssw/pcap/frame_decoder.hpp>
#include <ssw/pcap/reader.hpp>

#include <catch2/catch.hpp>

#include <cstdlib>
#include <fstream>

using ssw::test::run_tool;
using ssw::test::tool_call;
namespace speech = ssw::test::rtp_speech;
namespace pb = ssw::test::pcap_builder;

namespace {

constexpr const char* secret = "SuperSecretKey16"; // 16 bytes, usable in every mode

std::string read_all(const std::filesystem::path& p)
{
    std::ifstream f(p, std::ios::binary);
    return {std::istreambuf_iterator<char>(f), {}};
}

std::vector<std::vector<std::uint8_t>> frames_of(const std::filesystem::path& p)
{
    std::vector<std::vector<std::uint8_t>> out;
    auto r = ssw::pcap::reader::open(p);
    REQUIRE(r);
    for (;;) {
        auto n = r->next();
        REQUIRE(n);
        if (!*n) {
            break;
        }
        out.emplace_back((*n)->data.begin(), (*n)->data.end());
    }
    return out;
}

std::vector<ssw::rtp::stream> leg(std::size_t packets = 100)
{
    return {
        speech::make_stream(0x11111111, "192.0.2.10:40000", "198.51.100.20:50000", packets, 0),
        speech::make_stream(0x22222222, "198.51.100.20:50000", "192.0.2.10:40000", packets, 170)};
}

pb::frame_bytes udp_frame(std::string_view src, std::uint16_t sp, std::string_view dst,
                          std::uint16_t dp, std::string_view payload)
{
    return pb::finish_checksums(
        ssw::pcap::link_type::ethernet,
        pb::ethernet(pb::ipv4(src, dst, pb::proto_udp, pb::udp(sp, dp, payload))));
}

pb::frame_bytes invite_with_sdp()
{
    const std::string sdp =
        "v=0\r\no=- 1 1 IN IP4 192.0.2.10\r\ns=-\r\nc=IN IP4 192.0.2.10\r\nt=0 0\r\n"
        "m=audio 40000 RTP/AVP 0\r\na=rtpmap:0 PCMU/8000\r\n";
    const std::string sip =
        "INVITE sip:bob@198.51.100.20 SIP/2.0\r\nVia: SIP/2.0/UDP "
        "192.0.2.10:5060;branch=z9hG4bK1\r\n"
        "Call-ID: call-42@192.0.2.10\r\nCSeq: 1 INVITE\r\nContent-Type: application/sdp\r\n"
        "Content-Length: " +
        std::to_string(sdp.size()) + "\r\n\r\n" + sdp;
    return udp_frame("192.0.2.10", 5060, "198.51.100.20", 5060, sip);
}

// Non-RTP traffic that must pass untouched: SIP, a DNS-like datagram, an RTCP report, ARP.
std::vector<pb::frame_bytes> other_traffic()
{
    std::string dns("\x12\x34\x01\x00\x00\x01\x00\x00\x00\x00\x00\x00", 12);
    std::string rtcp("\x80\xc8\x00\x06\x11\x11\x11\x11", 8);
    rtcp.append(20, '\x01');
    pb::frame_bytes arp = {0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x00,
                           0x66, 0x77, 0x88, 0x99, 0xaa, 0x08, 0x06};
    arp.resize(60, 0);
    return {invite_with_sdp(), udp_frame("192.0.2.10", 33000, "192.0.2.53", 53, dns),
            udp_frame("192.0.2.10", 40001, "198.51.100.20", 50001, rtcp), arp};
}

std::string write_capture(const ssw::test::temp_dir& dir, const std::string& name,
                          const std::vector<ssw::rtp::stream>& streams, bool with_other = true)
{
    const auto path = (dir / name).string();
    pb::write_file(path, speech::capture_of(streams, with_other ? other_traffic()
                                                                : std::vector<pb::frame_bytes>{}));
    return path;
}

ssw::test::tool_result rtpcrypt(std::vector<std::string> args, std::string stdin_text = {},
                                std::map<std::string, std::string> env = {})
{
    tool_call c;
    c.args = std::move(args);
    c.stdin_text = std::move(stdin_text);
    c.env = std::move(env);
    c.unset_env = {"SSW_RTP_KEY", "SSW_OPENSSL_LEGACY_PROVIDER"};
    return run_tool(SSW_RTPCRYPT_BIN, c);
}

bool mentions_secret(const ssw::test::tool_result& r)
{
    return r.out.find(secret) != std::string::npos || r.err.find(secret) != std::string::npos;
}

} // namespace

TEST_CASE("rtpcrypt payload: hex lines XOR with the key from byte 0 of each payload",
          "[rtpcrypt][tools]")
{
    const auto r =
        rtpcrypt({"payload", "--mode", "xor", "--key", "hex:0f", "--hex"}, "f0f0\n\n00 01\n");
    CHECK(r.exit_code == 0);
    CHECK(r.out == "ffff\n0f0e\n");
}

TEST_CASE("rtpcrypt payload: mode 3 on stdin bytes equals openssl enc -aes-128-ctr",
          "[rtpcrypt][tools]")
{
    const auto plain = ssw::test::pattern_bytes(170, 5);
    const std::string in(plain.begin(), plain.end());
    const auto r = rtpcrypt({"payload", "--mode", "3", "--key", secret, "--ssrc", "0xdeadbeef",
                             "--ts", "160", "--seq", "7"},
                            in);
    REQUIRE(r.exit_code == 0);
    const std::vector<std::uint8_t> key(secret, secret + 16);
    const auto theirs = ssw::test::openssl_enc("-aes-128-ctr", ssw::test::hex_of(key),
                                               "deadbeef000000a00007000000000000", plain);
    REQUIRE(theirs);
    CHECK(r.out == std::string(theirs->begin(), theirs->end()));
    CHECK_FALSE(mentions_secret(r));
}

TEST_CASE("rtpcrypt payload: ECB hypothesis round trip needs --decrypt", "[rtpcrypt][tools]")
{
    const std::string hex = "00112233445566778899aabbccddeeff0102";
    const auto e = rtpcrypt(
        {"payload", "--scheme", "aes-ecb-cleartail", "--kdf", "md5", "--key", "k", "--hex"},
        hex + "\n");
    REQUIRE(e.exit_code == 0);
    CHECK(e.out.substr(32, 4) == "0102"); // clear tail
    const auto d = rtpcrypt({"payload", "--scheme", "aes-ecb-cleartail", "--kdf", "md5", "--key",
                             "k", "--hex", "--decrypt"},
                            e.out);
    CHECK(d.out == hex + "\n");
}

TEST_CASE("rtpcrypt payload: key errors exit 78 without echoing the key", "[rtpcrypt][tools]")
{
    const auto r = rtpcrypt({"payload", "--mode", "3", "--key", std::string(secret) + "X"}, "abc");
    CHECK(r.exit_code == 78);
    CHECK(r.err.find("exactly 16 bytes, got 17") != std::string::npos);
    CHECK(r.err.find("SuperSecret") == std::string::npos);
    const auto none = rtpcrypt({"payload", "--mode", "1"}, "abc");
    CHECK(none.exit_code == 65);
    CHECK(none.err.find("SSW_RTP_KEY") != std::string::npos);
    const auto env =
        rtpcrypt({"payload", "--mode", "1", "--hex"}, "00\n", {{"SSW_RTP_KEY", "hex:41"}});
    CHECK(env.exit_code == 0);
    CHECK(env.out == "41\n");
    CHECK(rtpcrypt({"payload", "--mode", "7", "--key", "k"}, "a").exit_code == 65);
    CHECK(rtpcrypt({"payload", "--scheme", "aes-ecb-cleartail", "--mode", "2", "--key", "k"}, "a")
              .exit_code == 65);
    CHECK(rtpcrypt({"payload", "--bogus"}).exit_code == 2);
}

TEST_CASE("rtpcrypt payload: a missing OpenSSL legacy provider is a clear error for RC4 only",
          "[rtpcrypt][tools]")
{
    const std::map<std::string, std::string> env{
        {"SSW_OPENSSL_LEGACY_PROVIDER", "ssw-simulated-missing"}};
    const auto r = rtpcrypt({"payload", "--mode", "rc4", "--key", "k"}, "abc", env);
    CHECK(r.exit_code == 78);
    CHECK(r.err.find("legacy") != std::string::npos);
    CHECK(r.err.find("ssw-simulated-missing") != std::string::npos);
    CHECK(rtpcrypt({"payload", "--mode", "aes128", "--key", secret}, "abc", env).exit_code == 0);
}

TEST_CASE("rtpcrypt encrypt/decrypt: only RTP payloads change, tshark reads the output, decrypt "
          "restores it",
          "[rtpcrypt][tools]")
{
    ssw::test::temp_dir dir;
    const auto in = write_capture(dir, "plain.pcap", leg(60));
    const auto enc = (dir / "enc.pcap").string();
    const auto dec = (dir / "dec.pcap").string();
    for (const char* m : {"1", "2", "3"}) {
        INFO("mode " << m);
        auto r = rtpcrypt({"encrypt", "--mode", m, "--key", secret, in, "-o", enc});
        REQUIRE(r.exit_code == 0);
        CHECK_FALSE(mentions_secret(r));
        const auto a = frames_of(in);
        const auto b = frames_of(enc);
        REQUIRE(a.size() == b.size());
        std::size_t changed = 0;
        for (std::size_t i = 0; i < a.size(); ++i) {
            REQUIRE(a[i].size() == b[i].size());
            if (i < other_traffic().size()) {
                CHECK(a[i] == b[i]); // SIP, DNS, RTCP, ARP: byte for byte
                continue;
            }
            // Ethernet + IPv4 + UDP ports/length + RTP header unchanged (UDP checksum at 40-41).
            CHECK(std::equal(a[i].begin(), a[i].begin() + 40, b[i].begin()));
            CHECK(std::equal(a[i].begin() + 42, a[i].begin() + 54, b[i].begin() + 42));
            changed += a[i] != b[i] ? 1U : 0U;
        }
        CHECK(changed == 120);
        const std::string cmd = "tshark -r '" + enc +
                                "' -o udp.check_checksum:TRUE -d udp.port==40000,rtp "
                                "-T fields -e udp.checksum.status -e rtp.ssrc > '" +
                                (dir / "ts.txt").string() + "' 2>/dev/null";
        REQUIRE(std::system(cmd.c_str()) == 0);
        const auto ts = read_all(dir / "ts.txt");
        CHECK(ts.find("0x11111111") != std::string::npos);
        CHECK(ts.find("\t") != std::string::npos);
        CHECK(ts.find("0\t") == std::string::npos); // no bad (status 0) checksums
        r = rtpcrypt({"decrypt", "--mode", m, "--key", secret, enc, "-o", dec});
        REQUIRE(r.exit_code == 0);
        CHECK(read_all(dec) == read_all(in));
    }
}

TEST_CASE("rtpcrypt encrypt: selection by SSRC, port, address and direction", "[rtpcrypt][tools]")
{
    ssw::test::temp_dir dir;
    const auto in = write_capture(dir, "plain.pcap", leg(40), false);
    const auto out = (dir / "out.pcap").string();
    const auto count_changed = [&](std::vector<std::string> extra) {
        std::vector<std::string> args = {"encrypt", "--mode", "1", "--key", "k", in, "-o", out};
        args.insert(args.end(), extra.begin(), extra.end());
        REQUIRE(rtpcrypt(args).exit_code == 0);
        const auto a = frames_of(in);
        const auto b = frames_of(out);
        std::size_t n = 0;
        for (std::size_t i = 0; i < a.size(); ++i) {
            n += a[i] != b[i] ? 1U : 0U;
        }
        return n;
    };
    CHECK(count_changed({}) == 80);
    CHECK(count_changed({"--ssrc", "0x22222222"}) == 40);
    CHECK(count_changed({"--ssrc", "286331153"}) == 40);
    CHECK(count_changed({"--port", "50000"}) == 80);
    CHECK(count_changed({"--address", "203.0.113.1"}) == 0);
    CHECK(count_changed({"--from", "192.0.2.10:40000"}) == 40);
    CHECK(count_changed({"--to", "192.0.2.10"}) == 40);
    CHECK(count_changed({"--from", "192.0.2.10", "--to", "192.0.2.10"}) == 0);
    CHECK(rtpcrypt({"encrypt", "--mode", "1", "--key", "k", in, "-o", out, "--from", "nonsense"})
              .exit_code == 65);
}

TEST_CASE("rtpcrypt diagnose: finds the key among decoys and exits 0", "[rtpcrypt][tools]")
{
    ssw::test::temp_dir dir;
    auto streams = leg();
    for (auto& s : streams) {
        speech::encrypt(s, "native", ssw::crypto::mode::rc4, speech::key_of(secret));
    }
    const auto in = write_capture(dir, "enc.pcap", streams);
    pb::write_file((dir / "keys.txt").string(),
                   "decoy one\nhex:00112233\n" + std::string(secret) + "\n");
    const auto r = rtpcrypt(
        {"diagnose", in, "--key", "first decoy", "--key-file", (dir / "keys.txt").string()});
    CHECK(r.exit_code == 0);
    CHECK(r.out.find("decrypts with mode 2 (rc4), native scheme, key from " +
                     (dir / "keys.txt").string() + ":3") != std::string::npos);
    CHECK(r.out.find("(call call-42@192.0.2.10): OK") != std::string::npos);
    CHECK_FALSE(mentions_secret(r));
    const auto j = rtpcrypt({"--json", "diagnose", in, "--key-file", (dir / "keys.txt").string()});
    CHECK(j.exit_code == 0);
    CHECK(j.out.find("{\"type\":\"stream\",\"ssrc\":\"0x11111111\"") != std::string::npos);
    CHECK(j.out.find("\"call_id\":\"call-42@192.0.2.10\"") !=
          std::string::npos); // from the INVITE's SDP
    CHECK(j.out.find("\"type\":\"leg\"") != std::string::npos);
    CHECK(j.out.find("{\"type\":\"result\",\"streams\":2,\"legs\":1") != std::string::npos);
    CHECK(j.out.find("\"clean\":true") != std::string::npos);
}

TEST_CASE("rtpcrypt diagnose: mismatches exit 1 and are named", "[rtpcrypt][tools]")
{
    ssw::test::temp_dir dir;
    SECTION("mode mismatch")
    {
        auto streams = leg();
        speech::encrypt(streams[0], "native", ssw::crypto::mode::aes128, speech::key_of(secret));
        const auto r =
            rtpcrypt({"diagnose", write_capture(dir, "c.pcap", streams), "--key", secret});
        CHECK(r.exit_code == 1);
        CHECK(r.out.find("MODE MISMATCH") != std::string::npos);
    }
    SECTION("key mismatch")
    {
        auto streams = leg();
        speech::encrypt(streams[0], "native", ssw::crypto::mode::aes128,
                        speech::key_of("AAAAAAAAAAAAAAAA"));
        speech::encrypt(streams[1], "native", ssw::crypto::mode::aes128,
                        speech::key_of("BBBBBBBBBBBBBBBB"));
        const auto r =
            rtpcrypt({"diagnose", write_capture(dir, "c.pcap", streams), "--key", secret});
        CHECK(r.exit_code == 1);
        CHECK(r.out.find("KEY MISMATCH") != std::string::npos);
    }
    SECTION("one way")
    {
        auto streams = leg();
        speech::encrypt(streams[0], "native", ssw::crypto::mode::aes128, speech::key_of(secret));
        speech::encrypt(streams[1], "native", ssw::crypto::mode::aes128,
                        speech::key_of("BBBBBBBBBBBBBBBB"));
        const auto r =
            rtpcrypt({"diagnose", write_capture(dir, "c.pcap", streams), "--key", secret});
        CHECK(r.exit_code == 1);
        CHECK(r.out.find("ONE WAY") != std::string::npos);
    }
}

TEST_CASE("rtpcrypt diagnose: --params checks the operator's configuration", "[rtpcrypt][tools]")
{
    ssw::test::temp_dir dir;
    auto streams = leg();
    for (auto& s : streams) {
        speech::encrypt(s, "native", ssw::crypto::mode::aes128, speech::key_of(secret));
    }
    const auto in = write_capture(dir, "c.pcap", streams);
    const auto params = (dir / "ssw.conf").string();
    pb::write_file(params, "# ssw\nSS_RTPENCRYPTIONMODE = 3\nSS_RTPENCRYPTIONKEY = " +
                               std::string(secret) + "\n");
    auto r = rtpcrypt({"diagnose", in, "--params", params});
    CHECK(r.exit_code == 0);
    CHECK(r.out.find("matches the configuration") != std::string::npos);
    CHECK_FALSE(mentions_secret(r));
    pb::write_file(params,
                   "SS_RTPENCRYPTIONMODE = 2\nSS_RTPENCRYPTIONKEY = " + std::string(secret) + "\n");
    r = rtpcrypt({"diagnose", in, "--params", params});
    CHECK(r.exit_code == 1);
    CHECK(r.out.find("differs from the configuration (SS_RTPENCRYPTIONMODE 2)") !=
          std::string::npos);
    pb::write_file(params, "SS_RTPENCRYPTIONMODE = 5\n");
    r = rtpcrypt({"diagnose", in, "--params", params});
    CHECK(r.exit_code == 65);
    CHECK(r.err.find("ssw.conf:1") != std::string::npos);
}

TEST_CASE("rtpcrypt diagnose: prints an XOR key recovered without candidates", "[rtpcrypt][tools]")
{
    ssw::test::temp_dir dir;
    auto streams = leg(150);
    for (auto& s : streams) {
        speech::encrypt(s, "native", ssw::crypto::mode::xor_, speech::key_of("Trunk-7 key"));
    }
    const auto r = rtpcrypt({"diagnose", write_capture(dir, "x.pcap", streams)});
    CHECK(r.exit_code == 1); // decodable, but not with a given key
    CHECK(r.out.find("the pad is the repeated key \"Trunk-7 key\"") != std::string::npos);
}

TEST_CASE("rtpcrypt extract: decrypts and writes a G.711 stream as WAV", "[rtpcrypt][tools]")
{
    ssw::test::temp_dir dir;
    auto streams = leg(50);
    const auto plain_payload = streams[0].packets[3].payload;
    for (auto& s : streams) {
        speech::encrypt(s, "native", ssw::crypto::mode::aes128, speech::key_of(secret));
    }
    const auto in = write_capture(dir, "c.pcap", streams);
    const auto wav = dir / "a.wav";
    const auto r = rtpcrypt({"extract", in, "--ssrc", "0x11111111", "--mode", "3", "--key", secret,
                             "-o", wav.string()});
    REQUIRE(r.exit_code == 0);
    const auto w = read_all(wav);
    REQUIRE(w.size() == 44 + 50 * 160 * 2);
    CHECK(w.substr(0, 4) == "RIFF");
    CHECK(w.substr(8, 8) == "WAVEfmt ");
    // Sample 0 of packet 3 decodes to the plain byte's linear value.
    const auto s0 = static_cast<std::int16_t>(static_cast<std::uint8_t>(w[44 + 3 * 320]) |
                                              static_cast<std::uint8_t>(w[45 + 3 * 320]) << 8);
    CHECK(s0 == ssw::rtp::ulaw_to_linear(plain_payload[0]));
    CHECK(rtpcrypt({"extract", in, "--ssrc", "0x99", "-o", wav.string()}).exit_code == 66);
    CHECK(rtpcrypt({"extract", in, "-o", wav.string()}).exit_code == 65);
}

TEST_CASE("rtpcrypt: bad input files give the input exit codes", "[rtpcrypt][tools]")
{
    ssw::test::temp_dir dir;
    const auto good = write_capture(dir, "good.pcap", leg(30));
    auto bytes = read_all(good);
    const auto cut = (dir / "cut.pcap").string();
    pb::write_file(cut, bytes.substr(0, bytes.size() - 100));
    auto r = rtpcrypt({"diagnose", cut});
    CHECK(r.exit_code == 65);
    CHECK(r.err.find("frame") != std::string::npos);
    r = rtpcrypt({"encrypt", "--mode", "1", "--key", "k", cut, "-o", (dir / "o.pcap").string()});
    CHECK(r.exit_code == 65);
    const auto junk = (dir / "junk.pcap").string();
    pb::write_file(junk, "this is not a capture at all");
    CHECK(rtpcrypt({"diagnose", junk}).exit_code == 65);
    CHECK(rtpcrypt({"diagnose", (dir / "missing.pcap").string()}).exit_code == 66);
    // Only non-RTP UDP: nothing to judge is not a clean bill.
    pb::capture cap(ssw::pcap::link_type::ethernet);
    for (int i = 0; i < 20; ++i) {
        cap.add(udp_frame("192.0.2.1", 5353, "224.0.0.251", 5353,
                          std::string("\x00\x00\x84\x00", 4) + "mdns"));
    }
    const auto udp_only = (dir / "udp.pcap").string();
    pb::write_file(udp_only, cap.pcap());
    r = rtpcrypt({"diagnose", udp_only});
    CHECK(r.exit_code == 1);
    CHECK(r.out.find("no RTP found") != std::string::npos);
    // A link type ssw does not decode is named, not taken for a capture without RTP.
    pb::capture other(static_cast<ssw::pcap::link_type>(147));
    other.add(pb::frame_bytes(60, 0x42));
    const auto dlt147 = (dir / "dlt147.pcap").string();
    pb::write_file(dlt147, other.pcap());
    r = rtpcrypt({"diagnose", dlt147});
    CHECK(r.exit_code == 65);
    CHECK(r.err.find("link type 147 is not decoded by ssw") != std::string::npos);
    r = rtpcrypt(
        {"encrypt", "--mode", "3", "--key", "short", good, "-o", (dir / "o.pcap").string()});
    CHECK(r.exit_code == 78);
    CHECK(rtpcrypt({"encrypt", "--mode", "1", "--key", "k", good, "-o", good}).exit_code == 65);
}

TEST_CASE("rtpcrypt wrap: raw G.711 becomes a capture tshark decodes as RTP", "[rtpcrypt][tools]")
{
    ssw::test::temp_dir dir;
    const auto out = (dir / "w.pcap").string();
    const auto r = rtpcrypt({"wrap", std::string(SSW_TEST_DATA_DIR) + "/rtp/speech-en-8s.alaw",
                             "-o", out, "--both", "--mode", "3", "--key", secret});
    REQUIRE(r.exit_code == 0);
    const std::string cmd =
        "tshark -r '" + out +
        "' -d udp.port==40000,rtp -T fields -e rtp.p_type 2>/dev/null | sort -u > '" +
        (dir / "pt.txt").string() + "'";
    REQUIRE(std::system(cmd.c_str()) == 0);
    CHECK(read_all(dir / "pt.txt") == "8\n");
    const auto d = rtpcrypt({"diagnose", out, "--key", secret});
    CHECK(d.exit_code == 0);
    CHECK(d.out.find("PCMA") != std::string::npos);
}
