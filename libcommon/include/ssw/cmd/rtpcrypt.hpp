// SPDX-License-Identifier: MIT
// rtpcrypt: encrypt, decrypt, diagnose and extract RTP payloads in captures (see rtpcrypt(1)).
#pragma once

#include <ssw/cli/exit_code.hpp>
#include <ssw/cli/io.hpp>
#include <ssw/core/result.hpp>

#include <cstddef>
#include <string>
#include <vector>

namespace ssw::cmd::rtpcrypt {

// Everything the command line can say; main.cpp binds CLI11 options onto these fields.
struct options {
    std::string subcommand; // payload, encrypt, decrypt, diagnose, extract, wrap

    // Cipher choice.
    std::string mode;              // 0-3 or none/xor/rc4/aes128; implied by a hypothesis scheme
    std::string scheme = "native"; // native or a hypothesis name (rtpcrypt(1))
    std::string key_derivation = "raw"; // AES schemes: raw, pad, md5
    std::vector<std::string> keys;      // --key (diagnose: any number)
    std::vector<std::string> key_files; // --key-file (first line; diagnose: one key per line)

    // Files.
    std::string input = "-";
    std::string output;

    // payload: header fields for the modes that need them, and the input form.
    std::string field_ssrc = "0";
    std::string field_seq = "0";
    std::string field_ts = "0";
    bool hex = false;
    bool decrypt = false; // payload: decrypt (matters for ECB/CBC hypotheses)

    // Stream selection (encrypt, decrypt, extract; all given groups must match).
    std::vector<std::string> ssrcs;
    std::vector<unsigned> ports;
    std::vector<std::string> addresses;
    std::string from; // ADDR or ADDR:PORT the packets come from
    std::string to;   // ADDR or ADDR:PORT they go to

    // diagnose
    std::vector<std::string> params_files;
    bool native_only = false;
    bool no_recover = false;
    std::size_t window = 150;

    // wrap
    int payload_type = -1; // -1: from the input file name (.alaw -> 8, else 0)
    std::size_t repeat = 1;
    bool both_directions = false;
};

// The --help footer.
inline constexpr const char* examples =
    "EXAMPLES:\n"
    "  rtpcrypt diagnose call.pcap --key-file keys.txt\n"
    "  rtpcrypt --json diagnose call.pcap --params /etc/ssw/ssw.conf | jq -r .finding\n"
    "  SSW_RTP_KEY=0123456789abcdef rtpcrypt decrypt --mode 3 in.pcap -o plain.pcap\n"
    "  printf 'ffffffff\\n' | rtpcrypt payload --mode xor --key k --hex\n";

// Runs one subcommand. Returns ok, or findings when diagnose saw a mismatch or a stream
// that no given key explains; errors: invalid_argument (options, missing key), crypto_error
// (key does not fit the mode, RC4 provider missing), not_found / parse_error (input),
// cant_create / io_error (output).
result<cli::exit_code> run(const options& opt, cli::io& io);

} // namespace ssw::cmd::rtpcrypt
