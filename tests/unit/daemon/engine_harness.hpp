// SPDX-License-Identifier: MIT
// The daemon engine in-process with virtual time, and the SIP requests its tests send.
#pragma once

#include <ssw/daemon/engine.hpp>
#include <ssw/daemon/status.hpp>
#include <ssw/registrar/digest.hpp>
#include <ssw/sip/message.hpp>

#include <catch2/catch.hpp>

#include <regex>
#include <string>
#include <vector>

namespace ssw::test::engine_harness {

using namespace ssw;
using namespace std::chrono_literals;

struct harness {
    explicit harness(params::settings s = {}, provision::config c = provision::demo_config("/tmp"))
        : store(*registrar::binding_store::open(":memory:", clock.wall_now())),
          engine(std::move(c), std::move(s), clock, store,
                 [this](daemon::log_level, std::string_view t) { log.emplace_back(t); })
    {
    }
    core::manual_clock clock;
    registrar::binding_store store;
    std::vector<std::string> log;
    daemon::engine engine;
    int branch = 0;

    std::vector<daemon::outgoing> send(const std::string& text, std::uint16_t port = 5062,
                                       const char* address = "127.0.0.1")
    {
        std::vector<daemon::outgoing> out;
        daemon::peer from{*core::ip_address::parse(address), port, provision::transport::udp, 0};
        engine.on_message(text, from, out);
        engine.flush(out);
        return out;
    }
};

inline std::string register_request(const std::string& user, int cseq, const std::string& branch,
                                    const std::string& extra = {},
                                    const std::string& contact_host = "127.0.0.1:5062",
                                    const std::string& expires = "3600")
{
    return "REGISTER sip:127.0.0.1 SIP/2.0\r\n"
           "Via: SIP/2.0/UDP 127.0.0.1:5062;branch=z9hG4bK" +
           branch +
           ";rport\r\n"
           "Max-Forwards: 70\r\n"
           "From: <sip:" +
           user +
           "@127.0.0.1>;tag=abc\r\n"
           "To: <sip:" +
           user +
           "@127.0.0.1>\r\n"
           "Call-ID: reg-" +
           user +
           "@127.0.0.1\r\n"
           "CSeq: " +
           std::to_string(cseq) +
           " REGISTER\r\n"
           "Contact: <sip:" +
           user + "@" + contact_host +
           ">\r\n"
           "Expires: " +
           expires + "\r\n" + extra + "Content-Length: 0\r\n\r\n";
}

inline std::string nonce_of(const std::string& response)
{
    std::smatch m;
    REQUIRE(std::regex_search(response, m, std::regex("nonce=\"([0-9a-f]+)\"")));
    return m[1];
}

inline std::string authorization(const std::string& header, const std::string& user,
                                 const std::string& password, const std::string& nonce,
                                 const std::string& nc = "00000001",
                                 const std::string& method = "REGISTER",
                                 const std::string& uri = "sip:127.0.0.1")
{
    const auto ha1 = registrar::digest_ha1(registrar::digest_algorithm::md5, user, "ssw", password);
    const auto response = registrar::digest_response(registrar::digest_algorithm::md5, ha1, method,
                                                     uri, nonce, nc, "c0ffee", "auth");
    return header + ": Digest username=\"" + user + "\", realm=\"ssw\", nonce=\"" + nonce +
           "\", uri=\"" + uri + "\", response=\"" + response +
           "\", algorithm=MD5, qop=auth, nc=" + nc + ", cnonce=\"c0ffee\"\r\n";
}

inline int status_of(const daemon::outgoing& o)
{
    return std::stoi(o.bytes.substr(8, 3));
}

// Registers `user` with `password`; returns the final response.
inline std::vector<daemon::outgoing> do_register(harness& h, const std::string& user,
                                                 const std::string& password, int& cseq,
                                                 const std::string& contact = "127.0.0.1:5062",
                                                 const std::string& expires = "3600")
{
    auto challenge =
        h.send(register_request(user, cseq, std::to_string(cseq), {}, contact, expires));
    ++cseq;
    REQUIRE(challenge.size() == 1);
    REQUIRE(status_of(challenge[0]) == 401);
    const auto nonce = nonce_of(challenge[0].bytes);
    auto result = h.send(register_request(user, cseq, std::to_string(cseq),
                                          authorization("Authorization", user, password, nonce),
                                          contact, expires));
    ++cseq;
    return result;
}

} // namespace ssw::test::engine_harness
