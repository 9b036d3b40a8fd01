// SPDX-License-Identifier: MIT
// SIP header name table: lookup by wire name (case-insensitive, compact forms) and back.
#include "sip/scan_detail.hpp"

#include <ssw/sip/headers.hpp>

#include <array>
#include <cstddef>

namespace ssw::sip {
namespace {

struct entry {
    header_id id;
    std::string_view name;
    char compact;
};

constexpr std::array<entry, static_cast<std::size_t>(header_id::count_)> table{{
    {header_id::other, "", '\0'},
    {header_id::accept, "Accept", '\0'},
    {header_id::accept_contact, "Accept-Contact", 'a'},
    {header_id::accept_encoding, "Accept-Encoding", '\0'},
    {header_id::accept_language, "Accept-Language", '\0'},
    {header_id::alert_info, "Alert-Info", '\0'},
    {header_id::allow, "Allow", '\0'},
    {header_id::allow_events, "Allow-Events", 'u'},
    {header_id::authentication_info, "Authentication-Info", '\0'},
    {header_id::authorization, "Authorization", '\0'},
    {header_id::call_id, "Call-ID", 'i'},
    {header_id::call_info, "Call-Info", '\0'},
    {header_id::contact, "Contact", 'm'},
    {header_id::content_disposition, "Content-Disposition", '\0'},
    {header_id::content_encoding, "Content-Encoding", 'e'},
    {header_id::content_language, "Content-Language", '\0'},
    {header_id::content_length, "Content-Length", 'l'},
    {header_id::content_type, "Content-Type", 'c'},
    {header_id::cseq, "CSeq", '\0'},
    {header_id::date, "Date", '\0'},
    {header_id::diversion, "Diversion", '\0'},
    {header_id::error_info, "Error-Info", '\0'},
    {header_id::event, "Event", 'o'},
    {header_id::expires, "Expires", '\0'},
    {header_id::from, "From", 'f'},
    {header_id::identity, "Identity", 'y'},
    {header_id::identity_info, "Identity-Info", 'n'},
    {header_id::in_reply_to, "In-Reply-To", '\0'},
    {header_id::max_forwards, "Max-Forwards", '\0'},
    {header_id::mime_version, "MIME-Version", '\0'},
    {header_id::min_expires, "Min-Expires", '\0'},
    {header_id::min_se, "Min-SE", '\0'},
    {header_id::organization, "Organization", '\0'},
    {header_id::p_asserted_identity, "P-Asserted-Identity", '\0'},
    {header_id::p_preferred_identity, "P-Preferred-Identity", '\0'},
    {header_id::path, "Path", '\0'},
    {header_id::priority, "Priority", '\0'},
    {header_id::privacy, "Privacy", '\0'},
    {header_id::proxy_authenticate, "Proxy-Authenticate", '\0'},
    {header_id::proxy_authorization, "Proxy-Authorization", '\0'},
    {header_id::proxy_require, "Proxy-Require", '\0'},
    {header_id::rack, "RAck", '\0'},
    {header_id::reason, "Reason", '\0'},
    {header_id::record_route, "Record-Route", '\0'},
    {header_id::refer_to, "Refer-To", 'r'},
    {header_id::referred_by, "Referred-By", 'b'},
    {header_id::reject_contact, "Reject-Contact", 'j'},
    {header_id::replaces, "Replaces", '\0'},
    {header_id::reply_to, "Reply-To", '\0'},
    {header_id::request_disposition, "Request-Disposition", 'd'},
    {header_id::require, "Require", '\0'},
    {header_id::retry_after, "Retry-After", '\0'},
    {header_id::route, "Route", '\0'},
    {header_id::rseq, "RSeq", '\0'},
    {header_id::server, "Server", '\0'},
    {header_id::service_route, "Service-Route", '\0'},
    {header_id::session_expires, "Session-Expires", 'x'},
    {header_id::subject, "Subject", 's'},
    {header_id::subscription_state, "Subscription-State", '\0'},
    {header_id::supported, "Supported", 'k'},
    {header_id::timestamp, "Timestamp", '\0'},
    {header_id::to, "To", 't'},
    {header_id::unsupported, "Unsupported", '\0'},
    {header_id::user_agent, "User-Agent", '\0'},
    {header_id::via, "Via", 'v'},
    {header_id::warning, "Warning", '\0'},
    {header_id::www_authenticate, "WWW-Authenticate", '\0'},
}};

constexpr std::size_t max_name_length = 24;
constexpr std::size_t max_per_bucket = 12;

struct buckets {
    // by_length[len][first letter a..z] would be big; length plus a short scan is enough.
    std::array<std::array<std::uint8_t, max_per_bucket>, max_name_length + 1> ids{};
    std::array<std::uint8_t, max_name_length + 1> counts{};
    std::array<header_id, 26> compact{};
};

constexpr buckets make_buckets()
{
    buckets b{};
    for (std::size_t i = 1; i < table.size(); ++i) {
        const auto len = table[i].name.size();
        b.ids[len][b.counts[len]] = static_cast<std::uint8_t>(i);
        ++b.counts[len];
        if (table[i].compact != '\0') {
            b.compact[static_cast<std::size_t>(table[i].compact - 'a')] = table[i].id;
        }
    }
    return b;
}

constexpr buckets index = make_buckets();

static_assert([] {
    for (std::size_t i = 0; i < table.size(); ++i) {
        if (static_cast<std::size_t>(table[i].id) != i) {
            return false;
        }
    }
    return true;
}());

bool iequal_ascii(std::string_view a, std::string_view canonical) noexcept
{
    for (std::size_t i = 0; i < a.size(); ++i) {
        if (detail::lower(a[i]) != detail::lower(canonical[i])) {
            return false;
        }
    }
    return true;
}

struct method_entry {
    method_id id;
    std::string_view name;
};
constexpr std::array<method_entry, 14> methods{{
    {method_id::invite, "INVITE"},
    {method_id::ack, "ACK"},
    {method_id::bye, "BYE"},
    {method_id::cancel, "CANCEL"},
    {method_id::register_, "REGISTER"},
    {method_id::options, "OPTIONS"},
    {method_id::info, "INFO"},
    {method_id::prack, "PRACK"},
    {method_id::update, "UPDATE"},
    {method_id::subscribe, "SUBSCRIBE"},
    {method_id::notify, "NOTIFY"},
    {method_id::refer, "REFER"},
    {method_id::message, "MESSAGE"},
    {method_id::publish, "PUBLISH"},
}};

} // namespace

header_id lookup_header(std::string_view name) noexcept
{
    const std::size_t len = name.size();
    if (len == 1) {
        const char c = detail::lower(name[0]);
        if (c >= 'a' && c <= 'z') {
            const header_id id = index.compact[static_cast<std::size_t>(c - 'a')];
            return id;
        }
        return header_id::other;
    }
    if (len == 0 || len > max_name_length) {
        return header_id::other;
    }
    const char first = detail::lower(name[0]);
    for (std::size_t i = 0; i < index.counts[len]; ++i) {
        const entry& e = table[index.ids[len][i]];
        if (detail::lower(e.name[0]) == first && iequal_ascii(name, e.name)) {
            return e.id;
        }
    }
    return header_id::other;
}

std::string_view header_name(header_id id) noexcept
{
    const auto i = static_cast<std::size_t>(id);
    return i < table.size() ? table[i].name : std::string_view{};
}

char compact_form(header_id id) noexcept
{
    const auto i = static_cast<std::size_t>(id);
    return i < table.size() ? table[i].compact : '\0';
}

method_id lookup_method(std::string_view token) noexcept
{
    for (const auto& m : methods) {
        if (m.name == token) {
            return m.id;
        }
    }
    return method_id::other;
}

std::string_view method_name(method_id id) noexcept
{
    for (const auto& m : methods) {
        if (m.id == id) {
            return m.name;
        }
    }
    return {};
}

} // namespace ssw::sip
