// SPDX-License-Identifier: MIT
// Virtual-time tests of the four RFC 3261 transaction machines and the resend schedule.
#include <ssw/sip/transaction.hpp>

#include <catch2/catch.hpp>

#include <vector>

using namespace ssw::sip;
using namespace std::chrono_literals;
using act = transaction_action;
using ssw::core::manual_clock;

namespace {

// Fires the transaction's timers until `until`, returning the offsets (from start) at which
// requests or responses were retransmitted.
template <class Transaction>
std::vector<std::chrono::milliseconds> retransmissions(Transaction& t, manual_clock& clock,
                                                       std::chrono::milliseconds until,
                                                       transaction_events* last = nullptr)
{
    const auto start = clock.now();
    std::vector<std::chrono::milliseconds> at;
    while (auto d = t.deadline()) {
        if (*d - start > until) {
            break;
        }
        clock.set(*d);
        const auto events = t.on_timer();
        for (const auto& e : events) {
            if (e.action == act::retransmit_request || e.action == act::resend_response) {
                at.push_back(
                    std::chrono::duration_cast<std::chrono::milliseconds>(clock.now() - start));
            }
        }
        if (last != nullptr) {
            *last = events;
        }
    }
    return at;
}

} // namespace

TEST_CASE("sip::client_transaction: INVITE over UDP follows SS_SIP_RESEND_INTERVAL, then timer B",
          "[sip][transaction]")
{
    manual_clock clock;
    transaction_timers timers;
    client_transaction ict(true, transport_reliability::unreliable, timers, clock);
    ict.start();
    transaction_events last;
    const auto at = retransmissions(ict, clock, 40000ms, &last);
    // 0.5,1,2,4,4,4,4,4,4,4 cumulative: every entry of the schedule, then silence.
    const std::vector<std::chrono::milliseconds> expected{
        500ms, 1500ms, 3500ms, 7500ms, 11500ms, 15500ms, 19500ms, 23500ms, 27500ms, 31500ms};
    CHECK(at == expected);
    CHECK(last == transaction_events{{act::timed_out, 408}, {act::terminated, 0}});
    CHECK(ict.transmissions() == 11);
}

TEST_CASE("sip::client_transaction: a custom schedule replaces the doubling", "[sip][transaction]")
{
    manual_clock clock;
    transaction_timers timers;
    timers.resend_schedule = {200ms, 200ms, 1000ms};
    client_transaction ict(true, transport_reliability::unreliable, timers, clock);
    ict.start();
    const auto at = retransmissions(ict, clock, 40000ms);
    CHECK(at == std::vector<std::chrono::milliseconds>{200ms, 400ms, 1400ms});
}

TEST_CASE("sip::client_transaction: INVITE provisional stops retransmission; non-2xx is ACKed",
          "[sip][transaction]")
{
    manual_clock clock;
    transaction_timers timers;
    client_transaction ict(true, transport_reliability::unreliable, timers, clock);
    ict.start();
    clock.advance(500ms);
    CHECK(ict.on_timer() == transaction_events{{act::retransmit_request, 0}});
    CHECK(ict.on_response(100) == transaction_events{{act::deliver_response, 100}});
    CHECK_FALSE(ict.deadline()); // the user's INVITE timeout governs from here
    CHECK(ict.on_response(503) ==
          transaction_events{{act::send_ack, 503}, {act::deliver_response, 503}});
    CHECK(ict.state() == transaction_state::completed);
    // The 503 again (our ACK was lost): ACK again, do not deliver twice.
    CHECK(ict.on_response(503) == transaction_events{{act::send_ack, 503}});
    clock.advance(32s);
    CHECK(ict.on_timer() == transaction_events{{act::terminated, 0}});
}

TEST_CASE("sip::client_transaction: INVITE 2xx goes to Accepted and passes retransmissions up",
          "[sip][transaction]")
{
    manual_clock clock;
    transaction_timers timers;
    client_transaction ict(true, transport_reliability::unreliable, timers, clock);
    ict.start();
    CHECK(ict.on_response(200) == transaction_events{{act::deliver_response, 200}});
    CHECK(ict.state() == transaction_state::accepted);
    CHECK(ict.on_response(200) == transaction_events{{act::deliver_response, 200}});
    clock.advance(32s);
    CHECK(ict.on_timer() == transaction_events{{act::terminated, 0}});
}

TEST_CASE("sip::client_transaction: non-INVITE retransmits at T2 in Proceeding; reliable never",
          "[sip][transaction]")
{
    manual_clock clock;
    transaction_timers timers;
    client_transaction nict(false, transport_reliability::unreliable, timers, clock);
    nict.start();
    clock.advance(100ms);
    nict.on_response(100);
    const auto at = retransmissions(nict, clock, 12000ms);
    CHECK(at == std::vector<std::chrono::milliseconds>{4000ms, 8000ms, 12000ms});
    CHECK(nict.on_response(200) == transaction_events{{act::deliver_response, 200}});
    clock.advance(5s);
    CHECK(nict.on_timer() == transaction_events{{act::terminated, 0}}); // timer K

    client_transaction tcp(false, transport_reliability::reliable, timers, clock);
    tcp.start();
    CHECK(*tcp.deadline() == clock.now() + 32s); // only timer F
    CHECK(tcp.on_response(200) ==
          transaction_events{{act::deliver_response, 200}, {act::terminated, 0}});
}

TEST_CASE("sip::client_transaction: transport error is a 503 to the user", "[sip][transaction]")
{
    manual_clock clock;
    transaction_timers timers;
    client_transaction nict(false, transport_reliability::reliable, timers, clock);
    nict.start();
    CHECK(nict.on_transport_error() ==
          transaction_events{{act::timed_out, 503}, {act::terminated, 0}});
}

TEST_CASE(
    "sip::server_transaction: absorbs retransmissions until it answers, then repeats the answer",
    "[sip][transaction]")
{
    manual_clock clock;
    transaction_timers timers;
    server_transaction nist(false, transport_reliability::unreliable, timers, clock);
    // Silence chosen (unknown source, SS_REPLY_UNAUTHORIZED Off): nothing is ever sent.
    CHECK(nist.on_request_retransmission().empty());
    CHECK_FALSE(nist.deadline());
    nist.on_send_response(200);
    CHECK(nist.on_request_retransmission() == transaction_events{{act::resend_response, 200}});
    clock.advance(32s);
    CHECK(nist.on_timer() == transaction_events{{act::terminated, 0}}); // timer J
}

TEST_CASE("sip::server_transaction: INVITE non-2xx retransmits with timer G until the ACK",
          "[sip][transaction]")
{
    manual_clock clock;
    transaction_timers timers;
    server_transaction ist(true, transport_reliability::unreliable, timers, clock);
    ist.on_send_response(100);
    CHECK(ist.on_request_retransmission() == transaction_events{{act::resend_response, 100}});
    ist.on_send_response(486);
    const auto at = retransmissions(ist, clock, 8000ms);
    CHECK(at == std::vector<std::chrono::milliseconds>{500ms, 1500ms, 3500ms, 7500ms});
    CHECK(ist.on_ack() == transaction_events{{act::deliver_ack, 486}});
    CHECK(ist.state() == transaction_state::confirmed);
    CHECK(ist.on_request_retransmission().empty());
    clock.advance(5s);
    CHECK(ist.on_timer() == transaction_events{{act::terminated, 0}}); // timer I
}

TEST_CASE("sip::server_transaction: no ACK within timer H is reported", "[sip][transaction]")
{
    manual_clock clock;
    transaction_timers timers;
    server_transaction ist(true, transport_reliability::unreliable, timers, clock);
    ist.on_send_response(403);
    transaction_events last;
    retransmissions(ist, clock, 40000ms, &last);
    CHECK(last == transaction_events{{act::timed_out, 403}, {act::terminated, 0}});
}

TEST_CASE("sip::server_transaction: INVITE 2xx moves to Accepted (RFC 6026)", "[sip][transaction]")
{
    manual_clock clock;
    transaction_timers timers;
    server_transaction ist(true, transport_reliability::reliable, timers, clock);
    ist.on_send_response(180);
    ist.on_send_response(200);
    CHECK(ist.state() == transaction_state::accepted);
    CHECK(ist.on_request_retransmission().empty());
    CHECK(ist.on_ack().empty()); // the 2xx ACK is a dialog request, not ours
    clock.advance(32s);
    CHECK(ist.on_timer() == transaction_events{{act::terminated, 0}});
}
