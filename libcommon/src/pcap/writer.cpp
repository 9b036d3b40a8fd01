// SPDX-License-Identifier: MIT
// Classic pcap file writing (host byte order, micro- or nanosecond magic).
#include <ssw/pcap/writer.hpp>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <vector>

namespace ssw::pcap {
namespace {

template <class T> void append_raw(std::string& out, T value)
{
    char bytes[sizeof(T)];
    std::memcpy(bytes, &value, sizeof(T));
    out.append(bytes, sizeof(T));
}

} // namespace

void encode_file_header(std::string& out, const writer_options& options)
{
    append_raw<std::uint32_t>(out, options.precision == timestamp_precision::nano ? 0xa1b23c4du
                                                                                  : 0xa1b2c3d4u);
    append_raw<std::uint16_t>(out, 2);
    append_raw<std::uint16_t>(out, 4);
    append_raw<std::int32_t>(out, 0);  // thiszone
    append_raw<std::uint32_t>(out, 0); // sigfigs
    append_raw<std::uint32_t>(out, options.snaplen);
    append_raw<std::uint32_t>(out, static_cast<std::uint32_t>(options.link));
}

void encode_record(std::string& out, timestamp_precision precision, std::int64_t timestamp_ns,
                   std::span<const std::uint8_t> data, std::uint32_t original_length)
{
    // pcap seconds are unsigned 32-bit: clamp what cannot be represented.
    const std::int64_t ns = timestamp_ns < 0 ? 0 : timestamp_ns;
    std::int64_t sec = ns / 1'000'000'000;
    std::int64_t frac = ns % 1'000'000'000;
    if (precision == timestamp_precision::micro) {
        frac /= 1000;
    }
    if (sec > 0xffffffffLL) {
        sec = 0xffffffffLL;
    }
    const auto caplen = static_cast<std::uint32_t>(data.size());
    append_raw<std::uint32_t>(out, static_cast<std::uint32_t>(sec));
    append_raw<std::uint32_t>(out, static_cast<std::uint32_t>(frac));
    append_raw<std::uint32_t>(out, caplen);
    append_raw<std::uint32_t>(out, original_length < caplen ? caplen : original_length);
    out.append(reinterpret_cast<const char*>(data.data()), data.size());
}

struct writer::impl {
    std::string path;
    std::FILE* file = nullptr;
    bool owns_file = false;
    bool failed = false;
    int failed_errno = 0;
    writer_options options;
    std::uint64_t frames = 0;
    std::string record;
    std::vector<char> stdio_buffer = std::vector<char>(256 * 1024);

    impl() = default;
    impl(const impl&) = delete;
    impl& operator=(const impl&) = delete;
    ~impl()
    {
        if (file != nullptr) {
            if (owns_file) {
                std::fclose(file);
            } else {
                std::fflush(file);
            }
        }
    }
};

writer::writer(std::unique_ptr<impl> p) : impl_(std::move(p)) {}
writer::writer(writer&&) noexcept = default;
writer& writer::operator=(writer&&) noexcept = default;
writer::~writer() = default;

writer_options writer::options_like(const reader& input)
{
    return {input.link(), input.precision(), input.snaplen()};
}

result<writer> writer::open(const std::filesystem::path& path, const writer_options& options)
{
    auto p = std::make_unique<impl>();
    p->path = path.string();
    p->options = options;
    if (p->path == "-") {
        p->file = stdout;
    } else {
        p->file = std::fopen(path.c_str(), "wbe");
        if (p->file == nullptr) {
            const int e = errno;
            return unexpected(make_error(errc::cant_create,
                                         std::string("cannot create capture: ") + std::strerror(e),
                                         p->path, e));
        }
        p->owns_file = true;
        std::setvbuf(p->file, p->stdio_buffer.data(), _IOFBF, p->stdio_buffer.size());
    }
    std::string header;
    encode_file_header(header, options);
    if (std::fwrite(header.data(), 1, header.size(), p->file) != header.size()) {
        const int e = errno;
        return unexpected(make_error(errc::io_error, "cannot write capture header", p->path, e));
    }
    return writer(std::move(p));
}

result<void> writer::write(std::int64_t timestamp_ns, std::span<const std::uint8_t> data,
                           std::uint32_t original_length)
{
    impl& s = *impl_;
    if (s.file == nullptr || s.failed) {
        return unexpected(make_error(errc::io_error, "write to a failed or closed capture", s.path,
                                     s.failed_errno));
    }
    if (data.size() > s.options.snaplen) {
        return unexpected(make_error(errc::invalid_argument,
                                     "frame of " + std::to_string(data.size()) +
                                         " bytes exceeds the snapshot length " +
                                         std::to_string(s.options.snaplen),
                                     s.path));
    }
    s.record.clear();
    encode_record(s.record, s.options.precision, timestamp_ns, data, original_length);
    if (std::fwrite(s.record.data(), 1, s.record.size(), s.file) != s.record.size()) {
        s.failed = true;
        s.failed_errno = errno;
        return unexpected(make_error(errc::io_error,
                                     std::string("write failed: ") + std::strerror(s.failed_errno),
                                     s.path, s.failed_errno));
    }
    ++s.frames;
    return {};
}

result<void> writer::write(const packet& p)
{
    return write(p.timestamp_ns, p.data, p.original_length);
}

result<void> writer::close()
{
    impl& s = *impl_;
    if (s.file == nullptr) {
        return {};
    }
    int rc = std::fflush(s.file);
    int e = errno;
    if (s.owns_file) {
        if (std::fclose(s.file) != 0 && rc == 0) {
            rc = EOF;
            e = errno;
        }
    }
    s.file = nullptr;
    if (rc != 0 || s.failed) {
        const int code = s.failed ? s.failed_errno : e;
        return unexpected(make_error(errc::io_error,
                                     std::string("cannot finish capture: ") + std::strerror(code),
                                     s.path, code));
    }
    return {};
}

std::uint64_t writer::frames_written() const noexcept
{
    return impl_->frames;
}

} // namespace ssw::pcap
