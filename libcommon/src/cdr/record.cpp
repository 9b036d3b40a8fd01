// SPDX-License-Identifier: MIT
// Derived CDR figures.
#include <ssw/cdr/record.hpp>

namespace ssw::cdr {

std::chrono::milliseconds call_record::post_dial_delay() const
{
    const auto first = first_provisional.value_or(answered.value_or(ended));
    return std::chrono::duration_cast<std::chrono::milliseconds>(first - started);
}

std::chrono::milliseconds call_record::duration() const
{
    if (!answered) {
        return std::chrono::milliseconds(0);
    }
    return std::chrono::duration_cast<std::chrono::milliseconds>(ended - *answered);
}

} // namespace ssw::cdr
