// SPDX-License-Identifier: MIT
// ssw::provision: the provisioning file of ssw-run (ssw.conf(5)): listen addresses, accounts,
// mapping gateways (customers) and routing gateways (vendors). Parsed completely or not at
// all, every error with file:line.
#pragma once

#include <ssw/core/ip_address.hpp>
#include <ssw/core/result.hpp>
#include <ssw/sip/transport.hpp>

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace ssw::provision {

using transport = sip::transport_kind;
using sip::to_string;

// An address and port; host may be a name only where DNS is allowed (outbound proxies).
struct endpoint {
    std::string host;
    std::uint16_t port = 5060;
    std::optional<core::ip_address> address; // set when host is a literal address
    bool explicit_port = false;              // a port was written (RFC 3263: then no SRV look-up)
};

struct listener {
    transport kind = transport::udp;
    core::ip_address address;
    std::uint16_t port = 5060;
};

// A terminal account: user, secret (password, or HA1 in hex per digest algorithm), optional
// networks the account may be used from (outside them it is unknown, see SS_REPLY_UNAUTHORIZED).
struct account {
    std::string user;
    std::string password;
    std::string ha1;        // MD5(user:realm:password), 32 hex digits
    std::string ha1_sha256; // SHA-256(user:realm:password), 64 hex digits
    std::vector<core::ip_network> allowed_networks;
    bool relay_media = false; // always relay this account's RTP
    std::string line;         // file:line of the section, for messages
};

// Which header carries the caller's number.
enum class caller_source { from, p_asserted_identity };

// A customer: calls come from its addresses or from its accounts.
struct mapping_gateway {
    std::string name;
    std::vector<core::ip_network> networks;
    std::vector<std::string> accounts;
    caller_source caller = caller_source::from;
    std::string caller_plan; // transform plan names in the rule file
    std::string callee_plan;
    std::string caller_table;
    std::string callee_table;
    bool encrypt = false;
    bool relay_media = false;
    int encrypt_mode = -1;   // overrides SS_RTPENCRYPTIONMODE for this leg (-1: not set)
    std::string encrypt_key; // overrides SS_RTPENCRYPTIONKEY for this leg (empty: not set)
    std::string line;
};

// Outbound registration of a routing gateway to its carrier.
struct registration {
    endpoint proxy;
    std::string user;
    std::string password;
    std::string contact_host; // host name used in Contact
    std::optional<std::uint16_t> local_port;
    std::optional<std::chrono::seconds> expire; // nullopt: SS_SIP_USER_AGENT_EXPIRE
};

// A vendor: where calls go, for which prefixes, with which failover settings.
struct routing_gateway {
    std::string name;
    std::vector<endpoint> addresses;
    transport kind = transport::udp;
    std::vector<std::string> prefixes; // callee prefixes; "" (written `*`) matches all
    int priority = 0;                  // lower is tried first
    unsigned weight = 1;
    std::optional<std::chrono::milliseconds> invite_timeout; // nullopt: SS_SIP_TIMEOUT_INVITE
    std::vector<int> stop_codes;
    std::optional<unsigned> max_calls;
    std::string auth_user;
    std::string auth_password;
    std::string caller_plan;
    std::string callee_plan;
    std::string caller_table;
    std::string callee_table;
    std::string pai_plan;
    bool encrypt = false;
    bool relay_media = false;
    int encrypt_mode = -1;   // overrides SS_RTPENCRYPTIONMODE for this leg (-1: not set)
    std::string encrypt_key; // overrides SS_RTPENCRYPTIONKEY for this leg (empty: not set)
    std::optional<registration> register_to;
    std::string line;
};

// The media relay (top-level media-* keys).
struct media_settings {
    std::uint16_t first_port = 20000; // media-ports = FIRST-LAST: RTP even, RTCP odd
    std::uint16_t last_port = 29999;
    // media-address: written into relayed SDP (empty: the SIP listener's).
    std::string address;
    // media-timeout: no RTP either way this long ends the call (0: off).
    std::chrono::seconds timeout{0};
    bool hijack_guard = true;    // media-hijack-guard: refuse other sources after latching
    bool latch_gateways = false; // media-latch-gateways: latch gateway legs too
};

struct config {
    std::vector<listener> listeners;
    std::vector<account> accounts;
    std::vector<mapping_gateway> mapping_gateways;
    std::vector<routing_gateway> routing_gateways;
    std::string realm = "ssw";
    // Digest algorithms offered in challenges, most preferred first (RFC 8760 §2.4: one
    // WWW-Authenticate per algorithm). Values: "SHA-256", "MD5". MD5 leads by default:
    // Asterisk 18 and FreeSWITCH 1.10 answer only a leading MD5 challenge (sipsorcery#525),
    // and sipp 3.6 knows MD5 only.
    std::vector<std::string> digest_algorithms{"MD5", "SHA-256"};
    std::string rules_file;  // number transform rules (ssw-rules(5)), relative to the file
    std::string bindings_db; // registrar store
    std::string cdr_db;      // CDR store
    std::vector<core::ip_network> trusted_networks; // never suspended as a whole
    bool challenge_unknown_accounts = false; // answer unknown users like known ones (see man page)
    std::string server_header;               // empty: no Server/User-Agent header at all
    // Graceful stop: longest wait for the answers to the un-REGISTERs (unregister-grace).
    std::chrono::seconds unregister_grace{5};
    // The local control socket `ssw-run status` reads (control-socket); empty: the default,
    // ssw-run.ctl in the working directory; "off": none.
    std::string control_socket;
    // NAT keep-alive: spread each cycle evenly over the period and rotate its starting point
    // (keepalive-spread; by default batches go back to back from the start of the list).
    bool keepalive_spread = false;
    std::optional<int> blocked_code; // final code of calls a black/white list stops (403)
    media_settings media;
    std::string source; // where it was read from

    [[nodiscard]] const account* find_account(std::string_view user) const;
};

// Parses the text of a provisioning file; `origin` names it in messages. Errors are
// parse_error or config_error with where = "origin:line".
result<config> parse_config(std::string_view text, std::string_view origin);
// Reads and parses a file (not_found / io_error when it cannot be read).
result<config> load_config(const std::filesystem::path& path);
// The built-in demo: 127.0.0.1:5060 UDP+TCP, accounts 1000-1009 password "demo", two
// routing gateways at 127.0.0.1:5090 and :5091 for every number, databases in `workdir`.
config demo_config(const std::filesystem::path& workdir);

} // namespace ssw::provision
