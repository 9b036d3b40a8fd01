// SPDX-License-Identifier: MIT
// RFC 3263 server location: SRV (libresolv) then A/AAAA (getaddrinfo).
#include <ssw/net/resolver.hpp>

#include <algorithm>
#include <arpa/inet.h>
#include <arpa/nameser.h>
#include <array>
#include <cstring>
#include <netdb.h>
#include <netinet/in.h>
#include <optional>
#include <resolv.h>
#include <string>
#include <sys/socket.h>

namespace ssw::net {

namespace {

struct srv_record {
    std::uint16_t priority = 0;
    std::uint16_t weight = 0;
    std::uint16_t port = 0;
    std::string target;
};

// SRV records of `name` (empty when there are none or the query fails).
std::vector<srv_record> query_srv(const std::string& name)
{
    std::vector<srv_record> records;
    struct __res_state rs;
    std::memset(&rs, 0, sizeof rs);
    if (res_ninit(&rs) != 0) {
        return records;
    }
    // Bounded: the look-up runs on the loop's one DNS worker, and a stop waits for it.
    rs.retrans = 2; // seconds per try
    rs.retry = 2;
    std::vector<unsigned char> answer(4096);
    const int len = res_nquery(&rs, name.c_str(), ns_c_in, ns_t_srv, answer.data(),
                               static_cast<int>(answer.size()));
    if (len > 0) {
        ns_msg msg;
        if (ns_initparse(answer.data(), len, &msg) == 0) {
            const int count = ns_msg_count(msg, ns_s_an);
            for (int i = 0; i < count; ++i) {
                ns_rr rr;
                if (ns_parserr(&msg, ns_s_an, i, &rr) != 0 || ns_rr_type(rr) != ns_t_srv ||
                    ns_rr_rdlen(rr) < 7) {
                    continue;
                }
                const unsigned char* rd = ns_rr_rdata(rr);
                srv_record r;
                r.priority = static_cast<std::uint16_t>((rd[0] << 8) | rd[1]);
                r.weight = static_cast<std::uint16_t>((rd[2] << 8) | rd[3]);
                r.port = static_cast<std::uint16_t>((rd[4] << 8) | rd[5]);
                char target[NS_MAXDNAME];
                if (ns_name_uncompress(ns_msg_base(msg), ns_msg_end(msg), rd + 6, target,
                                       sizeof target) < 0) {
                    continue;
                }
                r.target = target;
                if (r.target.empty() || r.target == ".") {
                    continue; // RFC 2782: "." means the service is not offered here
                }
                records.push_back(std::move(r));
            }
        }
    }
    res_nclose(&rs);
    // RFC 2782: lowest priority first; among equals, the heavier first (a deterministic
    // stand-in for the weighted random pick, good enough for one registration).
    std::stable_sort(records.begin(), records.end(), [](const srv_record& a, const srv_record& b) {
        return a.priority != b.priority ? a.priority < b.priority : a.weight > b.weight;
    });
    return records;
}

void add_addresses(const std::string& host, std::uint16_t port,
                   std::vector<daemon::resolved_target>& out, std::string& error)
{
    addrinfo hints{};
    hints.ai_family = AF_UNSPEC;
    hints.ai_socktype = SOCK_DGRAM;
    addrinfo* list = nullptr;
    const int rc = ::getaddrinfo(host.c_str(), nullptr, &hints, &list);
    if (rc != 0) {
        error = host + ": " + ::gai_strerror(rc);
        return;
    }
    for (auto* ai = list; ai != nullptr; ai = ai->ai_next) {
        std::optional<core::ip_address> a;
        if (ai->ai_family == AF_INET) {
            const auto* sin = reinterpret_cast<const sockaddr_in*>(ai->ai_addr);
            a = core::ip_address::v4(ntohl(sin->sin_addr.s_addr));
        } else if (ai->ai_family == AF_INET6) {
            const auto* sin6 = reinterpret_cast<const sockaddr_in6*>(ai->ai_addr);
            std::array<std::uint8_t, 16> bytes{};
            std::memcpy(bytes.data(), sin6->sin6_addr.s6_addr, 16);
            a = core::ip_address::v6(bytes);
        }
        if (a && std::none_of(out.begin(), out.end(), [&](const daemon::resolved_target& t) {
                return t.address == *a && t.port == port;
            })) {
            out.push_back({*a, port});
        }
    }
    ::freeaddrinfo(list);
}

} // namespace

result<std::vector<daemon::resolved_target>>
resolve_sip_server(const daemon::resolve_request& request)
{
    std::vector<daemon::resolved_target> targets;
    std::string error;
    if (auto literal = core::ip_address::parse(request.host)) {
        targets.push_back({*literal, request.port});
        return targets;
    }
    if (request.use_srv) {
        const std::string service =
            std::string(request.transport == sip::transport_kind::tcp ? "_sip._tcp."
                                                                      : "_sip._udp.") +
            request.host;
        for (const auto& r : query_srv(service)) {
            add_addresses(r.target, r.port, targets, error);
        }
        if (!targets.empty()) {
            return targets;
        }
    }
    add_addresses(request.host, request.port, targets, error);
    if (targets.empty()) {
        return unexpected(
            make_error(errc::not_found, error.empty() ? "no address for " + request.host : error));
    }
    return targets;
}

} // namespace ssw::net
