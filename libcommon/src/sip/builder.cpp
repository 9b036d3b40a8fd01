// SPDX-License-Identifier: MIT
// Request/response building and RFC 3261 §8.2.6 response construction.
#include "sip/scan_detail.hpp"

#include <ssw/sip/builder.hpp>

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
    std::string out;
    out.reserve(request.raw().size() / 2 + 128);
    out.append("SIP/2.0 ")
        .append(std::to_string(status_code))
        .append(" ")
        .append(reason)
        .append("\r\n");
    auto copy = [&](header_id id) {
        for (const auto& h : request.headers()) {
            if (h.id == id) {
                out.append(header_name(id)).append(": ").append(h.value).append("\r\n");
            }
        }
    };
    copy(header_id::via);
    if (status_code > 100 && status_code < 300) {
        copy(header_id::record_route);
    }
    copy(header_id::from);
    if (const header_field* to = request.find(header_id::to)) {
        out.append("To: ").append(to->value);
        if (status_code != 100 && !to_tag.empty()) {
            SSW_TRY_ASSIGN(const name_addr na, request.to());
            if (na.tag().empty()) {
                out.append(";tag=").append(to_tag);
            }
        }
        out.append("\r\n");
    }
    copy(header_id::call_id);
    copy(header_id::cseq);
    if (status_code == 100) {
        copy(header_id::timestamp);
    }
    for (const auto& [name, value] : extra) {
        if (lookup_header(name) != header_id::content_length) {
            out.append(name).append(": ").append(value).append("\r\n");
        }
    }
    out.append("Content-Length: 0\r\n\r\n");
    return out;
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
