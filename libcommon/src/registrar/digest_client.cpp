// SPDX-License-Identifier: MIT
// Answers to digest challenges (RFC 7616 §3.4).
#include <ssw/core/text.hpp>
#include <ssw/registrar/digest_client.hpp>
#include <ssw/sip/digest_auth.hpp>

#include <cstdio>

namespace ssw::registrar {

std::optional<digest_challenge> first_answerable_challenge(const sip::message& response)
{
    const bool proxy = response.status_code() == 407;
    const auto challenges = response.challenges(proxy ? sip::header_id::proxy_authenticate
                                                      : sip::header_id::www_authenticate);
    if (!challenges) {
        return std::nullopt;
    }
    for (const auto& ch : *challenges) {
        if (!ch.is_digest()) {
            continue;
        }
        const auto algorithm = parse_digest_algorithm(ch.algorithm);
        if (!algorithm) {
            continue;
        }
        digest_challenge c;
        c.proxy = proxy;
        c.algorithm = *algorithm;
        c.realm = sip::unquote(ch.realm);
        c.nonce = sip::unquote(ch.nonce);
        c.opaque = sip::unquote(ch.opaque);
        for (const auto q : core::split(ch.qop, ',')) {
            if (core::iequals(core::trim(q), "auth")) {
                c.qop_auth = true;
            }
        }
        return c;
    }
    return std::nullopt;
}

std::pair<std::string, std::string>
answer_challenge(digest_challenge& challenge, std::string_view user, std::string_view password,
                 std::string_view method, std::string_view uri, std::string_view cnonce)
{
    const auto ha1 = digest_ha1(challenge.algorithm, user, challenge.realm, password);
    char nc[9];
    std::snprintf(nc, sizeof nc, "%08x", ++challenge.nc);
    const bool qop = challenge.qop_auth;
    const auto response = digest_response(challenge.algorithm, ha1, method, uri, challenge.nonce,
                                          qop ? nc : "", qop ? cnonce : "", qop ? "auth" : "");
    std::string v = "Digest username=\"" + std::string(user) + "\", realm=\"" + challenge.realm +
                    "\", nonce=\"" + challenge.nonce + "\", uri=\"" + std::string(uri) +
                    "\", response=\"" + response +
                    "\", algorithm=" + std::string(to_string(challenge.algorithm));
    if (!challenge.opaque.empty()) {
        v += ", opaque=\"" + challenge.opaque + "\"";
    }
    if (qop) {
        v += ", qop=auth, nc=" + std::string(nc) + ", cnonce=\"" + std::string(cnonce) + "\"";
    }
    return {challenge.proxy ? "Proxy-Authorization" : "Authorization", std::move(v)};
}

} // namespace ssw::registrar
