// SPDX-License-Identifier: MIT
// Parse throughput of ssw::sip::parse_message on typical INVITE and REGISTER messages (one core).
#include <ssw/sip/message.hpp>
#include <ssw/sip/validate.hpp>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <string>
#include <string_view>

namespace {

const std::string invite = "INVITE sip:+4930123456@gw1.example.net;user=phone SIP/2.0\r\n"
                           "Via: SIP/2.0/UDP 192.0.2.10:5060;branch=z9hG4bK776asdhds;rport\r\n"
                           "Max-Forwards: 70\r\n"
                           "To: <sip:+4930123456@gw1.example.net;user=phone>\r\n"
                           "From: \"Alice\" <sip:alice@example.com>;tag=1928301774\r\n"
                           "Call-ID: a84b4c76e66710@pc33.example.com\r\n"
                           "CSeq: 314159 INVITE\r\n"
                           "Contact: <sip:alice@192.0.2.10:5060>\r\n"
                           "Allow: INVITE, ACK, CANCEL, OPTIONS, BYE, REFER, NOTIFY\r\n"
                           "User-Agent: ssw-bench/1.0\r\n"
                           "Content-Type: application/sdp\r\n"
                           "Content-Length: 142\r\n"
                           "\r\n"
                           "v=0\r\n"
                           "o=alice 2890844526 2890844526 IN IP4 192.0.2.10\r\n"
                           "s=-\r\n"
                           "c=IN IP4 192.0.2.10\r\n"
                           "t=0 0\r\n"
                           "m=audio 49170 RTP/AVP 0 8 101\r\n"
                           "a=rtpmap:101 telephone-event/8000\r\n";

const std::string register_msg = "REGISTER sip:registrar.example.com SIP/2.0\r\n"
                                 "Via: SIP/2.0/UDP 192.0.2.20:5060;branch=z9hG4bKnashds7;rport\r\n"
                                 "Max-Forwards: 70\r\n"
                                 "To: \"Bob\" <sip:bob@example.com>\r\n"
                                 "From: \"Bob\" <sip:bob@example.com>;tag=456248\r\n"
                                 "Call-ID: 843817637684230@998sdasdh09\r\n"
                                 "CSeq: 1826 REGISTER\r\n"
                                 "Contact: <sip:bob@192.0.2.20:5060;transport=udp>;expires=3600\r\n"
                                 "Authorization: Digest username=\"bob\", realm=\"example.com\", "
                                 "nonce=\"dcd98b7102dd2f0e8b11d0f600bfb0c093\", "
                                 "uri=\"sip:registrar.example.com\", "
                                 "response=\"6629fae49393a05397450978507c4ef1\", algorithm=MD5\r\n"
                                 "User-Agent: ssw-bench/1.0\r\n"
                                 "Expires: 3600\r\n"
                                 "Content-Length: 0\r\n"
                                 "\r\n";

// CPU time of this thread: the figure that holds on a loaded machine (wall time is printed too).
double thread_seconds()
{
    timespec ts{};
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
    return static_cast<double>(ts.tv_sec) + static_cast<double>(ts.tv_nsec) / 1e9;
}

struct rate {
    double cpu;
    double wall;
};

rate run(const std::string& text, long iterations, bool typed)
{
    ssw::sip::message m;
    std::size_t sink = 0;
    const auto start = std::chrono::steady_clock::now();
    const double cpu_start = thread_seconds();
    for (long i = 0; i < iterations; ++i) {
        if (!ssw::sip::parse_message(text, m)) {
            std::fprintf(stderr, "parse failed\n");
            std::exit(1);
        }
        sink += m.headers().size();
        if (typed) {
            // What a proxy reads from every message: top Via, From/To tags, CSeq, Call-ID.
            auto via = m.top_via();
            auto from = m.from();
            auto to = m.to();
            auto cseq = m.cseq();
            sink += via ? via->branch.size() : 0;
            sink += from ? from->tag().size() : 0;
            sink += to ? to->tag().size() : 0;
            sink += cseq ? cseq->number : 0;
            sink += m.call_id().size();
        }
    }
    const double cpu = thread_seconds() - cpu_start;
    const std::chrono::duration<double> took = std::chrono::steady_clock::now() - start;
    if (sink == 42) {
        std::puts("");
    }
    const auto n = static_cast<double>(iterations);
    return rate{n / cpu, n / took.count()};
}

} // namespace

int main(int argc, char** argv)
{
    const long iterations = argc > 1 ? std::atol(argv[1]) : 2000000;
    std::printf("messages/s per core (CPU time; wall-clock in parentheses)\n");
    std::printf("message   bytes  parse only                 parse + Via/From/To/CSeq/Call-ID\n");
    for (const auto& [name, text] :
         {std::pair{"INVITE", &invite}, std::pair{"REGISTER", &register_msg}}) {
        const rate p = run(*text, iterations, false);
        const rate t = run(*text, iterations, true);
        std::printf("%-9s %5zu  %10.0f (%10.0f)  %10.0f (%10.0f)\n", name, text->size(), p.cpu,
                    p.wall, t.cpu, t.wall);
    }
    return 0;
}
