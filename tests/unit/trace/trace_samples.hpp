// SPDX-License-Identifier: MIT
// Test helper: SIP messages and whole synthetic call/registration captures for the trace tests.
#pragma once

#include "support/pcap_builder.hpp"

#include <cstdint>
#include <string>
#include <vector>

namespace ssw::test::trace_samples {

namespace pb = ssw::test::pcap_builder;

inline std::string sdp(const std::string& ip, int port)
{
    return "v=0\r\no=- 1 1 IN IP4 " + ip + "\r\ns=-\r\nc=IN IP4 " + ip + "\r\nt=0 0\r\nm=audio " +
           std::to_string(port) + " RTP/AVP 0\r\na=rtpmap:0 PCMU/8000\r\n";
}

// A request with the usual headers; `body` gets Content-Type application/sdp when not empty.
inline std::string request(const std::string& method, const std::string& call_id, int cseq,
                           const std::string& from_user, const std::string& from_tag,
                           const std::string& to_user, const std::string& to_tag,
                           const std::string& body = {}, const std::string& extra = {},
                           const std::string& cseq_method = {})
{
    std::string m = method + " sip:" + to_user + "@192.0.2.2 SIP/2.0\r\n";
    m += "Via: SIP/2.0/UDP 192.0.2.1:5060;branch=z9hG4bK" + call_id + std::to_string(cseq) +
         method + "\r\n";
    m += "Max-Forwards: 70\r\n";
    m += "From: <sip:" + from_user + "@example.com>;tag=" + from_tag + "\r\n";
    m +=
        "To: <sip:" + to_user + "@example.com>" + (to_tag.empty() ? "" : ";tag=" + to_tag) + "\r\n";
    m += "Call-ID: " + call_id + "\r\n";
    m += "CSeq: " + std::to_string(cseq) + " " + (cseq_method.empty() ? method : cseq_method) +
         "\r\n";
    m += "Contact: <sip:" + from_user + "@192.0.2.1:5060>\r\n";
    m += extra;
    if (!body.empty()) {
        m += "Content-Type: application/sdp\r\n";
    }
    m += "Content-Length: " + std::to_string(body.size()) + "\r\n\r\n" + body;
    return m;
}

inline std::string response(int code, const std::string& reason, const std::string& method,
                            const std::string& call_id, int cseq, const std::string& from_user,
                            const std::string& from_tag, const std::string& to_user,
                            const std::string& to_tag, const std::string& body = {},
                            const std::string& extra = {})
{
    std::string m = "SIP/2.0 " + std::to_string(code) + " " + reason + "\r\n";
    m += "Via: SIP/2.0/UDP 192.0.2.1:5060;branch=z9hG4bK" + call_id + std::to_string(cseq) +
         method + "\r\n";
    m += "From: <sip:" + from_user + "@example.com>;tag=" + from_tag + "\r\n";
    m +=
        "To: <sip:" + to_user + "@example.com>" + (to_tag.empty() ? "" : ";tag=" + to_tag) + "\r\n";
    m += "Call-ID: " + call_id + "\r\n";
    m += "CSeq: " + std::to_string(cseq) + " " + method + "\r\n";
    m += extra;
    if (!body.empty()) {
        m += "Content-Type: application/sdp\r\n";
    }
    m += "Content-Length: " + std::to_string(body.size()) + "\r\n\r\n" + body;
    return m;
}

inline std::vector<std::uint8_t> rtp(std::uint16_t seq, std::uint32_t ts, std::uint32_t ssrc)
{
    std::vector<std::uint8_t> p(12 + 160, 0xff);
    p[0] = 0x80;
    p[1] = 0x00;
    p[2] = static_cast<std::uint8_t>(seq >> 8);
    p[3] = static_cast<std::uint8_t>(seq & 0xff);
    for (int i = 0; i < 4; ++i) {
        p[static_cast<std::size_t>(4 + i)] = static_cast<std::uint8_t>(ts >> (24 - 8 * i));
        p[static_cast<std::size_t>(8 + i)] = static_cast<std::uint8_t>(ssrc >> (24 - 8 * i));
    }
    return p;
}

inline pb::frame_bytes udp_frame(const std::string& src, const std::string& dst,
                                 std::uint16_t sport, std::uint16_t dport, std::string_view payload)
{
    return pb::ethernet(pb::ipv4(src, dst, pb::proto_udp, pb::udp(sport, dport, payload)));
}

// alice (192.0.2.1:5060) calls bob (192.0.2.2:5070, a non-standard port) over UDP: INVITE (sent
// twice), 100, 180 after 1 s, 200 with SDP after 3 s, ACK, 50 RTP packets each way (20 ms apart;
// packet 10 from alice lost), BYE from bob 10 s after the answer, 200. Then alice registers: 401,
// REGISTER with credentials, 200 granting 1800 s. Plus a CRLF keep-alive and a STUN binding.
inline pb::capture basic_call()
{
    pb::capture cap(ssw::pcap::link_type::ethernet);
    const std::int64_t t0 = 1'767'225'600'000'000'000;
    const std::int64_t ms = 1'000'000;
    const std::string a = "192.0.2.1";
    const std::string b = "192.0.2.2";
    const std::string cid = "call-1@192.0.2.1";
    const auto a2b = [&](const std::string& m, std::int64_t t) {
        cap.add(udp_frame(a, b, 5060, 5070, m), t0 + t * ms);
    };
    const auto b2a = [&](const std::string& m, std::int64_t t) {
        cap.add(udp_frame(b, a, 5070, 5060, m), t0 + t * ms);
    };
    const std::string invite = request("INVITE", cid, 1, "alice", "a1", "bob", "", sdp(a, 40000));
    a2b(invite, 0);
    a2b(invite, 500);
    b2a(response(100, "Trying", "INVITE", cid, 1, "alice", "a1", "bob", ""), 510);
    b2a(response(180, "Ringing", "INVITE", cid, 1, "alice", "a1", "bob", "b1"), 1000);
    b2a(response(200, "OK", "INVITE", cid, 1, "alice", "a1", "bob", "b1", sdp(b, 50000)), 3000);
    a2b(request("ACK", cid, 1, "alice", "a1", "bob", "b1"), 3010);
    for (std::uint16_t i = 0; i < 50; ++i) {
        const std::int64_t t = 3100 + i * 20;
        if (i != 10) {
            const auto p = rtp(static_cast<std::uint16_t>(1000 + i), 160u * i, 0x11111111);
            cap.add(
                pb::ethernet(pb::ipv4(
                    a, b, pb::proto_udp,
                    pb::udp(40000, 50000,
                            std::string_view(reinterpret_cast<const char*>(p.data()), p.size())))),
                t0 + t * ms);
        }
        const auto q = rtp(static_cast<std::uint16_t>(7000 + i), 160u * i, 0x22222222);
        cap.add(pb::ethernet(pb::ipv4(
                    b, a, pb::proto_udp,
                    pb::udp(50000, 40000,
                            std::string_view(reinterpret_cast<const char*>(q.data()), q.size())))),
                t0 + (t + 1) * ms);
    }
    b2a(request("BYE", cid, 1, "bob", "b1", "alice", "a1"), 13000);
    a2b(response(200, "OK", "BYE", cid, 1, "bob", "b1", "alice", "a1"), 13010);
    // Keep-alives.
    cap.add(udp_frame(a, b, 5060, 5070, "\r\n\r\n"), t0 + 14000 * ms);
    std::string stun(20, '\0');
    stun[1] = 0x01;
    stun[4] = 0x21;
    stun[5] = 0x12;
    stun[6] = static_cast<char>(0xa4);
    stun[7] = 0x42;
    cap.add(udp_frame(a, b, 5060, 3478, stun), t0 + 14100 * ms);
    // Registration with a challenge.
    const std::string reg = "reg-1@192.0.2.1";
    a2b(request("REGISTER", reg, 1, "alice", "r1", "alice", ""), 15000);
    b2a(response(401, "Unauthorized", "REGISTER", reg, 1, "alice", "r1", "alice", "x1", {},
                 "WWW-Authenticate: Digest realm=\"example.com\", nonce=\"abc\"\r\n"),
        15010);
    a2b(request("REGISTER", reg, 2, "alice", "r1", "alice", "", {},
                "Authorization: Digest username=\"alice\", realm=\"example.com\", nonce=\"abc\", "
                "uri=\"sip:example.com\", response=\"00000000000000000000000000000000\"\r\n"),
        15100);
    b2a(response(200, "OK", "REGISTER", reg, 2, "alice", "r1", "alice", "x2", {},
                 "Contact: <sip:alice@192.0.2.1:5060>;expires=1800\r\n"),
        15110);
    return cap;
}

} // namespace ssw::test::trace_samples
