// SPDX-License-Identifier: MIT
// Semantic checks a UA core or proxy applies after parsing (RFC 3261 §8.2, §16.3).
#pragma once

#include <ssw/core/result.hpp>
#include <ssw/sip/message.hpp>

namespace ssw::sip {

// Checks a parsed message the way an element must before acting on it (the checks RFC 4475
// assigns above the parser). Returns the first problem found:
// - protocol_error: SIP version other than 2.0 (RFC 3261 §8.2.2.x, answer 505); a missing
//   mandatory header (requests: To, From, Call-ID, CSeq, Via; responses the same; RFC 3261
//   §8.1.1; Max-Forwards is not required for RFC 2543 compatibility, RFC 4475 inv2543);
//   a single-value header repeated (To, From, Call-ID, CSeq, Max-Forwards, Content-Length,
//   Content-Type, Expires, Min-Expires; RFC 4475 multi01); CSeq method differing from the
//   request method (RFC 4475 mismatch01/02); a status code outside 100-699; a SIP/SIPS
//   Request-URI carrying headers (RFC 4475 escruri); a Date not in GMT (RFC 4475 baddate).
// - parse_error: a value of a known header that does not follow its grammar (Via, From, To,
//   Contact, CSeq, Max-Forwards, Expires, Min-Expires, Content-Type, Route, Record-Route,
//   P-Asserted-Identity, Allow, Supported, Require, auth headers), a Contact "*" mixed with
//   other Contact values, or a bad Request-URI.
// where = "line L col C" within the message.
result<void> validate_message(const message& m);

} // namespace ssw::sip
