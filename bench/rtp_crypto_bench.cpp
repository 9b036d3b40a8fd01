// SPDX-License-Identifier: MIT
// Payload cipher throughput per mode and payload size (built and run by rtp_crypto_bench.sh).
#include <ssw/crypto/payload_cipher.hpp>
#include <ssw/crypto/scheme.hpp>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <vector>

int main(int argc, char** argv)
{
    const double seconds = argc > 1 ? std::atof(argv[1]) : 2.0;
    const std::vector<std::uint8_t> key16(16, 0x5a);
    for (const auto m : {ssw::crypto::mode::xor_, ssw::crypto::mode::rc4, ssw::crypto::mode::aes128}) {
        auto cipher = ssw::crypto::payload_cipher::make(m, key16);
        if (!cipher) {
            std::fprintf(stderr, "%s\n", cipher.error().message.c_str());
            return 1;
        }
        for (const std::size_t size : {std::size_t{160}, std::size_t{1200}}) {
            std::vector<std::uint8_t> payload(size, 0xff);
            ssw::crypto::header_fields f{0x12345678, 0, 0};
            std::uint64_t packets = 0;
            const auto start = std::chrono::steady_clock::now();
            auto now = start;
            while (std::chrono::duration<double>(now - start).count() < seconds) {
                for (int i = 0; i < 4096; ++i) {
                    f.sequence = static_cast<std::uint16_t>(f.sequence + 1);
                    f.timestamp += static_cast<std::uint32_t>(size);
                    if (!cipher->apply(payload, f)) {
                        return 1;
                    }
                }
                packets += 4096;
                now = std::chrono::steady_clock::now();
            }
            const double s = std::chrono::duration<double>(now - start).count();
            std::printf("mode %d %-6s %5zu bytes: %10.0f packets/s %9.1f MB/s\n", static_cast<int>(m),
                        std::string(ssw::crypto::to_string(m)).c_str(), size, static_cast<double>(packets) / s,
                        static_cast<double>(packets * size) / s / 1e6);
        }
    }
    return 0;
}
