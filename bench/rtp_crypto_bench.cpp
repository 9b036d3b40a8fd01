// SPDX-License-Identifier: MIT
// Payload cipher throughput per mode and payload size, against an in-process EVP
// aes-128-ctr loop shaped like `openssl speed -evp` (built and run by rtp_crypto_bench.sh).
#include <ssw/crypto/payload_cipher.hpp>

#include <openssl/evp.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <functional>
#include <string>
#include <vector>

namespace {

// MB/s of `step` (one call per packet) over `seconds`.
double rate(double seconds, std::size_t size, const std::function<bool()>& step)
{
    std::uint64_t calls = 0;
    const auto start = std::chrono::steady_clock::now();
    auto now = start;
    while (std::chrono::duration<double>(now - start).count() < seconds) {
        for (int i = 0; i < 256; ++i) {
            if (!step()) {
                std::exit(1);
            }
        }
        calls += 256;
        now = std::chrono::steady_clock::now();
    }
    return static_cast<double>(calls * size) / std::chrono::duration<double>(now - start).count() / 1e6;
}

struct ratio_result {
    double ours_mbs;
    double ref_mbs;
    double median_ratio;
};

// Alternates short runs of the reference and of ours and takes the median of the per-round
// ratios, so load from other processes on a shared machine cancels out.
ratio_result compare(double seconds, std::size_t size, const std::function<bool()>& ref,
                     const std::function<bool()>& ours)
{
    constexpr int rounds = 21;
    std::vector<double> ratios;
    double best_ours = 0;
    double best_ref = 0;
    for (int r = 0; r < rounds; ++r) {
        const double a = rate(seconds / (2 * rounds), size, ref);
        const double b = rate(seconds / (2 * rounds), size, ours);
        best_ref = std::max(best_ref, a);
        best_ours = std::max(best_ours, b);
        ratios.push_back(b / a);
    }
    std::sort(ratios.begin(), ratios.end());
    return {best_ours, best_ref, ratios[rounds / 2]};
}

} // namespace

int main(int argc, char** argv)
{
    const double seconds = argc > 1 ? std::atof(argv[1]) : 2.0;
    const std::vector<std::uint8_t> key16(16, 0x5a);
    for (const std::size_t size : {std::size_t{160}, std::size_t{1200}}) {
        std::vector<std::uint8_t> payload(size, 0xff);
        std::vector<std::uint8_t> ref_payload(size, 0xff);
        // The reference: one EVP_EncryptUpdate per block, no per-packet IV (openssl speed -evp).
        EVP_CIPHER_CTX* ref = EVP_CIPHER_CTX_new();
        const std::uint8_t iv[16] = {};
        EVP_EncryptInit_ex2(ref, EVP_aes_128_ctr(), key16.data(), iv, nullptr);
        const auto ref_step = [&] {
            int out = 0;
            return EVP_EncryptUpdate(ref, ref_payload.data(), &out, ref_payload.data(), static_cast<int>(size)) == 1;
        };
        for (const auto m : {ssw::crypto::mode::xor_, ssw::crypto::mode::rc4, ssw::crypto::mode::aes128}) {
            auto cipher = ssw::crypto::payload_cipher::make(m, key16);
            if (!cipher) {
                std::fprintf(stderr, "%s\n", cipher.error().message.c_str());
                return 1;
            }
            ssw::crypto::header_fields f{0x12345678, 0, 0};
            const auto r = compare(seconds, size, ref_step, [&] {
                f.sequence = static_cast<std::uint16_t>(f.sequence + 1);
                f.timestamp += static_cast<std::uint32_t>(size);
                return static_cast<bool>(cipher->apply(payload, f));
            });
            std::printf("mode %d %-6s %5zu bytes: %9.1f MB/s %10.0f packets/s; reference evp aes-128-ctr %9.1f MB/s;"
                        " median ratio %6.1f%%\n",
                        static_cast<int>(m), std::string(ssw::crypto::to_string(m)).c_str(), size, r.ours_mbs,
                        r.ours_mbs * 1e6 / static_cast<double>(size), r.ref_mbs, 100 * r.median_ratio);
        }
        EVP_CIPHER_CTX_free(ref);
    }
    return 0;
}
