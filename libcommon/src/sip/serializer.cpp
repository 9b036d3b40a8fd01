// SPDX-License-Identifier: MIT
// Byte-exact encoding and patching of SIP messages.
#include "sip/scan_detail.hpp"

#include <ssw/sip/serializer.hpp>

#include <algorithm>

namespace ssw::sip {
namespace {

void put_field(std::string& out, std::string_view name, std::string_view value)
{
    out.append(name);
    out.append(": ");
    out.append(value);
    out.append("\r\n");
}

} // namespace

void encode_message(const message& m, std::string& out)
{
    out.append(m.raw());
}

std::string encode_message(const message& m)
{
    return std::string(m.raw());
}

message_patch& message_patch::set_start_line(std::string line)
{
    start_line_ = std::move(line);
    return *this;
}

message_patch& message_patch::remove(header_id id)
{
    removed_ids_.push_back(id);
    return *this;
}

message_patch& message_patch::remove(std::string_view name)
{
    const header_id id = lookup_header(name);
    if (id != header_id::other) {
        return remove(id);
    }
    removed_names_.emplace_back(name);
    return *this;
}

message_patch& message_patch::remove_first(header_id id)
{
    removed_first_.push_back(id);
    return *this;
}

message_patch& message_patch::replace(header_id id, std::string value)
{
    replaced_.emplace_back(id, std::move(value));
    return *this;
}

message_patch& message_patch::add(std::string name, std::string value, position where)
{
    const header_id id = lookup_header(name);
    added_.push_back(added{std::move(name), std::move(value), id, where});
    return *this;
}

message_patch& message_patch::set_body(std::string body, std::optional<std::string> content_type)
{
    body_ = std::move(body);
    if (content_type) {
        replace(header_id::content_type, std::move(*content_type));
    }
    return *this;
}

std::string message_patch::apply(const message& m) const
{
    const std::string_view body = body_ ? std::string_view(*body_) : m.body();
    const bool body_changed = body_.has_value();
    std::string out;
    out.reserve(m.raw().size() + 256 + (body_ ? body_->size() : 0));
    out.append(start_line_ ? std::string_view(*start_line_) : m.start_line());
    out.append("\r\n");

    std::vector<bool> first_done(static_cast<std::size_t>(header_id::count_), false);
    std::vector<bool> replaced_done(replaced_.size(), false);
    std::vector<bool> added_done(added_.size(), false);
    bool content_length_written = false;

    auto emit_prepends = [&](header_id id) {
        for (std::size_t i = 0; i < added_.size(); ++i) {
            if (!added_done[i] && added_[i].where == position::first_of_kind &&
                added_[i].id == id && id != header_id::other) {
                put_field(out, added_[i].name, added_[i].value);
                added_done[i] = true;
            }
        }
    };
    // Prepends whose kind does not occur in the message go right after the start line.
    for (std::size_t i = 0; i < added_.size(); ++i) {
        if (added_[i].where == position::first_of_kind &&
            (added_[i].id == header_id::other || m.find(added_[i].id) == nullptr)) {
            put_field(out, added_[i].name, added_[i].value);
            added_done[i] = true;
        }
    }

    for (const auto& h : m.headers()) {
        emit_prepends(h.id);
        const auto idx = static_cast<std::size_t>(h.id);
        bool drop =
            std::find(removed_ids_.begin(), removed_ids_.end(), h.id) != removed_ids_.end() &&
            h.id != header_id::other;
        if (h.id == header_id::other) {
            for (const auto& n : removed_names_) {
                drop = drop || detail::iequals(n, h.name);
            }
        }
        if (!drop && h.id != header_id::other && !first_done[idx] &&
            std::find(removed_first_.begin(), removed_first_.end(), h.id) != removed_first_.end()) {
            drop = true;
        }
        if (h.id != header_id::other) {
            first_done[idx] = true;
        }
        if (drop) {
            continue;
        }
        bool handled = false;
        for (std::size_t i = 0; i < replaced_.size(); ++i) {
            if (replaced_[i].first == h.id && h.id != header_id::other) {
                if (!replaced_done[i]) {
                    put_field(out, h.name, replaced_[i].second);
                    replaced_done[i] = true;
                }
                handled = true; // later fields of that id are dropped
            }
        }
        if (handled) {
            content_length_written = content_length_written || h.id == header_id::content_length;
            continue;
        }
        if (h.id == header_id::content_length) {
            if (content_length_written) {
                continue;
            }
            content_length_written = true;
            if (body_changed) {
                put_field(out, h.name, std::to_string(body.size()));
                continue;
            }
        }
        out.append(h.line);
        out.append("\r\n");
    }
    for (std::size_t i = 0; i < replaced_.size(); ++i) {
        if (!replaced_done[i]) {
            put_field(out, header_name(replaced_[i].first), replaced_[i].second);
            content_length_written =
                content_length_written || replaced_[i].first == header_id::content_length;
        }
    }
    for (std::size_t i = 0; i < added_.size(); ++i) {
        if (!added_done[i]) {
            put_field(out, added_[i].name, added_[i].value);
            content_length_written =
                content_length_written || added_[i].id == header_id::content_length;
        }
    }
    if (!content_length_written && body_changed) {
        put_field(out, "Content-Length", std::to_string(body.size()));
    }
    out.append("\r\n");
    out.append(body);
    return out;
}

result<std::string> fit_for_udp(std::string bytes)
{
    if (bytes.size() <= udp_fragmentation_threshold) {
        return bytes;
    }
    // Our own message (or one relayed from TCP), so the datagram size limit of the parser
    // must not apply: that is what is being checked here.
    parse_options options;
    options.limits.max_message_bytes = std::max(options.limits.max_message_bytes, bytes.size());
    auto parsed = parse_message(bytes, options);
    if (!parsed) {
        return unexpected(
            make_error(errc::invalid_argument,
                       "cannot compact an unparseable message: " + parsed.error().message));
    }
    const message& m = *parsed;
    std::string compact;
    compact.reserve(bytes.size());
    compact.append(m.start_line());
    compact.append("\r\n");
    std::string scratch;
    for (const auto& field : m.headers()) {
        if (const char c = compact_form(field.id); c != '\0') {
            compact.push_back(c);
        } else {
            compact.append(field.name);
        }
        compact.push_back(':');
        compact.append(field.unfolded(scratch));
        compact.append("\r\n");
    }
    compact.append("\r\n");
    compact.append(m.body());
    if (compact.size() > max_udp_payload) {
        return unexpected(make_error(errc::invalid_argument,
                                     "a " + std::to_string(compact.size()) +
                                         "-byte message (compact form) exceeds the " +
                                         std::to_string(max_udp_payload) + "-byte UDP limit"));
    }
    return compact;
}

} // namespace ssw::sip
