// SPDX-License-Identifier: MIT
// libFuzzer target: the audit rules parser (ssw-trace audit --rules), and the request
// fingerprinting and detectors over one SIP message. Input: rules text, a NUL, a message.
#include <ssw/sip/message.hpp>
#include <ssw/trace/audit.hpp>

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
    namespace tr = ssw::trace;
    const std::string_view all(reinterpret_cast<const char*>(data), size);
    const std::size_t nul = all.find('\0');
    const std::string_view rules_text = all.substr(0, nul);
    auto rules = tr::parse_audit_rules(rules_text, "fuzz.rules");
    if (nul == std::string_view::npos) {
        return 0;
    }
    const std::string bytes(all.substr(nul + 1));
    ssw::sip::message msg;
    if (!ssw::sip::parse_message(bytes, msg)) {
        return 0;
    }
    (void)tr::identify_tool(msg);
    tr::auditor a(rules ? std::move(*rules) : tr::audit_rules{});
    tr::sip_record rec;
    rec.is_request = msg.is_request();
    rec.method.assign(msg.method());
    rec.status = msg.status_code();
    rec.call_id.assign(msg.call_id());
    if (auto c = msg.cseq()) {
        rec.has_cseq = true;
        rec.cseq = c->number;
        rec.cseq_method.assign(c->method);
    }
    if (auto t = msg.to()) {
        rec.to_user.assign(t->address.user);
    }
    rec.src.address.version = 4;
    rec.dst.address.version = 4;
    rec.frames = {1};
    for (int i = 0; i < 3; ++i) {
        rec.timestamp_ns = i * 1'000'000'000LL;
        a.on_sip(tr::sip_event{rec, msg});
    }
    a.finish();
    (void)a.exposure();
    return 0;
}
