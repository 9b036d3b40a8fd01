// SPDX-License-Identifier: MIT
// Two ssw-run instances on loopback, the customer-side softswitch A and the vendor-side B,
// with the A-B leg encrypted (gateway `encrypt = on` on both sides). The test plays the
// caller and the called gateway (SIP and RTP over its own UDP sockets) and checks: speech
// sent at one end arrives byte-identical at the other in both directions; the A-B link,
// captured with tcpdump on lo, is encrypted and `rtpcrypt diagnose` finds the key; with
// mismatched keys or modes the far end gets garbage and diagnose names the mismatch; a NAT
// caller gets media after latching; every media port is released at the end.
#include "support/background_process.hpp"
#include "support/helpers.hpp"
#include "support/rtp_speech.hpp"
#include "support/temp_dir.hpp"
#include "support/tool_runner.hpp"
#include "support/udp_socket.hpp"

#include <ssw/sdp/session.hpp>
#include <ssw/sip/builder.hpp>
#include <ssw/sip/message.hpp>
#include <ssw/sip/serializer.hpp>

#include <catch2/catch.hpp>

#include <arpa/inet.h>
#include <csignal>
#include <filesystem>
#include <fstream>
#include <netinet/in.h>
#include <sys/socket.h>
#include <thread>
#include <unistd.h>

using namespace std::chrono_literals;

namespace {

const std::string aes_key = "0123456789abcdef";

using udp = ssw::test::udp_socket;
using ssw::test::has;

std::string header(const std::string& text, ssw::sip::header_id id)
{
    ssw::sip::message m;
    REQUIRE(ssw::sip::parse_message(text, m));
    return std::string(m.value(id));
}

std::uint16_t sdp_port(const std::string& msg)
{
    const auto at = msg.find("\r\n\r\n");
    REQUIRE(at != std::string::npos);
    auto s = ssw::sdp::parse_session(std::string_view(msg).substr(at + 4));
    REQUIRE(s);
    REQUIRE(!s->media_list.empty());
    return s->media_list[0].port;
}

std::string sdp_for(const std::string& ip, std::uint16_t port)
{
    return "v=0\r\no=- 1 1 IN IP4 " + ip + "\r\ns=-\r\nc=IN IP4 " + ip + "\r\nt=0 0\r\nm=audio " +
           std::to_string(port) + " RTP/AVP 0\r\na=rtpmap:0 PCMU/8000\r\n";
}

// RTP packet n of a speech stream (G.711 mu-law, 20 ms).
std::string speech_packet(std::uint32_t ssrc, std::uint16_t n)
{
    const auto& pcm = ssw::test::rtp_speech::speech();
    std::string p(12 + 160, '\0');
    p[0] = static_cast<char>(0x80);
    p[1] = 0;
    p[2] = static_cast<char>(n >> 8);
    p[3] = static_cast<char>(n & 0xff);
    const std::uint32_t ts = 160U * n;
    for (int i = 0; i < 4; ++i) {
        p[static_cast<std::size_t>(4 + i)] = static_cast<char>((ts >> (24 - 8 * i)) & 0xff);
        p[static_cast<std::size_t>(8 + i)] = static_cast<char>((ssrc >> (24 - 8 * i)) & 0xff);
    }
    const std::size_t off = (static_cast<std::size_t>(n) * 160) % (pcm.size() - 160);
    for (std::size_t i = 0; i < 160; ++i) {
        p[12 + i] = static_cast<char>(pcm[off + i]);
    }
    return p;
}

struct daemon_setup {
    std::string mode_a = "3", key_a = aes_key; // A's SS_RTPENCRYPTIONMODE / KEY
    std::string mode_b = "3", key_b = aes_key;
    bool b_encrypts = true; // B's mapping gateway for A has encrypt = on
    bool nat_caller = false;
    bool hang_up = true; // false: the daemons get SIGTERM with the call still up
};

struct call_result {
    std::size_t to_callee_identical = 0; // speech packets that arrived unchanged at the gateway
    std::size_t to_caller_identical = 0;
    std::size_t to_callee = 0;
    std::size_t to_caller = 0;
    std::string diagnose;
    int diagnose_exit = -1;
    bool captured = false;
    std::string log_a, log_b;
    std::size_t ports_bindable_after = 0; // of both media ranges, once the daemons exited
};

std::unique_ptr<ssw::test::background_process>
start_daemon(const ssw::test::temp_dir& w, const std::string& name, const std::string& conf,
             int sip_port, const std::string& mode, const std::string& key)
{
    const auto conf_path = w / (name + ".conf");
    std::ofstream(conf_path) << conf;
    const auto params = w / (name + "-params.conf");
    std::ofstream(params) << "SS_RTPENCRYPTIONMODE = " << mode << "\nSS_RTPENCRYPTIONKEY = " << key
                          << "\n";
    auto p = std::make_unique<ssw::test::background_process>(
        SSW_RUN_BIN,
        std::vector<std::string>{"-c", conf_path.string(), "-p", params.string(), "--listen",
                                 "udp:127.0.0.1:" + std::to_string(sip_port)},
        w.path().string());
    REQUIRE(p->wait_for_stderr("listening", 10s));
    return p;
}

call_result run_call(const daemon_setup& setup)
{
    ssw::test::require_root("tcpdump records the A-B link on lo");
    call_result r;
    ssw::test::temp_dir w;
    const int port_a = ssw::test::free_port();
    const int port_b = ssw::test::free_port();
    udp caller_sip, caller_rtp, gw_sip, gw_rtp;
    // Each daemon's media ports, reserved so that no other test process uses them meanwhile.
    const ssw::test::port_range range_a(40);
    const ssw::test::port_range range_b(40);
    const auto ra = range_a.first();
    const auto rb = range_b.first();
    const std::string conf_b =
        "media-ports = " + range_b.text() +
        "\nbindings = b-bind.db\ncdr = b-cdr.db\n"
        "[mapping-gateway from-a]\nnetwork = 127.0.0.1/32\nencrypt = " +
        (setup.b_encrypts ? "on" : "off") +
        "\nrelay-media = on\n[routing-gateway vendor]\naddress = 127.0.0.1:" +
        std::to_string(gw_sip.port()) + "\n";
    const std::string conf_a = "media-ports = " + range_a.text() +
                               "\nbindings = a-bind.db\ncdr = a-cdr.db\n"
                               "[mapping-gateway customer]\nnetwork = 127.0.0.1/32\n"
                               "[routing-gateway switch-b]\naddress = 127.0.0.1:" +
                               std::to_string(port_b) + "\nencrypt = on\n";
    auto b = start_daemon(w, "b", conf_b, port_b, setup.mode_b, setup.key_b);
    auto a = start_daemon(w, "a", conf_a, port_a, setup.mode_a, setup.key_a);

    // The A-B link: from A's range to B's and back.
    const auto cap = w / "link.pcap";
    const std::string filter =
        "udp and ((src portrange " + std::to_string(ra) + "-" + std::to_string(ra + 39) +
        " and dst portrange " + std::to_string(rb) + "-" + std::to_string(rb + 39) +
        ") or (src portrange " + std::to_string(rb) + "-" + std::to_string(rb + 39) +
        " and dst portrange " + std::to_string(ra) + "-" + std::to_string(ra + 39) + "))";
    auto dump = std::make_unique<ssw::test::background_process>(
        ssw::test::require_program("tcpdump", "tcpdump"),
        std::vector<std::string>{"-i", "lo", "-U", "-n", "-w", cap.string(), filter});
    r.captured = dump->wait_for_stderr("listening on", 5s);
    INFO(dump->stderr_text());
    REQUIRE(r.captured);

    // The caller's INVITE.
    const std::string host = setup.nat_caller ? "192.168.1.10" : "127.0.0.1";
    auto inv = ssw::sip::message_builder::request("INVITE", "sip:4930123456@127.0.0.1:" +
                                                                std::to_string(port_a));
    inv.header("Via", "SIP/2.0/UDP " + host + ":" + std::to_string(caller_sip.port()) +
                          ";branch=z9hG4bKrelay1;rport");
    inv.header("Max-Forwards", "70");
    inv.header("From", "<sip:1000@127.0.0.1>;tag=caller1");
    inv.header("To", "<sip:4930123456@127.0.0.1>");
    inv.header("Call-ID", "relay-call-1@test");
    inv.header("CSeq", "1 INVITE");
    inv.header("Contact", "<sip:1000@" + host + ":" + std::to_string(caller_sip.port()) + ">");
    // Behind NAT the SDP names an address nobody can reach; the relay must latch.
    inv.body("application/sdp",
             sdp_for(setup.nat_caller ? "192.0.2.77" : "127.0.0.1", caller_rtp.port()));
    caller_sip.send(static_cast<std::uint16_t>(port_a), inv.build());

    // The gateway answers what B sends it.
    const auto gw_inv = gw_sip.expect("INVITE ");
    const auto b_media = sdp_port(gw_inv);
    ssw::sip::message gm;
    REQUIRE(ssw::sip::parse_message(gw_inv, gm));
    auto ok = ssw::sip::make_response(
        gm, 200, "OK", "gwtag1",
        {{"Contact", "<sip:gw@127.0.0.1:" + std::to_string(gw_sip.port()) + ">"}});
    REQUIRE(ok);
    ssw::sip::message okm;
    REQUIRE(ssw::sip::parse_message(*ok, okm));
    gw_sip.send(static_cast<std::uint16_t>(port_b),
                ssw::sip::message_patch()
                    .set_body(sdp_for("127.0.0.1", gw_rtp.port()), std::string("application/sdp"))
                    .apply(okm));

    const auto caller_ok = caller_sip.expect("SIP/2.0 200");
    const auto a_media = sdp_port(caller_ok);
    auto ack =
        ssw::sip::message_builder::request("ACK", "sip:ssw@127.0.0.1:" + std::to_string(port_a));
    ack.header("Via", "SIP/2.0/UDP " + host + ":" + std::to_string(caller_sip.port()) +
                          ";branch=z9hG4bKrelayack;rport");
    ack.header("Max-Forwards", "70");
    ack.header("From", header(caller_ok, ssw::sip::header_id::from));
    ack.header("To", header(caller_ok, ssw::sip::header_id::to));
    ack.header("Call-ID", "relay-call-1@test");
    ack.header("CSeq", "1 ACK");
    caller_sip.send(static_cast<std::uint16_t>(port_a), ack.build());
    (void)gw_sip.expect("ACK ");

    // Speech both ways: the caller first (so that a NAT caller is latched), then the gateway.
    constexpr std::uint16_t packets = 200;
    for (std::uint16_t n = 0; n < packets; ++n) {
        const auto p = speech_packet(0x1111, n);
        caller_rtp.send(a_media, p);
        if (n % 10 == 9) {
            std::this_thread::sleep_for(2ms);
        }
    }
    for (std::uint16_t n = 0; n < packets; ++n) {
        const auto p = speech_packet(0x2222, n);
        gw_rtp.send(b_media, p);
        if (n % 10 == 9) {
            std::this_thread::sleep_for(2ms);
        }
    }
    const auto collect = [&](const udp& s, std::uint32_t ssrc, std::size_t& total,
                             std::size_t& identical) {
        while (const auto d = s.receive(500ms)) {
            ++total;
            if (d->size() == 172) {
                const auto n = static_cast<std::uint16_t>(
                    (static_cast<std::uint8_t>((*d)[2]) << 8) | static_cast<std::uint8_t>((*d)[3]));
                identical += *d == speech_packet(ssrc, n) ? 1U : 0U;
            }
        }
    };
    collect(gw_rtp, 0x1111, r.to_callee, r.to_callee_identical);
    collect(caller_rtp, 0x2222, r.to_caller, r.to_caller_identical);

    if (!setup.hang_up) {
        dump->stop(SIGINT, 5s);
        (void)a->stop(SIGTERM, 10s);
        (void)b->stop(SIGTERM, 10s);
        r.log_a = a->stderr_text();
        r.log_b = b->stderr_text();
        for (const auto base : {ra, rb}) {
            for (std::uint16_t p = base; p < base + 40; ++p) {
                const int fd = ::socket(AF_INET, SOCK_DGRAM, 0);
                sockaddr_in sa{};
                sa.sin_family = AF_INET;
                sa.sin_port = htons(p);
                sa.sin_addr.s_addr = htonl(INADDR_ANY);
                r.ports_bindable_after +=
                    ::bind(fd, reinterpret_cast<sockaddr*>(&sa), sizeof sa) == 0 ? 1U : 0U;
                ::close(fd);
            }
        }
        return r;
    }
    // The caller hangs up.
    auto bye =
        ssw::sip::message_builder::request("BYE", "sip:ssw@127.0.0.1:" + std::to_string(port_a));
    bye.header("Via", "SIP/2.0/UDP " + host + ":" + std::to_string(caller_sip.port()) +
                          ";branch=z9hG4bKrelaybye;rport");
    bye.header("Max-Forwards", "70");
    bye.header("From", header(caller_ok, ssw::sip::header_id::from));
    bye.header("To", header(caller_ok, ssw::sip::header_id::to));
    bye.header("Call-ID", "relay-call-1@test");
    bye.header("CSeq", "2 BYE");
    caller_sip.send(static_cast<std::uint16_t>(port_a), bye.build());
    (void)caller_sip.expect("SIP/2.0 200");
    const auto gw_bye = gw_sip.expect("BYE ");
    ssw::sip::message bm;
    REQUIRE(ssw::sip::parse_message(gw_bye, bm));
    gw_sip.send(static_cast<std::uint16_t>(port_b),
                *ssw::sip::make_response(bm, 200, "OK", {}, {}));
    std::this_thread::sleep_for(300ms);

    dump->stop(SIGINT, 5s);
    (void)a->stop(SIGTERM, 10s);
    (void)b->stop(SIGTERM, 10s);
    r.log_a = a->stderr_text();
    r.log_b = b->stderr_text();
    const auto d =
        ssw::test::run_tool(SSW_RTPCRYPT_BIN, {"diagnose", cap.string(), "--key", setup.key_a});
    r.diagnose = d.out + d.err;
    r.diagnose_exit = d.exit_code;
    return r;
}

} // namespace

TEST_CASE("interop::relay: two softswitches with an AES128 link carry speech byte-identical, the "
          "link is encrypted",
          "[interop][media]")
{
    const auto r = run_call({});
    INFO(r.log_a);
    INFO(r.log_b);
    INFO(r.diagnose);
    CHECK(r.to_callee == 200);
    CHECK(r.to_callee_identical == 200);
    CHECK(r.to_caller == 200);
    CHECK(r.to_caller_identical == 200);
    CHECK(!has(r.log_a, "cannot bind"));
    CHECK(!has(r.log_b, "cannot bind"));
    // Under SSW_SANITIZE builds the daemons' own reports end up in their logs.
    CHECK(!has(r.log_a + r.log_b, "Sanitizer"));
    CHECK(!has(r.log_a + r.log_b, "runtime error:"));
    // Both daemons released every port when the call ended (the count at SIGTERM).
    CHECK(has(r.log_a, "0 port pairs held by 0 calls at stop"));
    CHECK(has(r.log_b, "0 port pairs held by 0 calls at stop"));
    CHECK(r.diagnose_exit == 0);
    CHECK(has(r.diagnose, "decrypts with mode 3 (aes128), native scheme"));
}

TEST_CASE("interop::relay: mismatched keys or modes give garbage and diagnose names the mismatch",
          "[interop][media]")
{
    SECTION("key mismatch")
    {
        daemon_setup s;
        s.key_b = "fedcba9876543210";
        const auto r = run_call(s);
        INFO(r.diagnose);
        CHECK(r.to_callee == 200);
        CHECK(r.to_callee_identical == 0);
        CHECK(r.to_caller_identical == 0);
        CHECK(r.diagnose_exit == 1);
        CHECK((has(r.diagnose, "ONE WAY") || has(r.diagnose, "KEY MISMATCH")));
    }
    SECTION("mode mismatch: B treats the link as plain")
    {
        daemon_setup s;
        s.b_encrypts = false;
        const auto r = run_call(s);
        INFO(r.diagnose);
        CHECK(r.to_callee_identical == 0);
        CHECK(r.to_caller_identical == 0);
        CHECK(r.diagnose_exit == 1);
        CHECK(has(r.diagnose, "MODE MISMATCH"));
    }
}

TEST_CASE("interop::relay: a caller behind NAT gets media after latching", "[interop][media]")
{
    daemon_setup s;
    s.nat_caller = true;
    const auto r = run_call(s);
    INFO(r.log_a);
    INFO(r.log_b);
    INFO("to callee " << r.to_callee << ", to caller " << r.to_caller);
    CHECK(r.to_callee_identical == 200);
    CHECK(r.to_caller_identical == 200);
}

TEST_CASE("interop::relay: SIGTERM during a relayed call releases every media port",
          "[interop][media]")
{
    daemon_setup s;
    s.hang_up = false;
    const auto r = run_call(s);
    INFO(r.log_a);
    INFO(r.log_b);
    CHECK(r.to_callee_identical == 200);
    CHECK(has(r.log_a, "2 port pairs held by 1 calls at stop (released now)"));
    CHECK(has(r.log_b, "2 port pairs held by 1 calls at stop (released now)"));
    CHECK(r.ports_bindable_after == 80);
    CHECK(!has(r.log_a + r.log_b, "Sanitizer"));
}

namespace {

// One ssw-run, two gateways played by the test: the first answers 180 without SDP, sends
// RTP to the relay port of its INVITE, then fails with 480. Returns whether the second
// gateway got an INVITE (the call was switched) and the daemon's log.
std::pair<bool, std::string> early_rtp_then_failure(bool stop_after_rtp)
{
    ssw::test::temp_dir w;
    const int port = ssw::test::free_port();
    udp caller_sip, gw1_sip, gw2_sip, gw1_rtp;
    const ssw::test::port_range media(40);
    const std::string conf = "media-ports = " + media.text() +
                             "\nbindings = bind.db\ncdr = cdr.db\n"
                             "[mapping-gateway customer]\nnetwork = 127.0.0.1/32\n"
                             "[routing-gateway first]\naddress = 127.0.0.1:" +
                             std::to_string(gw1_sip.port()) +
                             "\npriority = 1\nrelay-media = on\n"
                             "[routing-gateway second]\naddress = 127.0.0.1:" +
                             std::to_string(gw2_sip.port()) + "\npriority = 2\nrelay-media = on\n";
    const auto conf_path = w / "ssw.conf";
    std::ofstream(conf_path) << conf;
    const auto params = w / "params.conf";
    std::ofstream(params) << "SS_GATEWAY_SWITCH_STOP_AFTER_RTP_START = "
                          << (stop_after_rtp ? "On" : "Off") << "\n";
    ssw::test::background_process d(SSW_RUN_BIN,
                                    {"-c", conf_path.string(), "-p", params.string(), "--listen",
                                     "udp:127.0.0.1:" + std::to_string(port)},
                                    w.path().string());
    REQUIRE(d.wait_for_stderr("listening", 10s));

    auto inv = ssw::sip::message_builder::request("INVITE", "sip:4930123456@127.0.0.1:" +
                                                                std::to_string(port));
    inv.header("Via", "SIP/2.0/UDP 127.0.0.1:" + std::to_string(caller_sip.port()) +
                          ";branch=z9hG4bKsw1;rport");
    inv.header("Max-Forwards", "70");
    inv.header("From", "<sip:1000@127.0.0.1>;tag=caller1");
    inv.header("To", "<sip:4930123456@127.0.0.1>");
    inv.header("Call-ID", "switch-call-1@test");
    inv.header("CSeq", "1 INVITE");
    inv.header("Contact", "<sip:1000@127.0.0.1:" + std::to_string(caller_sip.port()) + ">");
    inv.body("application/sdp", sdp_for("127.0.0.1", 4000));
    caller_sip.send(static_cast<std::uint16_t>(port), inv.build());

    const auto g1 = gw1_sip.expect("INVITE ");
    const auto relay_port = sdp_port(g1);
    ssw::sip::message m;
    REQUIRE(ssw::sip::parse_message(g1, m));
    gw1_sip.send(static_cast<std::uint16_t>(port),
                 *ssw::sip::make_response(m, 180, "Ringing", "gw1tag", {}));
    // Early media before any SDP told the relay where this gateway is.
    for (std::uint16_t n = 0; n < 5; ++n) {
        const auto p = speech_packet(0x3333, n);
        gw1_rtp.send(relay_port, p);
    }
    std::this_thread::sleep_for(300ms);
    gw1_sip.send(static_cast<std::uint16_t>(port),
                 *ssw::sip::make_response(m, 480, "Temporarily Unavailable", "gw1tag", {}));
    const auto at_gw2 = gw2_sip.receive(2s);
    (void)d.stop(SIGTERM, 10s);
    return {at_gw2.has_value(),
            d.stderr_text() + (at_gw2 ? "\nsecond gateway got:\n" + *at_gw2 : "")};
}

} // namespace

TEST_CASE("interop::relay: RTP from a gateway before any SDP keeps it with "
          "SS_GATEWAY_SWITCH_STOP_AFTER_RTP_START On, not Off",
          "[interop][media]")
{
    const auto on = early_rtp_then_failure(true);
    INFO(on.second);
    CHECK(!on.first);
    CHECK(!has(on.second, "Sanitizer"));
    const auto off = early_rtp_then_failure(false);
    INFO(off.second);
    CHECK(off.first);
}
