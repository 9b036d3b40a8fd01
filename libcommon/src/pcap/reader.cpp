// SPDX-License-Identifier: MIT
// pcap/pcapng reading through libpcap's offline API, fed by a counting stdio cookie stream.
#include <ssw/pcap/reader.hpp>

#include <pcap/pcap.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>
#include <vector>

namespace ssw::pcap {
namespace {

constexpr std::size_t input_buffer_bytes = 256 * 1024;
// Year 2262 is past: int64 nanoseconds end there, and no capture is that late.
constexpr std::int64_t max_timestamp_seconds = 4'000'000'000;

// The byte source under libpcap's FILE*: our own buffer so that we can peek at the magic
// before libpcap reads it and know exactly how many bytes libpcap consumed.
struct input_source {
    int fd = -1;
    bool owns_fd = false;
    std::vector<char> buffer = std::vector<char>(input_buffer_bytes);
    std::size_t pos = 0;
    std::size_t len = 0;
    std::uint64_t consumed = 0;
    bool eof = false;
    int read_errno = 0;

    // Appends more input after the unread bytes; false at end of input or on error.
    bool refill()
    {
        if (eof || read_errno != 0) {
            return false;
        }
        if (pos > 0) {
            std::memmove(buffer.data(), buffer.data() + pos, len - pos);
            len -= pos;
            pos = 0;
        }
        for (;;) {
            const ssize_t n = ::read(fd, buffer.data() + len, buffer.size() - len);
            if (n > 0) {
                len += static_cast<std::size_t>(n);
                return true;
            }
            if (n == 0) {
                eof = true;
                return false;
            }
            if (errno != EINTR) {
                read_errno = errno;
                return false;
            }
        }
    }
};

ssize_t cookie_read(void* cookie, char* out, std::size_t size)
{
    auto* s = static_cast<input_source*>(cookie);
    std::size_t done = 0;
    while (done < size) {
        // Like read(2): return what is there rather than wait for a live pipe to fill up.
        if (s->pos == s->len && (done > 0 || !s->refill())) {
            break;
        }
        const std::size_t n = std::min(size - done, s->len - s->pos);
        std::memcpy(out + done, s->buffer.data() + s->pos, n);
        s->pos += n;
        done += n;
    }
    s->consumed += done;
    if (done == 0 && s->read_errno != 0) {
        errno = s->read_errno;
        return -1;
    }
    return static_cast<ssize_t>(done);
}

int cookie_close(void* cookie)
{
    auto* s = static_cast<input_source*>(cookie);
    if (s->owns_fd && s->fd >= 0) {
        ::close(s->fd);
    }
    s->fd = -1;
    return 0;
}

std::uint32_t load_u32(const char* p, bool big_endian)
{
    const auto b = [p](int i) {
        return static_cast<std::uint32_t>(static_cast<unsigned char>(p[i]));
    };
    return big_endian ? (b(0) << 24 | b(1) << 16 | b(2) << 8 | b(3))
                      : (b(3) << 24 | b(2) << 16 | b(1) << 8 | b(0));
}

std::uint16_t load_u16(const char* p, bool big_endian)
{
    const auto b = [p](int i) {
        return static_cast<std::uint16_t>(static_cast<unsigned char>(p[i]));
    };
    return static_cast<std::uint16_t>(big_endian ? (b(0) << 8 | b(1)) : (b(1) << 8 | b(0)));
}

// pcapng: the first interface's if_tsresol (option 9) says 10^-9 for nanosecond files.
timestamp_precision pcapng_precision(const char* data, std::size_t size)
{
    if (size < 28) {
        return timestamp_precision::micro;
    }
    const bool be = load_u32(data + 8, true) == 0x1a2b3c4d;
    const std::uint32_t shb_len = load_u32(data + 4, be);
    std::size_t at = shb_len;
    while (at + 12 <= size) {
        const std::uint32_t type = load_u32(data + at, be);
        const std::uint32_t len = load_u32(data + at + 4, be);
        if (len < 12 || at + len > size) {
            break;
        }
        if (type == 1) { // interface description block
            std::size_t opt = at + 16;
            while (opt + 4 <= at + len - 4) {
                const std::uint16_t code = load_u16(data + opt, be);
                const std::uint16_t olen = load_u16(data + opt + 2, be);
                if (code == 0) {
                    break;
                }
                if (code == 9 && olen >= 1 && opt + 5 <= size) {
                    const auto v = static_cast<unsigned char>(data[opt + 4]);
                    return v == 9 ? timestamp_precision::nano : timestamp_precision::micro;
                }
                opt += 4 + ((olen + 3u) & ~3u);
            }
            break;
        }
        at += len;
    }
    return timestamp_precision::micro;
}

// Maps libpcap's DLT_ value (which differs by platform for raw IP) to the LINKTYPE_ number.
link_type from_dlt(int dlt)
{
    switch (dlt) {
    case DLT_NULL: return link_type::null;
    case DLT_EN10MB: return link_type::ethernet;
    case DLT_RAW: return link_type::raw;
    case DLT_LOOP: return link_type::loop;
    case DLT_LINUX_SLL: return link_type::linux_sll;
    case DLT_LINUX_SLL2: return link_type::linux_sll2;
    case DLT_IPV4: return link_type::ipv4;
    case DLT_IPV6: return link_type::ipv6;
    default: break;
    }
    if (dlt == 101) {
        return link_type::raw;
    }
    return static_cast<link_type>(static_cast<std::uint32_t>(dlt));
}

} // namespace

struct reader::impl {
    std::string path;
    input_source source;
    ::pcap_t* handle = nullptr;
    link_type link = link_type::ethernet;
    timestamp_precision precision = timestamp_precision::micro;
    std::uint32_t snaplen = 0;
    bool pcapng = false;
    bool done = false;
    std::uint64_t frames = 0;
    std::optional<std::uint64_t> size;

    impl() = default;
    impl(const impl&) = delete;
    impl& operator=(const impl&) = delete;
    ~impl()
    {
        if (handle != nullptr) {
            ::pcap_close(handle); // closes the FILE*, whose cookie closes the fd
        }
    }
};

reader::reader(std::unique_ptr<impl> p) : impl_(std::move(p)) {}
reader::reader(reader&&) noexcept = default;
reader& reader::operator=(reader&&) noexcept = default;
reader::~reader() = default;

result<reader> reader::open(const std::filesystem::path& path)
{
    auto p = std::make_unique<impl>();
    p->path = path.string();
    if (p->path == "-") {
        p->source.fd = STDIN_FILENO;
        p->source.owns_fd = false;
    } else {
        const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
        if (fd < 0) {
            const int e = errno;
            return unexpected(make_error(e == ENOENT ? errc::not_found : errc::io_error,
                                         std::string("cannot open capture: ") + std::strerror(e),
                                         p->path, e));
        }
        p->source.fd = fd;
        p->source.owns_fd = true;
        struct stat st {};
        if (::fstat(fd, &st) == 0 && S_ISREG(st.st_mode)) {
            p->size = static_cast<std::uint64_t>(st.st_size);
        }
    }
    // Peek at the magic and, for pcapng, the section header and first interface block (for
    // its resolution). Read no further: on a live pipe more bytes may be long in coming.
    input_source& src = p->source;
    while (src.len < 4 && src.refill()) {
    }
    if (src.len >= 4 && load_u32(src.buffer.data(), false) == 0x0a0d0d0a) {
        while (src.len < 12 && src.refill()) {
        }
        const bool be = src.len >= 12 && load_u32(src.buffer.data() + 8, true) == 0x1a2b3c4d;
        const std::size_t shb = src.len >= 12 ? load_u32(src.buffer.data() + 4, be) : 0;
        while (shb + 8 <= src.buffer.size() && src.len < shb + 8 && src.refill()) {
        }
        const std::size_t idb =
            src.len >= shb + 8 && shb > 0 ? load_u32(src.buffer.data() + shb + 4, be) : 0;
        while (shb + idb <= src.buffer.size() && src.len < shb + idb && src.refill()) {
        }
    }
    if (p->source.read_errno != 0) {
        const int e = p->source.read_errno;
        cookie_close(&p->source);
        return unexpected(make_error(
            errc::io_error, std::string("cannot read capture: ") + std::strerror(e), p->path, e));
    }
    if (p->source.len >= 4) {
        const std::uint32_t magic = load_u32(p->source.buffer.data(), false);
        const std::uint32_t magic_be = load_u32(p->source.buffer.data(), true);
        if (magic == 0x0a0d0d0a) {
            p->pcapng = true;
            p->precision = pcapng_precision(p->source.buffer.data(), p->source.len);
        } else if (magic == 0xa1b23c4d || magic_be == 0xa1b23c4d) {
            p->precision = timestamp_precision::nano;
        }
    }
    static const cookie_io_functions_t functions{cookie_read, nullptr, nullptr, cookie_close};
    FILE* f = ::fopencookie(&p->source, "r", functions);
    if (f == nullptr) {
        const int e = errno;
        cookie_close(&p->source);
        return unexpected(make_error(errc::io_error, "cannot open capture stream", p->path, e));
    }
    // Unbuffered stdio would call the cookie once per byte; bytes_read subtracts what the
    // FILE holds instead.
    std::setvbuf(f, nullptr, _IOFBF, 64 * 1024);
    char errbuf[PCAP_ERRBUF_SIZE] = {};
    p->handle = ::pcap_fopen_offline_with_tstamp_precision(f, PCAP_TSTAMP_PRECISION_NANO, errbuf);
    if (p->handle == nullptr) {
        std::fclose(f);
        const bool empty = p->source.consumed == 0 && p->source.len == 0;
        return unexpected(make_error(errc::parse_error,
                                     empty ? std::string("not a capture file: the file is empty")
                                           : std::string("not a pcap or pcapng file: ") + errbuf,
                                     p->path));
    }
    p->link = from_dlt(::pcap_datalink(p->handle));
    const int snap = ::pcap_snapshot(p->handle);
    p->snaplen = snap > 0 ? static_cast<std::uint32_t>(snap) : 262144u;
    return reader(std::move(p));
}

result<std::optional<packet>> reader::next()
{
    impl& s = *impl_;
    if (s.done) {
        return std::optional<packet>{};
    }
    struct pcap_pkthdr* header = nullptr;
    const u_char* data = nullptr;
    const int rc = ::pcap_next_ex(s.handle, &header, &data);
    if (rc == 1) {
        ++s.frames;
        packet p;
        p.frame_number = s.frames;
        // pcapng carries 64-bit times: keep them in [0, max_timestamp_seconds] so that
        // nanosecond arithmetic downstream cannot overflow.
        const auto sec = static_cast<std::int64_t>(header->ts.tv_sec);
        const auto frac = static_cast<std::int64_t>(header->ts.tv_usec);
        p.timestamp_ns = sec < 0 ? 0
                         : sec > max_timestamp_seconds
                             ? max_timestamp_seconds * 1'000'000'000
                             : sec * 1'000'000'000 + (frac >= 0 && frac < 1'000'000'000 ? frac : 0);
        p.data = std::span<const std::uint8_t>(data, header->caplen);
        p.original_length = header->len;
        p.link = s.link;
        return std::optional<packet>{p};
    }
    s.done = true;
    if (rc == PCAP_ERROR_BREAK) {
        return std::optional<packet>{};
    }
    std::string why = ::pcap_geterr(s.handle);
    const std::string where = s.path + ": frame " + std::to_string(s.frames + 1);
    if (s.source.read_errno != 0) {
        return unexpected(make_error(
            errc::io_error, "read failed: " + std::string(std::strerror(s.source.read_errno)),
            where, s.source.read_errno));
    }
    return unexpected(make_error(errc::parse_error,
                                 "truncated or corrupt capture (" + why + "), stopped at byte " +
                                     std::to_string(bytes_read()),
                                 where));
}

link_type reader::link() const noexcept
{
    return impl_->link;
}
timestamp_precision reader::precision() const noexcept
{
    return impl_->precision;
}
std::uint32_t reader::snaplen() const noexcept
{
    return impl_->snaplen;
}
bool reader::is_pcapng() const noexcept
{
    return impl_->pcapng;
}
std::uint64_t reader::frames_read() const noexcept
{
    return impl_->frames;
}
std::uint64_t reader::bytes_read() const noexcept
{
    const impl& s = *impl_;
    std::uint64_t held = 0;
    if (s.handle != nullptr) {
        // glibc's FILE exposes its read window; what lies in it was not consumed by libpcap.
        const FILE* f = ::pcap_file(s.handle);
        if (f != nullptr && f->_IO_read_end > f->_IO_read_ptr) {
            held = static_cast<std::uint64_t>(f->_IO_read_end - f->_IO_read_ptr);
        }
    }
    return s.source.consumed - std::min(held, s.source.consumed);
}
std::optional<std::uint64_t> reader::file_size() const noexcept
{
    return impl_->size;
}
const std::string& reader::path() const noexcept
{
    return impl_->path;
}

} // namespace ssw::pcap
