// SPDX-License-Identifier: MIT
// libFuzzer target: a whole capture file (pcap or pcapng bytes) through reader + capture_decoder.
#include <ssw/pcap/capture_decoder.hpp>
#include <ssw/pcap/reader.hpp>

#include <cstddef>
#include <cstdint>
#include <string>
#include <sys/mman.h>
#include <unistd.h>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
    using namespace ssw::pcap;
    const int fd = ::memfd_create("fuzz_pcap_file", MFD_CLOEXEC);
    if (fd < 0) {
        return 0;
    }
    std::size_t written = 0;
    while (written < size) {
        const ssize_t n = ::write(fd, data + written, size - written);
        if (n <= 0) {
            ::close(fd);
            return 0;
        }
        written += static_cast<std::size_t>(n);
    }
    {
        auto r = reader::open("/proc/self/fd/" + std::to_string(fd));
        if (r) {
            std::size_t sum = 0;
            capture_handlers h;
            h.on_udp = [&sum](const udp_datagram& u) {
                for (const std::uint8_t b : u.payload) {
                    sum += b;
                }
            };
            h.on_tcp = [&sum](const tcp_chunk& c) {
                for (const std::uint8_t b : c.data) {
                    sum += b;
                }
            };
            capture_decoder dec(h);
            (void)decode_capture(*r, dec);
            (void)sum;
        }
    }
    ::close(fd);
    return 0;
}
