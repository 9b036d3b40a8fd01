// SPDX-License-Identifier: MIT
// ssw::pcap::writer: writes frames to a classic pcap file (or "-" for stdout) that tshark opens.
#pragma once

#include <ssw/core/result.hpp>
#include <ssw/pcap/link_type.hpp>
#include <ssw/pcap/reader.hpp>

#include <cstdint>
#include <filesystem>
#include <memory>
#include <span>
#include <string>

namespace ssw::pcap {

// Options of a new capture file; copy them from the reader to keep the input's format.
struct writer_options {
    link_type link = link_type::ethernet;
    timestamp_precision precision = timestamp_precision::micro;
    std::uint32_t snaplen = 262144;
};

// Writes a pcap (not pcapng) file in host byte order with the magic of its precision
// (a1b2c3d4 micro, a1b23c4d nano). Output is buffered; close() flushes and reports errors,
// the destructor flushes silently. A file is written directly (not via a temp file) so a
// long filter run can be watched; "-" writes to stdout.
class writer {
  public:
    // Creates (truncates) `path` and writes the file header. cant_create if it cannot be
    // opened, io_error if the header write fails.
    static result<writer> open(const std::filesystem::path& path, const writer_options& options);

    // Options that reproduce the input's link type, precision and snaplen.
    [[nodiscard]] static writer_options options_like(const reader& input);

    writer(writer&&) noexcept;
    writer& operator=(writer&&) noexcept;
    writer(const writer&) = delete;
    writer& operator=(const writer&) = delete;
    ~writer();

    // Appends one record. `original_length` below data.size() is raised to it; data longer
    // than the snaplen is rejected with invalid_argument. io_error on a failed write.
    result<void> write(std::int64_t timestamp_ns, std::span<const std::uint8_t> data,
                       std::uint32_t original_length);
    // Appends a packet as read (its link type is not checked against the file's).
    result<void> write(const packet& p);

    // Flushes and closes; io_error if anything failed. Further writes fail.
    result<void> close();

    [[nodiscard]] std::uint64_t frames_written() const noexcept;

  private:
    struct impl;
    explicit writer(std::unique_ptr<impl> p);
    std::unique_ptr<impl> impl_;
};

// Encodes the 24-byte pcap file header and one 16-byte record header (host byte order);
// for tests and tools that build captures in memory.
void encode_file_header(std::string& out, const writer_options& options);
void encode_record(std::string& out, timestamp_precision precision, std::int64_t timestamp_ns,
                   std::span<const std::uint8_t> data, std::uint32_t original_length);

} // namespace ssw::pcap
