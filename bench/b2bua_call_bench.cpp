// SPDX-License-Identifier: MIT
// b2bua_call_bench: call setups per second through the sans-IO call_manager, in process (no
// sockets): each call fails over once (503 from the first vendor) and is answered by the
// second, then held while the others set up, then hung up by the caller.
// Usage: b2bua_call_bench [calls=20000]
#include <ssw/b2bua/call_manager.hpp>
#include <ssw/sip/builder.hpp>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

using namespace ssw;

namespace {

sip::peer loopback(std::uint16_t port)
{
    return sip::peer{*core::ip_address::parse("127.0.0.1"), port, sip::transport_kind::udp, 0};
}

std::string response_to(const std::string& request, int code, const std::string& tag)
{
    sip::message m;
    (void)sip::parse_message(request, m);
    std::vector<std::pair<std::string, std::string>> extra;
    if (code == 200) {
        extra.emplace_back("Contact", "<sip:gw@127.0.0.1:5091>");
    }
    return *sip::make_response(m, code, sip::default_reason(code), tag, extra);
}

std::string find_to(std::vector<sip::outgoing>& out, std::uint16_t port, std::string_view start)
{
    std::string found;
    for (auto& o : out) {
        if (o.to.port == port && o.bytes.rfind(start, 0) == 0) {
            found = std::move(o.bytes);
        }
    }
    return found;
}

void deliver(b2bua::call_manager& cm, const std::string& text, std::uint16_t port,
             std::vector<sip::outgoing>& out)
{
    sip::message m;
    if (!sip::parse_message(text, m)) {
        std::fprintf(stderr, "unparsable message in the bench\n");
        std::exit(1);
    }
    (void)cm.on_message(m, loopback(port), out);
}

} // namespace

int main(int argc, char** argv)
{
    const long calls = argc > 1 ? std::strtol(argv[1], nullptr, 10) : 20000;
    core::manual_clock clock;
    provision::config cfg;
    for (const std::uint16_t port : {std::uint16_t{5090}, std::uint16_t{5091}}) {
        provision::routing_gateway g;
        g.name = "vendor-" + std::to_string(port);
        g.addresses.push_back(
            provision::endpoint{"127.0.0.1", port, *core::ip_address::parse("127.0.0.1")});
        g.prefixes.emplace_back();
        g.priority = port;
        cfg.routing_gateways.push_back(g);
    }
    b2bua::call_options options;
    options.max_calls = static_cast<std::size_t>(calls) + 10;
    b2bua::call_manager cm(cfg, {}, nullptr, clock, nullptr, {}, {}, options);

    std::vector<std::string> oks(static_cast<std::size_t>(calls));
    std::vector<sip::outgoing> out;
    const auto t0 = std::chrono::steady_clock::now();
    for (long i = 0; i < calls; ++i) {
        const std::string id = std::to_string(i);
        auto b = sip::message_builder::request("INVITE", "sip:4930" + id + "@127.0.0.1");
        b.header("Via", "SIP/2.0/UDP 127.0.0.1:5062;branch=z9hG4bKc" + id);
        b.header("From", "<sip:1000@127.0.0.1>;tag=c" + id);
        b.header("To", "<sip:4930" + id + "@127.0.0.1>");
        b.header("Call-ID", "bench-" + id);
        b.header("CSeq", "1 INVITE");
        b.header("Contact", "<sip:1000@127.0.0.1:5062>");
        b.body("application/sdp",
               "v=0\r\no=- 1 1 IN IP4 127.0.0.1\r\ns=-\r\nc=IN IP4 127.0.0.1\r\nt=0 0\r\n"
               "m=audio 4000 RTP/AVP 0\r\n");
        const auto invite = b.build();
        sip::message m;
        (void)sip::parse_message(invite, m);
        out.clear();
        cm.on_invite(m, loopback(5062), {std::nullopt, "1000"}, out);
        const auto inv1 = find_to(out, 5090, "INVITE ");
        out.clear();
        deliver(cm, response_to(inv1, 503, "g1"), 5090, out);
        const auto inv2 = find_to(out, 5091, "INVITE ");
        out.clear();
        deliver(cm, response_to(inv2, 180, "g2"), 5091, out);
        deliver(cm, response_to(inv2, 200, "g2"), 5091, out);
        oks[static_cast<std::size_t>(i)] = find_to(out, 5062, "SIP/2.0 200");
        // The caller's ACK.
        sip::message ok;
        (void)sip::parse_message(oks[static_cast<std::size_t>(i)], ok);
        auto ack = sip::message_builder::request("ACK", "sip:ssw@127.0.0.1:5060");
        ack.header("Via", "SIP/2.0/UDP 127.0.0.1:5062;branch=z9hG4bKa" + id);
        ack.header("From", std::string(ok.value(sip::header_id::from)));
        ack.header("To", std::string(ok.value(sip::header_id::to)));
        ack.header("Call-ID", "bench-" + id);
        ack.header("CSeq", "1 ACK");
        out.clear();
        deliver(cm, ack.build(), 5062, out);
    }
    const auto t1 = std::chrono::steady_clock::now();
    const auto concurrent = cm.active_calls();
    for (long i = 0; i < calls; ++i) {
        const std::string id = std::to_string(i);
        sip::message ok;
        (void)sip::parse_message(oks[static_cast<std::size_t>(i)], ok);
        auto bye = sip::message_builder::request("BYE", "sip:ssw@127.0.0.1:5060");
        bye.header("Via", "SIP/2.0/UDP 127.0.0.1:5062;branch=z9hG4bKb" + id);
        bye.header("From", std::string(ok.value(sip::header_id::from)));
        bye.header("To", std::string(ok.value(sip::header_id::to)));
        bye.header("Call-ID", "bench-" + id);
        bye.header("CSeq", "2 BYE");
        out.clear();
        deliver(cm, bye.build(), 5062, out);
        const auto to_gw = find_to(out, 5091, "BYE ");
        out.clear();
        deliver(cm, response_to(to_gw, 200, ""), 5091, out);
    }
    const auto t2 = std::chrono::steady_clock::now();
    clock.advance(std::chrono::seconds(40));
    out.clear();
    cm.on_timer(out);
    const double setup_s = std::chrono::duration<double>(t1 - t0).count();
    const double teardown_s = std::chrono::duration<double>(t2 - t1).count();
    std::printf(
        "{\"type\":\"b2bua_call_bench\",\"calls\":%ld,\"concurrent\":%zu,\"setups_per_s\":%.0f,"
        "\"teardowns_per_s\":%.0f,\"answered\":%llu,\"left_in_memory\":%zu}\n",
        calls, concurrent, static_cast<double>(calls) / setup_s,
        static_cast<double>(calls) / teardown_s,
        static_cast<unsigned long long>(cm.counters().answered), cm.calls_in_memory());
    return cm.counters().answered == static_cast<std::uint64_t>(calls) && cm.calls_in_memory() == 0
               ? 0
               : 1;
}
