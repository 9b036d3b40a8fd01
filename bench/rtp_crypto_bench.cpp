// SPDX-License-Identifier: MIT
// Payload cipher throughput per mode and payload size, against an in-process EVP
// aes-128-ctr loop shaped like `openssl speed -evp` (built and run by rtp_crypto_bench.sh).
#include <ssw/crypto/payload_cipher.hpp>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <dlfcn.h>
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
    return static_cast<double>(calls * size) / std::chrono::duration<double>(now - start).count() /
           1e6;
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

// The reference comes from libcrypto opened at run time: bench programs link only
// ssw::common, which keeps OpenSSL private.
struct evp_api {
    void* (*ctx_new)() = nullptr;
    void (*ctx_free)(void*) = nullptr;
    const void* (*aes_128_ctr)() = nullptr;
    int (*init)(void*, const void*, const unsigned char*, const unsigned char*,
                const void*) = nullptr;
    int (*update)(void*, unsigned char*, int*, const unsigned char*, int) = nullptr;
};

template <class F> void bind(void* lib, const char* name, F& fn)
{
    fn = reinterpret_cast<F>(::dlsym(lib, name));
    if (fn == nullptr) {
        std::fprintf(stderr, "libcrypto has no %s\n", name);
        std::exit(1);
    }
}

evp_api load_evp()
{
    void* lib = ::dlopen("libcrypto.so.3", RTLD_NOW);
    if (lib == nullptr) {
        std::fprintf(stderr, "cannot open libcrypto.so.3\n");
        std::exit(1);
    }
    evp_api api;
    bind(lib, "EVP_CIPHER_CTX_new", api.ctx_new);
    bind(lib, "EVP_CIPHER_CTX_free", api.ctx_free);
    bind(lib, "EVP_aes_128_ctr", api.aes_128_ctr);
    bind(lib, "EVP_EncryptInit_ex2", api.init);
    bind(lib, "EVP_EncryptUpdate", api.update);
    return api;
}

} // namespace

int main(int argc, char** argv)
{
    const double seconds = argc > 1 ? std::atof(argv[1]) : 2.0;
    const evp_api evp = load_evp();
    const std::vector<std::uint8_t> key16(16, 0x5a);
    for (const std::size_t size : {std::size_t{160}, std::size_t{1200}}) {
        std::vector<std::uint8_t> payload(size, 0xff);
        std::vector<std::uint8_t> ref_payload(size, 0xff);
        // The reference: one EVP_EncryptUpdate per block, no per-packet IV (openssl speed -evp).
        void* ref = evp.ctx_new();
        const std::uint8_t iv[16] = {};
        if (ref == nullptr || evp.init(ref, evp.aes_128_ctr(), key16.data(), iv, nullptr) != 1) {
            std::fprintf(stderr, "EVP aes-128-ctr init failed\n");
            return 1;
        }
        const auto ref_step = [&] {
            int out = 0;
            return evp.update(ref, ref_payload.data(), &out, ref_payload.data(),
                              static_cast<int>(size)) == 1;
        };
        for (const auto m :
             {ssw::crypto::mode::xor_, ssw::crypto::mode::rc4, ssw::crypto::mode::aes128}) {
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
            std::printf("mode %d %-6s %5zu bytes: %9.1f MB/s %10.0f packets/s; reference evp "
                        "aes-128-ctr %9.1f MB/s;"
                        " median ratio %6.1f%%\n",
                        static_cast<int>(m), std::string(ssw::crypto::to_string(m)).c_str(), size,
                        r.ours_mbs, r.ours_mbs * 1e6 / static_cast<double>(size), r.ref_mbs,
                        100 * r.median_ratio);
        }
        evp.ctx_free(ref);
    }
    return 0;
}
