// SPDX-License-Identifier: MIT
// Semantic validation of parsed SIP messages (mandatory headers, cardinality, scalar ranges).
#include "sip/scan_detail.hpp"

#include <ssw/sip/validate.hpp>

#include <array>

namespace ssw::sip {
namespace {

error at(const message& m, errc code, std::string msg, const char* where)
{
    return make_error(code, std::move(msg), m.locate(where));
}

} // namespace

result<void> validate_message(const message& m)
{
    const char* start = m.start_line().data();
    if (m.version() != "SIP/2.0") {
        return unexpected(
            at(m, errc::protocol_error,
               "unsupported SIP version " + std::string(m.version()) + " (only SIP/2.0)",
               m.version().data()));
    }
    if (m.is_response() && (m.status_code() < 100 || m.status_code() > 699)) {
        return unexpected(at(m, errc::protocol_error, "status code must be 100-699", start));
    }
    for (header_id id :
         {header_id::to, header_id::from, header_id::call_id, header_id::cseq, header_id::via}) {
        if (m.find(id) == nullptr) {
            return unexpected(at(m, errc::protocol_error,
                                 "missing mandatory header " + std::string(header_name(id)),
                                 start));
        }
    }
    constexpr std::array single_valued{
        header_id::to,           header_id::from,         header_id::call_id,
        header_id::cseq,         header_id::max_forwards, header_id::content_length,
        header_id::content_type, header_id::expires,      header_id::min_expires};
    for (header_id id : single_valued) {
        if (m.count(id) > 1) {
            const header_field* first = m.find(id);
            const header_field* second = nullptr;
            for (const auto& h : m.headers()) {
                if (h.id == id && &h != first) {
                    second = &h;
                    break;
                }
            }
            return unexpected(at(m, errc::protocol_error,
                                 std::string(header_name(id)) + " appears more than once",
                                 second->line.data()));
        }
    }
    const std::string_view call_id = m.call_id();
    for (char c : call_id) {
        if (detail::is_lws(c)) {
            return unexpected(at(m, errc::parse_error, "Call-ID must be one word", call_id.data()));
        }
    }
    if (call_id.empty()) {
        return unexpected(
            at(m, errc::parse_error, "Call-ID is empty", m.find(header_id::call_id)->line.data()));
    }

    SSW_TRY(m.vias());
    SSW_TRY(m.from());
    SSW_TRY(m.to());
    SSW_TRY_ASSIGN(const cseq_value cs, m.cseq());
    SSW_TRY_ASSIGN(const auto contacts, m.contacts());
    for (const auto& c : contacts) {
        if (c.star && contacts.size() > 1) {
            // RFC 3261 §20.10 grammar: Contact is STAR or a list of contact-params, not both.
            return unexpected(at(m, errc::parse_error, "Contact '*' must be the only Contact value",
                                 m.find(header_id::contact)->line.data()));
        }
    }
    SSW_TRY(m.max_forwards());
    SSW_TRY(m.expires());
    SSW_TRY(m.min_expires());
    SSW_TRY(m.content_type());
    SSW_TRY(m.routes());
    SSW_TRY(m.record_routes());
    SSW_TRY(m.p_asserted_identities());
    SSW_TRY(m.allow());
    SSW_TRY(m.supported());
    SSW_TRY(m.require());
    SSW_TRY(m.challenges(header_id::www_authenticate));
    SSW_TRY(m.challenges(header_id::proxy_authenticate));
    if (m.find(header_id::authorization) != nullptr) {
        SSW_TRY(m.credentials(header_id::authorization));
    }
    if (m.find(header_id::proxy_authorization) != nullptr) {
        SSW_TRY(m.credentials(header_id::proxy_authorization));
    }
    if (const header_field* date = m.find(header_id::date)) {
        // RFC 3261 §20.17: SIP-date is rfc1123-date, always "GMT" (RFC 4475 baddate).
        const std::string_view v = date->value;
        if (v.size() < 4 || v.substr(v.size() - 4) != " GMT") {
            return unexpected(at(m, errc::protocol_error, "Date must be in GMT", v.data()));
        }
    }

    if (m.is_request()) {
        if (cs.method != m.method()) {
            return unexpected(at(m, errc::protocol_error,
                                 "CSeq method " + std::string(cs.method) +
                                     " does not match the request method " +
                                     std::string(m.method()),
                                 cs.method.data()));
        }
        SSW_TRY_ASSIGN(const uri ruri, m.request_uri());
        if (ruri.is_sip() && ruri.has_headers) {
            return unexpected(at(m, errc::protocol_error,
                                 "a SIP Request-URI must not carry headers",
                                 ruri.headers.data() - 1));
        }
    }
    return {};
}

} // namespace ssw::sip
