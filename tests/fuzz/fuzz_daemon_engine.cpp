// SPDX-License-Identifier: MIT
// libFuzzer target: arbitrary datagrams from several sources into the daemon engine, with the
// clock moving between them. Nothing may crash, and the engine's tables must stay bounded.
#include <ssw/daemon/engine.hpp>

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

namespace {
struct fixture {
    ssw::core::manual_clock clock;
    ssw::registrar::binding_store store =
        *ssw::registrar::binding_store::open(":memory:", clock.wall_now());
    ssw::daemon::engine engine{ssw::provision::demo_config("/tmp"), ssw::params::settings{}, clock,
                               store, [](ssw::daemon::log_level, std::string_view) {}};
};
} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
    static fixture f;
    // The first byte picks the source and how far the clock moves; the rest is the datagram.
    if (size == 0) {
        return 0;
    }
    const std::uint8_t control = data[0];
    const std::string_view datagram(reinterpret_cast<const char*>(data + 1), size - 1);
    const ssw::sip::peer from{
        ssw::core::ip_address::v4(0x7f000001u + (control & 0x0fu)),
        static_cast<std::uint16_t>(5060 + (control >> 4)),
        (control & 0x80) != 0 ? ssw::sip::transport_kind::tcp : ssw::sip::transport_kind::udp, 1};
    std::vector<ssw::sip::outgoing> out;
    f.engine.on_message(datagram, from, out);
    f.engine.flush(out);
    f.clock.advance(std::chrono::milliseconds(control * 37));
    f.engine.on_timer(out);
    if (f.engine.open_transactions() > 200000) {
        std::abort();
    }
    return 0;
}
