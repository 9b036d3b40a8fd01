// SPDX-License-Identifier: MIT
// libFuzzer target: SDP parsing and the relay rewriter.
#include <ssw/sdp/session.hpp>

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
    const std::string buffer(reinterpret_cast<const char*>(data), size);
    auto s = ssw::sdp::parse_session(buffer);
    if (!s) {
        return 0;
    }
    for (std::size_t i = 0; i < s->media_list.size(); ++i) {
        (void)s->connection_for(i);
        (void)s->direction_for(i);
        (void)s->media_list[i].payload_types();
    }
    ssw::sdp::rewrite rw;
    rw.connection_address = size % 2 == 0 ? "203.0.113.7" : "2001:db8::7";
    rw.media_ports = {40000, std::nullopt, 40004};
    auto out = ssw::sdp::rewrite_session(buffer, rw);
    if (!out) {
        std::abort(); // a session that parsed must be rewritable
    }
    auto again = ssw::sdp::parse_session(*out);
    if (!again || again->media_list.size() != s->media_list.size()) {
        std::abort();
    }
    if (*ssw::sdp::rewrite_session(buffer, ssw::sdp::rewrite{}) != buffer) {
        std::abort();
    }
    return 0;
}
