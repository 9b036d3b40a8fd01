// SPDX-License-Identifier: MIT
// libFuzzer target: SIP message parsing, every typed accessor, validation, re-encoding and
// patching.
#include <ssw/sip/builder.hpp>
#include <ssw/sip/message.hpp>
#include <ssw/sip/serializer.hpp>
#include <ssw/sip/validate.hpp>

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
    // Copy into an exactly-sized heap buffer so ASan catches any read past the end.
    const std::string buffer(reinterpret_cast<const char*>(data), size);
    const std::string_view text(buffer);
    const bool sip_like = ssw::sip::looks_like_sip(text);
    auto m = ssw::sip::parse_message(text);
    if (!m) {
        return 0;
    }
    if (!sip_like) {
        std::abort(); // whatever parses must be recognised as SIP by its start line
    }
    using namespace ssw::sip;
    (void)m->vias();
    (void)m->top_via();
    (void)m->from();
    (void)m->to();
    (void)m->cseq();
    (void)m->contacts();
    (void)m->max_forwards();
    (void)m->expires();
    (void)m->min_expires();
    (void)m->content_type();
    (void)m->routes();
    (void)m->record_routes();
    (void)m->p_asserted_identities();
    (void)m->allow();
    (void)m->supported();
    (void)m->require();
    (void)m->challenges(header_id::www_authenticate);
    (void)m->challenges(header_id::proxy_authenticate);
    (void)m->credentials(header_id::authorization);
    (void)m->credentials(header_id::proxy_authorization);
    if (m->is_request()) {
        if (auto u = m->request_uri()) {
            (void)unescape(u->user);
            (void)u->params.size();
        }
        (void)make_response(*m, 200, "OK", "fuzz");
        (void)make_cancel(*m);
    }
    std::string scratch;
    for (const auto& h : m->headers()) {
        (void)h.unfolded(scratch);
    }
    const bool valid = static_cast<bool>(validate_message(*m));
    const std::string again = encode_message(*m);
    if (again != m->raw()) {
        std::abort();
    }
    auto m2 = parse_message(again);
    if (!m2 || m2->headers().size() != m->headers().size() || m2->body() != m->body()) {
        std::abort();
    }
    if (valid && static_cast<bool>(validate_message(*m2)) != valid) {
        std::abort();
    }
    const std::string patched = message_patch{}
                                    .add("Via", "SIP/2.0/UDP fuzz.example.com;branch=z9hG4bKf",
                                         message_patch::position::first_of_kind)
                                    .remove_first(header_id::route)
                                    .replace(header_id::max_forwards, "69")
                                    .apply(*m);
    (void)parse_message(patched);
    return 0;
}
