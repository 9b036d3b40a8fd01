// SPDX-License-Identifier: MIT
// ssw::registrar digest client: answering a 401/407 (RFC 3261 §22.2, RFC 7616 §3.4) when ssw
// is the client: the B2BUA's INVITE to a vendor and an outbound REGISTER to a carrier use this
// one implementation.
#pragma once

#include <ssw/registrar/digest.hpp>
#include <ssw/sip/message.hpp>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>

namespace ssw::registrar {

// A challenge we can answer, copied out of the response (which does not outlive it).
struct digest_challenge {
    bool proxy = false; // 407: answered in Proxy-Authorization
    digest_algorithm algorithm = digest_algorithm::md5;
    std::string realm;
    std::string nonce;
    std::string opaque;
    bool qop_auth = false; // the server offered qop=auth
    std::uint32_t nc = 0;  // nonce-count already used with this nonce
};

// The first Digest challenge of a 401 (WWW-Authenticate) or 407 (Proxy-Authenticate) whose
// algorithm we compute, in the server's order of preference (RFC 8760 §2.4); nullopt when the
// response has none.
[[nodiscard]] std::optional<digest_challenge>
first_answerable_challenge(const sip::message& response);

// The header field answering `challenge` for a request `method` to `uri`: its name
// ("Authorization" or "Proxy-Authorization") and value. The nonce-count moves forward.
[[nodiscard]] std::pair<std::string, std::string>
answer_challenge(digest_challenge& challenge, std::string_view user, std::string_view password,
                 std::string_view method, std::string_view uri, std::string_view cnonce);

} // namespace ssw::registrar
