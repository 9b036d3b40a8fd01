// SPDX-License-Identifier: MIT
// Diagnosis of encrypted RTP: plain or not, which candidate key/scheme fits, mismatch patterns.
#pragma once

#include <ssw/crypto/key.hpp>
#include <ssw/crypto/scheme.hpp>
#include <ssw/rtp/audio_score.hpp>
#include <ssw/rtp/packet.hpp>
#include <ssw/rtp/pad_recovery.hpp>

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace ssw::rtp {

// One RTP packet of a stream, copied out of its capture.
struct stream_packet {
    packet_fields fields;
    std::uint8_t payload_type = 0;
    std::vector<std::uint8_t> payload;
};

// One RTP stream (one SSRC in one direction). `source`/`destination` are "addr:port" and
// pair the two directions of a leg; `call_id` groups the legs of a call when SIP was seen.
struct stream {
    std::uint32_t ssrc = 0;
    std::string source;
    std::string destination;
    std::string call_id;
    std::vector<stream_packet> packets; // arrival order
};

// A candidate key. `label` is how output names it ("key 1", "params file"): keys are
// never printed. `configured_mode` is set when the key came with a mode (an ssw parameter
// file), so a fit under another mode can be reported as a mode mismatch.
struct key_candidate {
    std::string label;
    crypto::key_bytes key;
    std::optional<crypto::mode> configured_mode;
};

struct diagnosis_options {
    std::vector<key_candidate> keys;
    bool try_hypotheses = true;       // besides native, try the provisional schemes
    bool recover_pad = true;          // key-less static pad recovery when nothing fits
    std::size_t window_packets = 150; // first N packets of each stream (3 s at 20 ms)
};

// What one stream turned out to be.
enum class stream_state : std::uint8_t {
    plain,         // plausible audio as captured
    decrypted,     // a candidate key + scheme turns it into plausible audio
    pad_recovered, // encrypted; a static pad recovered without a key decodes it
    encrypted,     // looks like cipher output and nothing tried fits
    undetermined,  // too few packets or a codec the scoring cannot judge
};
// "plain", "decrypted", "pad_recovered", "encrypted", "undetermined" (the --json values).
[[nodiscard]] std::string_view to_string(stream_state s) noexcept;

// The winning candidate for a stream.
struct stream_match {
    std::size_t key_index = 0; // into diagnosis_options::keys
    const crypto::scheme* scheme = nullptr;
    crypto::key_derivation derivation = crypto::key_derivation::raw;
    double confidence = 0; // audio score after decryption (0..1)
    double runner_up = 0;  // best score of any other key (separation)
};

struct stream_verdict {
    stream_state state = stream_state::undetermined;
    codec format = codec::unknown;
    std::size_t packets_analysed = 0;
    double plain_score = 0; // audio score as captured
    std::optional<stream_match> match;
    std::optional<pad_recovery> pad;
};

// The pattern across the two directions of a leg (rtpcrypt(1), diagnose).
enum class leg_finding : std::uint8_t {
    ok,            // both plain, or both fit the same candidate and scheme
    mode_mismatch, // one direction plain and the other encrypted, or different modes/schemes
    key_mismatch,  // both encrypted and neither fits, or they fit different keys
    one_way,       // one direction fits, the other does not (or has no RTP at all)
    undetermined,
};
// "ok", "mode_mismatch", "key_mismatch", "one_way", "undetermined" (the --json values).
[[nodiscard]] std::string_view to_string(leg_finding f) noexcept;

// A leg's reverse index when the capture has no stream in the other direction.
inline constexpr std::size_t no_stream = static_cast<std::size_t>(-1);

struct leg_verdict {
    std::size_t forward = no_stream; // stream indexes; reverse may be no_stream
    std::size_t reverse = no_stream;
    leg_finding finding = leg_finding::undetermined;
    std::string explanation; // one sentence for people
};

struct diagnosis_report {
    std::vector<stream_verdict> streams; // parallel to the input streams
    std::vector<leg_verdict> legs;
    // True when every stream is plain or decrypts with a given key and no leg shows a mismatch.
    bool clean = false;
};

// Scores a stream as captured, then (if it is not plain) every candidate key under every
// scheme (and AES key derivation), then static pad recovery; pairs streams by reversed
// addresses into legs and names the mismatch. Deterministic; never fails (bad candidate keys
// for a scheme are skipped).
[[nodiscard]] diagnosis_report diagnose(const std::vector<stream>& streams,
                                        const diagnosis_options& options);

// The verdict for one stream (what diagnose does per stream).
[[nodiscard]] stream_verdict diagnose_stream(const stream& s, const diagnosis_options& options);

} // namespace ssw::rtp
