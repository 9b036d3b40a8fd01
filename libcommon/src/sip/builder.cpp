// SPDX-License-Identifier: MIT
// Request/response building and RFC 3261 §8.2.6 response construction.
#include "sip/scan_detail.hpp"

#include <ssw/core/text.hpp>
#include <ssw/sip/builder.hpp>
#include <ssw/sip/name_addr.hpp>
#include <ssw/sip/via.hpp>

#include <cctype>

namespace ssw::sip {

message_builder message_builder::request(std::string_view method, std::string_view request_uri)
{
    message_builder b;
    b.start_line_.append(method).append(" ").append(request_uri).append(" SIP/2.0");
    return b;
}

message_builder message_builder::response(int status_code, std::string_view reason)
{
    message_builder b;
    b.start_line_.append("SIP/2.0 ").append(std::to_string(status_code)).append(" ").append(reason);
    return b;
}

message_builder& message_builder::header(std::string_view name, std::string_view value)
{
    headers_.emplace_back(std::string(name), std::string(value));
    return *this;
}

message_builder& message_builder::header(header_id id, std::string_view value)
{
    return header(header_name(id), value);
}

message_builder& message_builder::body(std::string_view content_type, std::string_view body)
{
    header(header_id::content_type, content_type);
    body_ = std::string(body);
    return *this;
}

std::string message_builder::build() const
{
    std::string out;
    out.reserve(start_line_.size() + body_.size() + headers_.size() * 48 + 32);
    out.append(start_line_).append("\r\n");
    for (const auto& [name, value] : headers_) {
        if (lookup_header(name) == header_id::content_length) {
            continue;
        }
        out.append(name).append(": ").append(value).append("\r\n");
    }
    out.append("Content-Length: ").append(std::to_string(body_.size())).append("\r\n\r\n");
    out.append(body_);
    return out;
}

std::string_view default_reason(int status_code) noexcept
{
    switch (status_code) {
    case 100: return "Trying";
    case 180: return "Ringing";
    case 181: return "Call Is Being Forwarded";
    case 182: return "Queued";
    case 183: return "Session Progress";
    case 200: return "OK";
    case 202: return "Accepted";
    case 300: return "Multiple Choices";
    case 301: return "Moved Permanently";
    case 302: return "Moved Temporarily";
    case 305: return "Use Proxy";
    case 380: return "Alternative Service";
    case 400: return "Bad Request";
    case 401: return "Unauthorized";
    case 402: return "Payment Required";
    case 403: return "Forbidden";
    case 404: return "Not Found";
    case 405: return "Method Not Allowed";
    case 406: return "Not Acceptable";
    case 407: return "Proxy Authentication Required";
    case 408: return "Request Timeout";
    case 410: return "Gone";
    case 413: return "Request Entity Too Large";
    case 414: return "Request-URI Too Long";
    case 415: return "Unsupported Media Type";
    case 416: return "Unsupported URI Scheme";
    case 420: return "Bad Extension";
    case 421: return "Extension Required";
    case 423: return "Interval Too Brief";
    case 480: return "Temporarily Unavailable";
    case 481: return "Call/Transaction Does Not Exist";
    case 482: return "Loop Detected";
    case 483: return "Too Many Hops";
    case 484: return "Address Incomplete";
    case 485: return "Ambiguous";
    case 486: return "Busy Here";
    case 487: return "Request Terminated";
    case 488: return "Not Acceptable Here";
    case 491: return "Request Pending";
    case 493: return "Undecipherable";
    case 500: return "Server Internal Error";
    case 501: return "Not Implemented";
    case 502: return "Bad Gateway";
    case 503: return "Service Unavailable";
    case 504: return "Server Time-out";
    case 505: return "Version Not Supported";
    case 513: return "Message Too Large";
    case 600: return "Busy Everywhere";
    case 603: return "Decline";
    case 604: return "Does Not Exist Anywhere";
    case 606: return "Not Acceptable";
    default: return {};
    }
}

namespace {

// The request's field value with folds undone (a response is written on one line per field).
std::string unfolded(const header_field& f)
{
    std::string scratch;
    return std::string(f.unfolded(scratch));
}

// Where the name of the parameter `name` (lower case) starts in a via-parm, or npos.
std::size_t find_via_param(std::string_view element, std::string_view name)
{
    for (std::size_t at = element.find(';'); at != std::string_view::npos;
         at = element.find(';', at + 1)) {
        std::size_t p = at + 1;
        while (p < element.size() && (element[p] == ' ' || element[p] == '\t')) {
            ++p;
        }
        if (element.size() - p < name.size()) {
            continue;
        }
        bool same = true;
        for (std::size_t i = 0; i < name.size() && same; ++i) {
            const auto c = static_cast<unsigned char>(element[p + i]);
            same = static_cast<char>(std::tolower(c)) == name[i];
        }
        const std::size_t after = p + name.size();
        if (same && (after == element.size() || element[after] == '=' || element[after] == ';' ||
                     element[after] == ' ' || element[after] == '\t')) {
            return p;
        }
    }
    return std::string_view::npos;
}

} // namespace

std::string stamp_top_via(std::string_view via_field, const request_origin& origin)
{
    std::size_t pos = 0;
    const std::string_view first = next_list_element(via_field, pos);
    const auto parsed = parse_via(first);
    if (!parsed) {
        return std::string(via_field); // not ours to repair: copied as it came
    }
    const auto element_start = static_cast<std::size_t>(first.data() - via_field.data());
    std::string element(first);
    if (parsed->has_rport && !parsed->rport) {
        const auto name = find_via_param(element, "rport");
        if (name != std::string::npos) {
            element.insert(name + std::string_view("rport").size(),
                           "=" + std::to_string(origin.port));
        }
    }
    std::string_view host = parsed->host;
    if (host.size() > 1 && host.front() == '[') {
        host = host.substr(1, host.size() - 2);
    }
    const bool differs = !core::iequals(host, origin.address);
    if (parsed->received.empty() && (parsed->has_rport || differs)) {
        element += ";received=" + origin.address;
    }
    std::string out(via_field.substr(0, element_start));
    out += element;
    out += via_field.substr(element_start + first.size());
    return out;
}

peer response_destination(const via& top, const peer& from)
{
    peer to = from;
    if (from.transport == transport_kind::udp && !top.has_rport) {
        to.port = top.port.value_or(5060);
    }
    return to;
}

std::string build_response(const message& request, int status_code, const response_parts& parts)
{
    auto b = message_builder::response(
        status_code, parts.reason.empty() ? default_reason(status_code) : parts.reason);
    bool top = true;
    for (const auto& f : request.headers()) {
        switch (f.id) {
        case header_id::via:
            if (top && parts.origin) {
                b.header(f.id, stamp_top_via(unfolded(f), *parts.origin));
            } else {
                b.header(f.id, unfolded(f));
            }
            top = false;
            break;
        case header_id::from:
        case header_id::call_id:
        case header_id::cseq: b.header(f.id, unfolded(f)); break;
        case header_id::to: {
            std::string v = unfolded(f);
            if (status_code != 100 && !parts.to_tag.empty()) {
                const auto to = request.to();
                if (to && to->tag().empty()) {
                    v += ";tag=";
                    v += parts.to_tag;
                }
            }
            b.header(f.id, v);
            break;
        }
        case header_id::record_route:
            if (status_code > 100 && status_code < 300) {
                b.header(f.id, unfolded(f));
            }
            break;
        case header_id::timestamp:
            if (status_code == 100) {
                b.header(f.id, unfolded(f));
            }
            break;
        default: break;
        }
    }
    for (const auto& [name, value] : parts.extra) {
        b.header(name, value);
    }
    if (!parts.body.empty()) {
        b.body(parts.content_type.empty() ? std::string_view("application/sdp")
                                          : parts.content_type,
               parts.body);
    }
    return b.build();
}

result<std::string> make_response(const message& request, int status_code, std::string_view reason,
                                  std::string_view to_tag,
                                  const std::vector<std::pair<std::string, std::string>>& extra)
{
    if (!request.is_request()) {
        return unexpected(make_error(errc::invalid_argument, "make_response needs a request"));
    }
    if (status_code < 100 || status_code > 699) {
        return unexpected(make_error(errc::invalid_argument, "status code must be 100-699"));
    }
    if (status_code != 100 && !to_tag.empty() && request.find(header_id::to) != nullptr) {
        SSW_TRY_ASSIGN(const name_addr na, request.to());
        (void)na; // a To that does not parse cannot take a tag
    }
    response_parts parts;
    parts.reason = reason;
    parts.to_tag = to_tag;
    for (const auto& field : extra) {
        if (lookup_header(field.first) != header_id::content_length) {
            parts.extra.push_back(field);
        }
    }
    return build_response(request, status_code, parts);
}

namespace {

void append_field(std::string& out, header_id id, std::string_view value)
{
    out.append(header_name(id)).append(": ").append(value).append("\r\n");
}

void append_all(std::string& out, const message& m, header_id id)
{
    for (const auto& h : m.headers()) {
        if (h.id == id) {
            append_field(out, id, h.value);
        }
    }
}

// The request's first Via value and CSeq number, shared by CANCEL and ACK.
result<std::pair<std::string_view, std::uint32_t>> via_and_cseq(const message& request)
{
    const header_field* via = request.find(header_id::via);
    if (via == nullptr) {
        return unexpected(make_error(errc::not_found, "the request has no Via"));
    }
    std::size_t pos = 0;
    const std::string_view top = next_list_element(via->value, pos);
    SSW_TRY_ASSIGN(const cseq_value cs, request.cseq());
    return std::pair{top, cs.number};
}

} // namespace

result<std::string> make_cancel(const message& request)
{
    if (!request.is_request() || request.method_kind() == method_id::ack ||
        request.method_kind() == method_id::cancel) {
        return unexpected(
            make_error(errc::invalid_argument, "CANCEL needs a request other than ACK or CANCEL"));
    }
    SSW_TRY_ASSIGN(const auto vc, via_and_cseq(request));
    std::string out;
    out.append("CANCEL ").append(request.request_uri_text()).append(" SIP/2.0\r\n");
    append_field(out, header_id::via, vc.first);
    append_all(out, request, header_id::route);
    append_field(out, header_id::max_forwards, "70");
    append_all(out, request, header_id::from);
    append_all(out, request, header_id::to);
    append_all(out, request, header_id::call_id);
    append_field(out, header_id::cseq, std::to_string(vc.second) + " CANCEL");
    out.append("Content-Length: 0\r\n\r\n");
    return out;
}

result<std::string> make_ack_for_failure(const message& invite, const message& response)
{
    if (!invite.is_request() || invite.method_kind() != method_id::invite) {
        return unexpected(
            make_error(errc::invalid_argument, "an ACK for a failure needs the INVITE"));
    }
    if (!response.is_response() || response.status_code() < 300) {
        return unexpected(make_error(errc::invalid_argument,
                                     "an ACK for a failure needs a final response >= 300"));
    }
    SSW_TRY_ASSIGN(const auto vc, via_and_cseq(invite));
    const header_field* to = response.find(header_id::to);
    if (to == nullptr) {
        return unexpected(make_error(errc::not_found, "the response has no To"));
    }
    std::string out;
    out.append("ACK ").append(invite.request_uri_text()).append(" SIP/2.0\r\n");
    append_field(out, header_id::via, vc.first);
    append_all(out, invite, header_id::route);
    append_field(out, header_id::max_forwards, "70");
    append_all(out, invite, header_id::from);
    append_field(out, header_id::to, to->value);
    append_all(out, invite, header_id::call_id);
    append_field(out, header_id::cseq, std::to_string(vc.second) + " ACK");
    out.append("Content-Length: 0\r\n\r\n");
    return out;
}

} // namespace ssw::sip
