// SPDX-License-Identifier: MIT
// ssw::daemon::reply: what a service of the engine decided to do with a request. The engine
// turns it into bytes (sip::build_response) and decides whether a transaction keeps it.
#pragma once

#include <string>
#include <utility>
#include <vector>

namespace ssw::daemon {

struct reply {
    enum class kind {
        respond,              // send the response now
        silence,              // send nothing at all (the unknown-source policy Off)
        respond_after_commit, // send once the binding store committed (a 200 to REGISTER)
        handed_over,          // the B2BUA took the request (and its transaction) over
    };
    kind what = kind::respond;
    int code = 0;
    std::string reason;
    std::vector<std::pair<std::string, std::string>> headers;
    // Answered without a server transaction: what an unauthenticated request gets (policy
    // answers, challenges, rejections). Its retransmissions are judged, and answered, anew
    // (RFC 3261 §8.2.7 and §17.2 allow a stateless UAS), so a flood leaves no state behind.
    bool stateless = false;

    // A response kept by a server transaction (authenticated requests and gateways).
    [[nodiscard]] static reply stateful(int code, std::string reason = {})
    {
        return reply{kind::respond, code, std::move(reason), {}, false};
    }
    [[nodiscard]] static reply stateless_response(int code, std::string reason = {})
    {
        return reply{kind::respond, code, std::move(reason), {}, true};
    }
    [[nodiscard]] static reply silent() { return reply{kind::silence, 0, {}, {}, true}; }
    [[nodiscard]] static reply after_commit(int code)
    {
        return reply{kind::respond_after_commit, code, {}, {}, false};
    }
    [[nodiscard]] static reply hand_over() { return reply{kind::handed_over, 0, {}, {}, false}; }
};

} // namespace ssw::daemon
