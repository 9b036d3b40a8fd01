// SPDX-License-Identifier: MIT
// ssw::pcap::reader: streaming pcap/pcapng file reading over libpcap (file or "-" for stdin).
#pragma once

#include <ssw/core/result.hpp>
#include <ssw/pcap/link_type.hpp>

#include <cstdint>
#include <filesystem>
#include <memory>
#include <optional>
#include <span>
#include <string>

namespace ssw::pcap {

// One captured frame. `data` points into the reader's buffer and stays valid only until
// the next call to reader::next (copy it to keep it).
struct packet {
    std::uint64_t frame_number = 0;       // 1-based, as tshark numbers frames
    std::int64_t timestamp_ns = 0;        // capture time, nanoseconds since the Unix epoch
    std::span<const std::uint8_t> data;   // the captured bytes (may be shorter than the frame)
    std::uint32_t original_length = 0;    // the frame's length on the wire
    link_type link = link_type::ethernet; // link-layer header type of `data`
};

// Reads packets one at a time with memory independent of the file size. Works on pcap
// (micro- and nanosecond) and pcapng files, and on stdin when the path is "-".
// Move-only; libpcap stays hidden behind the pointer.
class reader {
  public:
    // Opens a capture. Fails with not_found if the file does not exist, io_error if it
    // cannot be read, parse_error if it is not a pcap/pcapng file (where = the path).
    static result<reader> open(const std::filesystem::path& path);

    reader(reader&&) noexcept;
    reader& operator=(reader&&) noexcept;
    reader(const reader&) = delete;
    reader& operator=(const reader&) = delete;
    ~reader();

    // The next packet, or nullopt at the clean end of the file. A truncated or corrupt
    // file yields parse_error with where = "<path>: frame N" (N = the frame that could not
    // be read, so N-1 frames were delivered) and the byte offset in the message; after an
    // error every further call returns nullopt.
    result<std::optional<packet>> next();

    // Link-layer type of every packet in the file.
    [[nodiscard]] link_type link() const noexcept;
    // Resolution of the file's timestamps (pcapng files report micro unless their
    // interface says nanoseconds); packet::timestamp_ns is always in nanoseconds.
    [[nodiscard]] timestamp_precision precision() const noexcept;
    // Snapshot length the file declares.
    [[nodiscard]] std::uint32_t snaplen() const noexcept;
    // True for pcapng input.
    [[nodiscard]] bool is_pcapng() const noexcept;
    // Frames delivered so far.
    [[nodiscard]] std::uint64_t frames_read() const noexcept;
    // Bytes of the file consumed so far, and its size when known (regular files), for
    // progress bars.
    [[nodiscard]] std::uint64_t bytes_read() const noexcept;
    [[nodiscard]] std::optional<std::uint64_t> file_size() const noexcept;
    // The path as given ("-" for stdin), used in error locations.
    [[nodiscard]] const std::string& path() const noexcept;

  private:
    struct impl;
    explicit reader(std::unique_ptr<impl> p);
    std::unique_ptr<impl> impl_;
};

} // namespace ssw::pcap
