// SPDX-License-Identifier: MIT
// rtpcrypt: encrypt, decrypt, diagnose and extract RTP payloads (see rtpcrypt(1)).
#include <ssw/cli/app.hpp>
#include <ssw/cli/run.hpp>
#include <ssw/cmd/rtpcrypt.hpp>

int main(int argc, char** argv)
{
    ssw::cli::app app{
        "rtpcrypt",
        "Encrypt, decrypt and diagnose RTP payload encryption (SS_RTPENCRYPTIONMODE/KEY)."};
    ssw::cmd::rtpcrypt::options opt;
    app.require_subcommand(1);
    app.footer(ssw::cmd::rtpcrypt::examples);

    const auto cipher_options = [&opt](CLI::App* sub) {
        sub->add_option("--mode", opt.mode,
                        "Mode: 1|xor, 2|rc4, 3|aes128 (implied by a hypothesis --scheme)");
        sub->add_option("--scheme", opt.scheme,
                        "native (default) or a hypothesis: xor-static, rc4-static, "
                        "rc4-stream, aes-ecb-cleartail, aes-cbc-zeroiv-cleartail");
        sub->add_option("--kdf", opt.key_derivation,
                        "AES key derivation for hypotheses: raw (default), pad, md5");
    };
    const auto key_options = [&opt](CLI::App* sub) {
        sub->add_option("--key", opt.keys,
                        "Key as typed, or hex:0011...; never echoed ($SSW_RTP_KEY if absent)")
            ->allow_extra_args(false);
        sub->add_option("--key-file", opt.key_files, "File holding the key on its first line")
            ->allow_extra_args(false);
    };
    const auto select_options = [&opt](CLI::App* sub) {
        sub->add_option("--ssrc", opt.ssrcs,
                        "Only streams with this SSRC (decimal or 0x hex; repeatable)")
            ->allow_extra_args(false);
        sub->add_option("--port", opt.ports,
                        "Only streams with this UDP port on either side (repeatable)")
            ->allow_extra_args(false);
        sub->add_option("--address", opt.addresses,
                        "Only streams with this IP address on either side (repeatable)")
            ->allow_extra_args(false);
        sub->add_option("--from", opt.from, "Only packets sent from ADDR or ADDR:PORT (direction)");
        sub->add_option("--to", opt.to, "Only packets sent to ADDR or ADDR:PORT (direction)");
    };

    auto* payload =
        app.add_subcommand("payload", "Encrypt or decrypt raw payload bytes from stdin to stdout");
    payload->callback([&opt] { opt.subcommand = "payload"; });
    cipher_options(payload);
    key_options(payload);
    payload->add_option("--ssrc", opt.field_ssrc, "SSRC of the packet (modes 2 and 3), default 0");
    payload->add_option("--seq", opt.field_seq, "Sequence number of the packet, default 0");
    payload->add_option("--ts", opt.field_ts, "RTP timestamp of the packet, default 0");
    payload->add_flag("--hex", opt.hex, "Read and write one hex-encoded payload per line");
    payload->add_flag("--decrypt", opt.decrypt,
                      "Decrypt (differs from encrypt only for ECB/CBC hypotheses)");

    for (const char* name : {"encrypt", "decrypt"}) {
        auto* sub = app.add_subcommand(name, std::string(name) == "encrypt"
                                                 ? "Encrypt RTP payloads in a capture"
                                                 : "Decrypt RTP payloads in a capture");
        sub->callback([&opt, name] { opt.subcommand = name; });
        sub->add_option("input", opt.input, "Input capture (pcap or pcapng)")->required();
        sub->add_option("-o,--output", opt.output, "Output pcap ('-' for stdout)")->required();
        cipher_options(sub);
        key_options(sub);
        select_options(sub);
    }

    auto* diagnose = app.add_subcommand(
        "diagnose", "Say per stream: plain, which key/mode decrypts, or mismatch");
    diagnose->callback([&opt] { opt.subcommand = "diagnose"; });
    diagnose->add_option("input", opt.input, "Input capture ('-' for stdin)");
    diagnose
        ->add_option("--key", opt.keys,
                     "Candidate key (repeatable); as typed or hex:...; never echoed")
        ->allow_extra_args(false);
    diagnose
        ->add_option("--key-file", opt.key_files,
                     "File of candidate keys, one per line (repeatable)")
        ->allow_extra_args(false);
    diagnose
        ->add_option("--params", opt.params_files,
                     "ssw parameter file: SS_RTPENCRYPTIONMODE/KEY to check")
        ->allow_extra_args(false);
    diagnose->add_flag("--native-only", opt.native_only,
                       "Try only the native scheme, no hypotheses");
    diagnose->add_flag("--no-recover", opt.no_recover, "Skip key-less static pad recovery");
    diagnose->add_option("--window", opt.window,
                         "Packets per stream to analyse (default 150 = 3 s)");

    auto* extract =
        app.add_subcommand("extract", "Decode one G.711 stream (decrypting first) to a WAV file");
    extract->callback([&opt] { opt.subcommand = "extract"; });
    extract->add_option("input", opt.input, "Input capture ('-' for stdin)");
    extract->add_option("-o,--output", opt.output, "Output WAV file")->required();
    cipher_options(extract);
    key_options(extract);
    select_options(extract);

    auto* wrap = app.add_subcommand(
        "wrap", "Wrap raw G.711 audio into an RTP/UDP/IPv4 capture (test captures)");
    wrap->callback([&opt] { opt.subcommand = "wrap"; });
    wrap->add_option("input", opt.input, "Raw 8 kHz G.711 file, .ulaw or .alaw ('-' for stdin)");
    wrap->add_option("-o,--output", opt.output, "Output pcap ('-' for stdout)")->required();
    wrap->add_option("--pt", opt.payload_type,
                     "Payload type: 0 PCMU or 8 PCMA (default from the file name)");
    wrap->add_option("--from", opt.from, "Source ADDR:PORT (default 192.0.2.10:40000)");
    wrap->add_option("--to", opt.to, "Destination ADDR:PORT (default 198.51.100.20:50000)");
    wrap->add_option("--ssrc", opt.field_ssrc, "SSRC of the stream (default 0x5357ab01)");
    wrap->add_option("--repeat", opt.repeat, "Loop the audio this many times (default 1)");
    wrap->add_flag("--both", opt.both_directions,
                   "Also send the audio back from --to to --from (another SSRC)");
    cipher_options(wrap);
    wrap->add_option("--key", opt.keys,
                     "Encrypt while wrapping with this key (needs --mode or --scheme)")
        ->allow_extra_args(false);

    return ssw::cli::run(app, argc, argv,
                         [&](ssw::cli::io& io) { return ssw::cmd::rtpcrypt::run(opt, io); });
}
