// SPDX-License-Identifier: MIT
// RTP/RTCP port pairs from a range.
#include <ssw/media/port_allocator.hpp>

#include <string>

namespace ssw::media {

port_allocator::port_allocator(std::uint16_t first, std::uint16_t last)
{
    const unsigned even = (static_cast<unsigned>(first) + 1U) & ~1U;
    first_ = static_cast<std::uint16_t>(even > 65534U ? 65534U : even);
    if (even + 1U <= last) {
        used_.assign((static_cast<std::size_t>(last) - even + 1U) / 2U, false);
    }
}

result<std::uint16_t> port_allocator::allocate()
{
    const std::size_t n = used_.size();
    for (std::size_t k = 0; k < n; ++k) {
        const std::size_t i = (cursor_ + k) % n;
        if (!used_[i]) {
            used_[i] = true;
            cursor_ = (i + 1) % n;
            ++in_use_;
            ++stats_.allocated;
            return static_cast<std::uint16_t>(first_ + 2U * i);
        }
    }
    ++stats_.exhausted;
    return unexpected(
        make_error(errc::limit_exceeded, "no free RTP port pair (all " + std::to_string(n) +
                                             " pairs of the media port range are in use)"));
}

bool port_allocator::release(std::uint16_t rtp_port)
{
    if (!in_use(rtp_port)) {
        return false;
    }
    used_[(rtp_port - first_) / 2U] = false;
    --in_use_;
    ++stats_.released;
    return true;
}

bool port_allocator::in_use(std::uint16_t rtp_port) const noexcept
{
    if (rtp_port < first_ || (rtp_port - first_) % 2U != 0) {
        return false;
    }
    const std::size_t i = (rtp_port - first_) / 2U;
    return i < used_.size() && used_[i];
}

} // namespace ssw::media
