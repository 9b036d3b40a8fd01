// SPDX-License-Identifier: MIT
// libFuzzer target: TCP stream framing fed in varying chunk sizes, each framed unit parsed.
#include <ssw/sip/message.hpp>
#include <ssw/sip/stream_framer.hpp>

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
    if (size == 0) {
        return 0;
    }
    // The first byte picks the read size, so splits land everywhere.
    const std::size_t chunk = 1 + data[0] % 97;
    const std::string buffer(reinterpret_cast<const char*>(data + 1), size - 1);
    ssw::sip::framer_limits limits;
    limits.max_header_bytes = 4096;
    limits.max_message_bytes = 8192;
    ssw::sip::stream_framer framer(limits);
    ssw::sip::parse_options opt;
    opt.mode = ssw::sip::framing::stream;
    std::size_t framed = 0;
    for (std::size_t i = 0; i < buffer.size(); i += chunk) {
        framer.append(std::string_view(buffer).substr(i, chunk));
        while (true) {
            const auto f = framer.next();
            if (f.status == ssw::sip::frame_status::invalid) {
                return 0;
            }
            if (f.status == ssw::sip::frame_status::need_more) {
                break;
            }
            framed += f.skip + f.length;
            const std::string unit(framer.current());
            if (f.kind == ssw::sip::frame_kind::message) {
                (void)ssw::sip::parse_message(unit, opt);
            } else if (unit != "\r\n" && unit != "\r\n\r\n") {
                std::abort();
            }
        }
        if (framer.buffered() > limits.max_message_bytes + chunk) {
            std::abort();
        }
    }
    // One-shot framing of the whole buffer must agree with itself and stay in bounds.
    const auto whole = ssw::sip::next_frame(buffer, limits);
    if (whole.status == ssw::sip::frame_status::complete &&
        whole.skip + whole.length > buffer.size()) {
        std::abort();
    }
    (void)framed;
    return 0;
}
