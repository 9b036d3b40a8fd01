// SPDX-License-Identifier: MIT
// libFuzzer target: the relay's per-datagram path (latching, sequence counting, per-leg
// ciphers) on hostile datagrams, and the relay's SDP rewriting of hostile offers. Byte 0
// picks the port (leg, RTP or RTCP) and source; the rest is the datagram. The datagram's
// length never changes, and a packet relayed out and back through the encrypted leg comes
// back unchanged.
#include <ssw/media/call_media.hpp>
#include <ssw/media/relay.hpp>

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>
#include <vector>

namespace {

struct world {
    ssw::core::manual_clock clock;
    ssw::media::relay relay{{40000, 40015, true, std::chrono::milliseconds(1000)}, clock};
    ssw::media::call_media media{relay, {}};
    ssw::media::session_id session = 0;
    std::uint16_t a = 0;
    std::uint16_t b = 0;

    world()
    {
        session = relay.open();
        const auto p = relay.ensure_stream(session, 0);
        a = p->first;
        b = p->second;
        (void)relay.set_leg(session, ssw::media::side::a, {true, ssw::crypto::mode::none, {}});
        (void)relay.set_leg(session, ssw::media::side::b,
                            {false, ssw::crypto::mode::aes128, ssw::crypto::key_bytes(16, 0x42)});
        relay.set_remote(session, 0, ssw::media::side::a,
                         {ssw::core::ip_address::v4(0x0a000001), 4000});
        relay.set_remote(session, 0, ssw::media::side::b,
                         {ssw::core::ip_address::v4(0x0a000002), 5000});
        relay.arm_timeout(session);
    }
};

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
    static world w;
    if (size == 0) {
        return 0;
    }
    const std::uint8_t selector = data[0];
    std::vector<std::uint8_t> packet(data + 1, data + size);
    const auto original = packet;
    const bool from_b = (selector & 1U) != 0;
    const bool rtcp_port = (selector & 2U) != 0;
    const std::uint16_t port =
        static_cast<std::uint16_t>((from_b ? w.b : w.a) + (rtcp_port ? 1 : 0));
    const ssw::media::endpoint src{
        ssw::core::ip_address::v4(from_b ? 0x0a000002U : 0x0a000001U + (selector >> 4U)),
        static_cast<std::uint16_t>(from_b ? 5000 + (rtcp_port ? 1 : 0) : 4000)};
    const auto f = w.relay.on_datagram(port, src, packet);
    if (packet.size() != original.size()) {
        std::abort();
    }
    if (f.send && !from_b && !rtcp_port) {
        // Back through the encrypted leg: the cipher undoes itself.
        const auto back =
            w.relay.on_datagram(w.b, {ssw::core::ip_address::v4(0x0a000002U), 5000}, packet);
        if (back.send && packet != original) {
            std::abort();
        }
    }
    if ((selector & 0xc0U) == 0xc0U) {
        // Hostile SDP through the rewriting path.
        ssw::b2bua::media_leg_info relayed;
        relayed.relay_always = true;
        w.media.call_started("fuzz", relayed);
        (void)w.media.sdp("fuzz", ssw::b2bua::media_side::caller,
                          std::string_view(reinterpret_cast<const char*>(data + 1), size - 1));
        (void)w.media.call_ended("fuzz");
    }
    w.clock.advance(std::chrono::milliseconds(selector));
    w.relay.on_timer();
    std::vector<ssw::media::relay_event> ev;
    w.relay.take_events(ev);
    std::vector<ssw::media::port_change> changes; // what net/ would drain after each call
    w.relay.take_port_changes(changes);
    return 0;
}
