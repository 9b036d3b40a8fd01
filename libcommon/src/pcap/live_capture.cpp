// SPDX-License-Identifier: MIT
// Live capture through libpcap (the only place besides reader/writer that sees <pcap.h>).
#include <ssw/pcap/live_capture.hpp>

#include <pcap/pcap.h>

#include <algorithm>
#include <poll.h>

namespace ssw::pcap {

namespace {

// libpcap's DLT_ values to the LINKTYPE_ numbers frame_decoder uses (they differ for raw IP).
link_type link_of(int dlt)
{
    switch (dlt) {
    case DLT_NULL: return link_type::null;
    case DLT_EN10MB: return link_type::ethernet;
    case DLT_RAW: return link_type::raw;
    case DLT_LOOP: return link_type::loop;
    case DLT_LINUX_SLL: return link_type::linux_sll;
    case DLT_LINUX_SLL2: return link_type::linux_sll2;
    default: break;
    }
    return static_cast<link_type>(static_cast<std::uint32_t>(dlt));
}

} // namespace

struct live_capture::impl {
    pcap_t* handle = nullptr;
    link_type link = link_type::ethernet;
    std::uint64_t frame = 0;
    const std::function<void(const packet&)>* sink = nullptr;
    std::uint64_t delivered = 0;

    ~impl()
    {
        if (handle != nullptr) {
            ::pcap_close(handle);
        }
    }

    static void on_packet(u_char* user, const struct pcap_pkthdr* h, const u_char* bytes)
    {
        auto* self = reinterpret_cast<impl*>(user);
        packet p;
        p.frame_number = ++self->frame;
        p.timestamp_ns = static_cast<std::int64_t>(h->ts.tv_sec) * 1'000'000'000 +
                         static_cast<std::int64_t>(h->ts.tv_usec) * 1000;
        p.data = std::span<const std::uint8_t>(bytes, h->caplen);
        p.original_length = h->len;
        p.link = self->link;
        ++self->delivered;
        (*self->sink)(p);
    }
};

live_capture::live_capture(std::unique_ptr<impl> p) : impl_(std::move(p)) {}
live_capture::live_capture(live_capture&&) noexcept = default;
live_capture& live_capture::operator=(live_capture&&) noexcept = default;
live_capture::~live_capture() = default;

result<live_capture> live_capture::open(const std::string& interface, const std::string& filter)
{
    char err[PCAP_ERRBUF_SIZE] = {};
    auto p = std::make_unique<impl>();
    p->handle = ::pcap_create(interface.c_str(), err);
    if (p->handle == nullptr) {
        return unexpected(make_error(errc::unavailable,
                                     std::string("cannot open the interface: ") + err, interface));
    }
    ::pcap_set_snaplen(p->handle, 262144);
    ::pcap_set_promisc(p->handle, 0);
    ::pcap_set_timeout(p->handle, 100);
    ::pcap_set_immediate_mode(p->handle, 1);
    if (const int rc = ::pcap_activate(p->handle); rc < 0) {
        return unexpected(
            make_error(errc::unavailable,
                       std::string("cannot capture: ") + ::pcap_geterr(p->handle) +
                           (rc == PCAP_ERROR_PERM_DENIED ? " (needs root or CAP_NET_RAW)" : ""),
                       interface));
    }
    if (!filter.empty()) {
        struct bpf_program prog {};
        if (::pcap_compile(p->handle, &prog, filter.c_str(), 1, PCAP_NETMASK_UNKNOWN) != 0) {
            return unexpected(make_error(
                errc::invalid_argument,
                std::string("invalid capture filter: ") + ::pcap_geterr(p->handle), filter));
        }
        const int rc = ::pcap_setfilter(p->handle, &prog);
        ::pcap_freecode(&prog);
        if (rc != 0) {
            return unexpected(make_error(
                errc::unavailable,
                std::string("cannot install the filter: ") + ::pcap_geterr(p->handle), filter));
        }
    }
    if (::pcap_setnonblock(p->handle, 1, err) != 0) {
        return unexpected(
            make_error(errc::unavailable, std::string("cannot capture: ") + err, interface));
    }
    p->link = link_of(::pcap_datalink(p->handle));
    return live_capture(std::move(p));
}

result<std::uint64_t> live_capture::poll(const std::function<void(const packet&)>& on_packet,
                                         std::chrono::milliseconds wait)
{
    impl& s = *impl_;
    s.sink = &on_packet;
    s.delivered = 0;
    const auto deadline = std::chrono::steady_clock::now() + wait;
    // Non-blocking reads with our own poll(): in immediate mode libpcap's read timeout is not
    // honoured on every platform, and a blocked read would stop the periodic reports.
    const int fd = ::pcap_get_selectable_fd(s.handle);
    for (;;) {
        const int n =
            ::pcap_dispatch(s.handle, -1, &impl::on_packet, reinterpret_cast<u_char*>(&s));
        if (n < 0) {
            if (n == PCAP_ERROR_BREAK) {
                break;
            }
            s.sink = nullptr;
            return unexpected(make_error(errc::io_error, std::string("capture failed: ") +
                                                             ::pcap_geterr(s.handle)));
        }
        const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
            deadline - std::chrono::steady_clock::now());
        if (left.count() <= 0) {
            break;
        }
        if (n == 0) {
            if (fd < 0) {
                break; // no selectable descriptor: one dispatch per call
            }
            struct pollfd pfd {
                fd, POLLIN, 0
            };
            (void)::poll(&pfd, 1, static_cast<int>(std::min<std::int64_t>(left.count(), 100)));
        }
    }
    s.sink = nullptr;
    return s.delivered;
}

std::uint64_t live_capture::dropped() const
{
    struct pcap_stat st {};
    if (::pcap_stats(impl_->handle, &st) != 0) {
        return 0;
    }
    return st.ps_drop;
}

std::uint64_t live_capture::frames() const noexcept
{
    return impl_->frame;
}

} // namespace ssw::pcap
