// SPDX-License-Identifier: MIT
// ssw.conf parsing and validation.
#include <ssw/core/atomic_file.hpp>
#include <ssw/core/text.hpp>
#include <ssw/provision/config.hpp>

#include <algorithm>
#include <functional>
#include <map>
#include <set>

namespace ssw::provision {

namespace {

using core::trim;

struct line_context {
    std::string_view origin;
    std::size_t line = 0;
    [[nodiscard]] std::string where() const
    {
        return std::string(origin) + ":" + std::to_string(line);
    }
    [[nodiscard]] error fail(std::string message) const
    {
        return make_error(errc::parse_error, std::move(message), where());
    }
};

result<bool> parse_switch(std::string_view v, const line_context& at)
{
    const std::string s = core::to_lower(v);
    if (s == "on" || s == "yes" || s == "true" || s == "1") {
        return true;
    }
    if (s == "off" || s == "no" || s == "false" || s == "0") {
        return false;
    }
    return unexpected(at.fail("expected on or off, got '" + std::string(v) + "'"));
}

result<std::uint64_t> parse_count(std::string_view v, const line_context& at, std::uint64_t lo,
                                  std::uint64_t hi, std::string_view what)
{
    const auto n = core::parse_int(v);
    if (!n || *n < static_cast<std::int64_t>(lo) || *n > static_cast<std::int64_t>(hi)) {
        return unexpected(at.fail("expected " + std::string(what) + " from " + std::to_string(lo) +
                                  " to " + std::to_string(hi) + ", got '" + std::string(v) + "'"));
    }
    return static_cast<std::uint64_t>(*n);
}

// "host", "host:port", "1.2.3.4:5", "[::1]:5", "::1".
result<endpoint> parse_endpoint(std::string_view v, const line_context& at, bool allow_names)
{
    endpoint e;
    std::string_view host = v;
    std::string_view port;
    if (!v.empty() && v.front() == '[') {
        const auto close = v.find(']');
        if (close == std::string_view::npos) {
            return unexpected(
                at.fail("expected ']' after the IPv6 address in '" + std::string(v) + "'"));
        }
        host = v.substr(1, close - 1);
        const auto rest = v.substr(close + 1);
        if (!rest.empty()) {
            if (rest.front() != ':') {
                return unexpected(
                    at.fail("expected ':port' after ']' in '" + std::string(v) + "'"));
            }
            port = rest.substr(1);
        }
    } else if (std::count(v.begin(), v.end(), ':') == 1) {
        const auto colon = v.find(':');
        host = v.substr(0, colon);
        port = v.substr(colon + 1);
    }
    if (host.empty()) {
        return unexpected(at.fail("expected a host in '" + std::string(v) + "'"));
    }
    if (!port.empty()) {
        SSW_TRY_ASSIGN(const auto p, parse_count(port, at, 1, 65535, "a port"));
        e.port = static_cast<std::uint16_t>(p);
        e.explicit_port = true;
    }
    e.host = std::string(host);
    if (auto address = core::ip_address::parse(host)) {
        e.address = *address;
    } else if (!allow_names) {
        return unexpected(at.fail("expected an IP address (names are not allowed here), got '" +
                                  std::string(host) + "'"));
    }
    return e;
}

result<core::ip_network> parse_network(std::string_view v, const line_context& at)
{
    auto n = core::ip_network::parse(v);
    if (!n) {
        return unexpected(at.fail(n.error().message));
    }
    return *n;
}

result<std::vector<int>> parse_codes(std::string_view v, const line_context& at)
{
    std::vector<int> codes;
    for (const auto field : core::split(v, ',')) {
        SSW_TRY_ASSIGN(const auto c, parse_count(trim(field), at, 300, 699, "a SIP status code"));
        codes.push_back(static_cast<int>(c));
    }
    return codes;
}

using setter = std::function<result<void>(std::string_view value, const line_context& at)>;

result<void> apply(const std::map<std::string, setter, std::less<>>& keys, std::string_view section,
                   std::string_view key, std::string_view value, const line_context& at)
{
    const auto it = keys.find(key);
    if (it == keys.end()) {
        std::vector<std::string> names;
        for (const auto& [k, _] : keys) {
            names.push_back(k);
        }
        std::string message = "unknown key '" + std::string(key) + "' in " + std::string(section);
        if (auto guess = core::closest_match(key, names)) {
            message += " (did you mean '" + *guess + "'?)";
        }
        return unexpected(at.fail(message));
    }
    return it->second(value, at);
}

setter text(std::string& target)
{
    return [&target](std::string_view v, const line_context&) -> result<void> {
        target = std::string(v);
        return {};
    };
}

setter on_off(bool& target)
{
    return [&target](std::string_view v, const line_context& at) -> result<void> {
        SSW_TRY_ASSIGN(target, parse_switch(v, at));
        return {};
    };
}

setter networks(std::vector<core::ip_network>& target)
{
    return [&target](std::string_view v, const line_context& at) -> result<void> {
        for (const auto field : core::split(v, ',')) {
            SSW_TRY_ASSIGN(auto n, parse_network(trim(field), at));
            target.push_back(n);
        }
        return {};
    };
}

// "SHA-256, MD5": the algorithms to offer, in order of preference, each once.
setter digest_algorithms(std::vector<std::string>& target)
{
    return [&target](std::string_view v, const line_context& at) -> result<void> {
        target.clear();
        for (const auto field : core::split(v, ',')) {
            const auto name = trim(field);
            std::string canonical;
            if (core::iequals(name, "MD5")) {
                canonical = "MD5";
            } else if (core::iequals(name, "SHA-256")) {
                canonical = "SHA-256";
            } else {
                return unexpected(at.fail("unknown digest algorithm '" + std::string(name) +
                                          "'; expected SHA-256 or MD5, comma-separated"));
            }
            if (std::find(target.begin(), target.end(), canonical) != target.end()) {
                return unexpected(at.fail("digest algorithm " + canonical + " is listed twice"));
            }
            target.push_back(std::move(canonical));
        }
        if (target.empty()) {
            return unexpected(at.fail("expected at least one digest algorithm (SHA-256, MD5)"));
        }
        return {};
    };
}

// SS_RTPENCRYPTIONMODE spelled per gateway: 0-3 or none/xor/rc4/aes128.
setter encrypt_mode(int& target)
{
    return [&target](std::string_view v, const line_context& at) -> result<void> {
        const std::string s = core::to_lower(v);
        static constexpr std::string_view names[] = {"none", "xor", "rc4", "aes128"};
        for (int i = 0; i < 4; ++i) {
            if (s == std::to_string(i) || s == names[i] || (i == 3 && s == "aes")) {
                target = i;
                return {};
            }
        }
        return unexpected(
            at.fail("expected 0-3 or none, xor, rc4, aes128, got '" + std::string(v) + "'"));
    };
}

setter plans(std::string& caller_or_callee)
{
    return text(caller_or_callee);
}

using key_map = std::map<std::string, setter, std::less<>>;

// The keys of each section: a setter per key, writing into the section's part of the config.

key_map top_level_keys(config& cfg)
{
    return key_map{
        {"realm", text(cfg.realm)},
        {"rules", text(cfg.rules_file)},
        {"bindings", text(cfg.bindings_db)},
        {"cdr", text(cfg.cdr_db)},
        {"trusted", networks(cfg.trusted_networks)},
        {"challenge-unknown-accounts", on_off(cfg.challenge_unknown_accounts)},
        {"digest-algorithms", digest_algorithms(cfg.digest_algorithms)},
        {"server-header", text(cfg.server_header)},
        {"unregister-grace",
         [&cfg](std::string_view v, const line_context& ctx) -> result<void> {
             SSW_TRY_ASSIGN(const auto n, parse_count(v, ctx, 0, 60, "seconds"));
             cfg.unregister_grace = std::chrono::seconds(n);
             return {};
         }},
        {"control-socket", text(cfg.control_socket)},
        {"keepalive-spread", on_off(cfg.keepalive_spread)},
        {"blocked-code",
         [&cfg](std::string_view v, const line_context& ctx) -> result<void> {
             // A final failure: a 2xx would connect a blocked call, 1xx is not final.
             SSW_TRY_ASSIGN(const auto n, parse_count(v, ctx, 400, 699, "a SIP final code"));
             cfg.blocked_code = static_cast<int>(n);
             return {};
         }},
        {"media-ports",
         [&cfg](std::string_view v, const line_context& ctx) -> result<void> {
             const auto dash = v.find('-');
             if (dash == std::string_view::npos) {
                 return unexpected(
                     ctx.fail("expected FIRST-LAST ports, got '" + std::string(v) + "'"));
             }
             SSW_TRY_ASSIGN(const auto lo,
                            parse_count(trim(v.substr(0, dash)), ctx, 1024, 65535, "a port"));
             SSW_TRY_ASSIGN(const auto hi,
                            parse_count(trim(v.substr(dash + 1)), ctx, 1024, 65535, "a port"));
             if (hi < lo + 3) {
                 return unexpected(ctx.fail("media-ports needs room for at least two port pairs"));
             }
             cfg.media.first_port = static_cast<std::uint16_t>(lo);
             cfg.media.last_port = static_cast<std::uint16_t>(hi);
             return {};
         }},
        {"media-address",
         [&cfg](std::string_view v, const line_context& ctx) -> result<void> {
             if (!core::ip_address::parse(v)) {
                 return unexpected(
                     ctx.fail("expected an IP address, got '" + std::string(v) + "'"));
             }
             cfg.media.address = std::string(v);
             return {};
         }},
        {"media-timeout",
         [&cfg](std::string_view v, const line_context& ctx) -> result<void> {
             SSW_TRY_ASSIGN(const auto n, parse_count(v, ctx, 0, 86400, "seconds (0: off)"));
             cfg.media.timeout = std::chrono::seconds(n);
             return {};
         }},
        {"media-hijack-guard", on_off(cfg.media.hijack_guard)},
        {"media-latch-gateways", on_off(cfg.media.latch_gateways)},
    };
}

key_map listen_keys(config& cfg)
{
    auto add_listener = [&cfg](transport t) {
        return [&cfg, t](std::string_view v, const line_context& ctx) -> result<void> {
            SSW_TRY_ASSIGN(const auto e, parse_endpoint(v, ctx, false));
            cfg.listeners.push_back(listener{t, *e.address, e.port});
            return {};
        };
    };
    return {{"udp", add_listener(transport::udp)}, {"tcp", add_listener(transport::tcp)}};
}

key_map account_keys(account& a)
{
    return {{"password", text(a.password)},
            {"ha1", text(a.ha1)},
            {"ha1-sha256", text(a.ha1_sha256)},
            {"allow", networks(a.allowed_networks)},
            {"relay-media", on_off(a.relay_media)}};
}

key_map mapping_gateway_keys(mapping_gateway& m)
{
    return {{"network", networks(m.networks)},
            {"account",
             [&m](std::string_view v, const line_context&) -> result<void> {
                 for (const auto field : core::split(v, ',')) {
                     m.accounts.emplace_back(trim(field));
                 }
                 return {};
             }},
            {"caller",
             [&m](std::string_view v, const line_context& ctx) -> result<void> {
                 if (core::iequals(v, "from")) {
                     m.caller = caller_source::from;
                 } else if (core::iequals(v, "pai") || core::iequals(v, "p-asserted-identity")) {
                     m.caller = caller_source::p_asserted_identity;
                 } else {
                     return unexpected(
                         ctx.fail("expected 'from' or 'pai', got '" + std::string(v) + "'"));
                 }
                 return {};
             }},
            {"caller-plan", plans(m.caller_plan)},
            {"callee-plan", plans(m.callee_plan)},
            {"caller-table", plans(m.caller_table)},
            {"callee-table", plans(m.callee_table)},
            {"encrypt", on_off(m.encrypt)},
            {"encrypt-mode", encrypt_mode(m.encrypt_mode)},
            {"encrypt-key", text(m.encrypt_key)},
            {"relay-media", on_off(m.relay_media)}};
}

key_map routing_gateway_keys(routing_gateway& r)
{
    auto reg = [&r]() -> registration& {
        if (!r.register_to) {
            r.register_to.emplace();
        }
        return *r.register_to;
    };
    return {
        {"address",
         [&r](std::string_view v, const line_context& ctx) -> result<void> {
             SSW_TRY_ASSIGN(auto e, parse_endpoint(v, ctx, true));
             r.addresses.push_back(std::move(e));
             return {};
         }},
        {"transport",
         [&r](std::string_view v, const line_context& ctx) -> result<void> {
             if (core::iequals(v, "udp")) {
                 r.kind = transport::udp;
             } else if (core::iequals(v, "tcp")) {
                 r.kind = transport::tcp;
             } else {
                 return unexpected(ctx.fail("expected udp or tcp, got '" + std::string(v) + "'"));
             }
             return {};
         }},
        {"prefix",
         [&r](std::string_view v, const line_context& ctx) -> result<void> {
             for (const auto field : core::split(v, ',')) {
                 const auto p = trim(field);
                 if (p == "*") {
                     r.prefixes.emplace_back();
                     continue;
                 }
                 if (p.empty() || p.find_first_not_of("0123456789+*#") != std::string_view::npos) {
                     return unexpected(
                         ctx.fail("expected a digit prefix or '*', got '" + std::string(p) + "'"));
                 }
                 r.prefixes.emplace_back(p);
             }
             return {};
         }},
        {"priority",
         [&r](std::string_view v, const line_context& ctx) -> result<void> {
             SSW_TRY_ASSIGN(const auto n, parse_count(v, ctx, 0, 1000, "a priority"));
             r.priority = static_cast<int>(n);
             return {};
         }},
        {"weight",
         [&r](std::string_view v, const line_context& ctx) -> result<void> {
             SSW_TRY_ASSIGN(const auto n, parse_count(v, ctx, 1, 1000000, "a weight"));
             r.weight = static_cast<unsigned>(n);
             return {};
         }},
        {"invite-timeout",
         [&r](std::string_view v, const line_context& ctx) -> result<void> {
             SSW_TRY_ASSIGN(const auto n, parse_count(v, ctx, 1, 300, "seconds"));
             r.invite_timeout = std::chrono::seconds(n);
             return {};
         }},
        {"stop-codes",
         [&r](std::string_view v, const line_context& ctx) -> result<void> {
             SSW_TRY_ASSIGN(r.stop_codes, parse_codes(v, ctx));
             return {};
         }},
        {"max-calls",
         [&r](std::string_view v, const line_context& ctx) -> result<void> {
             SSW_TRY_ASSIGN(const auto n, parse_count(v, ctx, 1, 1000000, "a call count"));
             r.max_calls = static_cast<unsigned>(n);
             return {};
         }},
        {"auth-user", text(r.auth_user)},
        {"auth-password", text(r.auth_password)},
        {"caller-plan", plans(r.caller_plan)},
        {"callee-plan", plans(r.callee_plan)},
        {"caller-table", plans(r.caller_table)},
        {"callee-table", plans(r.callee_table)},
        {"pai-plan", plans(r.pai_plan)},
        {"encrypt", on_off(r.encrypt)},
        {"encrypt-mode", encrypt_mode(r.encrypt_mode)},
        {"encrypt-key", text(r.encrypt_key)},
        {"relay-media", on_off(r.relay_media)},
        {"register-proxy",
         [reg](std::string_view v, const line_context& ctx) -> result<void> {
             SSW_TRY_ASSIGN(reg().proxy, parse_endpoint(v, ctx, true));
             return {};
         }},
        {"register-user",
         [reg](std::string_view v, const line_context&) -> result<void> {
             reg().user = std::string(v);
             return {};
         }},
        {"register-password",
         [reg](std::string_view v, const line_context&) -> result<void> {
             reg().password = std::string(v);
             return {};
         }},
        {"register-contact-host",
         [reg](std::string_view v, const line_context&) -> result<void> {
             reg().contact_host = std::string(v);
             return {};
         }},
        {"register-port",
         [reg](std::string_view v, const line_context& ctx) -> result<void> {
             SSW_TRY_ASSIGN(const auto n, parse_count(v, ctx, 1, 65535, "a port"));
             reg().local_port = static_cast<std::uint16_t>(n);
             return {};
         }},
        {"register-expire",
         [reg](std::string_view v, const line_context& ctx) -> result<void> {
             if (core::iequals(v, "auto")) {
                 reg().expire.reset();
                 return {};
             }
             SSW_TRY_ASSIGN(const auto n, parse_count(v, ctx, 20, 7200, "seconds or auto"));
             reg().expire = std::chrono::seconds(n);
             return {};
         }},
    };
}

// Whole-file checks, each naming the section's line.
result<void> check_sections(config& cfg)
{
    auto config_error = [](const std::string& where, std::string message) {
        return unexpected(make_error(errc::config_error, std::move(message), where));
    };
    for (const auto& a : cfg.accounts) {
        const bool has_hash = !a.ha1.empty() || !a.ha1_sha256.empty();
        if (a.password.empty() == !has_hash) {
            return config_error(a.line,
                                "[account " + a.user +
                                    "] needs a password, or ha1 and/or ha1-sha256, not both kinds");
        }
        if (!a.ha1.empty() && (a.ha1.size() != 32 || !core::parse_hex(a.ha1))) {
            return config_error(a.line,
                                "[account " + a.user +
                                    "] ha1 must be 32 hex digits (MD5 of user:realm:password)");
        }
        if (!a.ha1_sha256.empty() &&
            (a.ha1_sha256.size() != 64 || !core::parse_hex(a.ha1_sha256))) {
            return config_error(
                a.line, "[account " + a.user +
                            "] ha1-sha256 must be 64 hex digits (SHA-256 of user:realm:password)");
        }
    }
    for (const auto& m : cfg.mapping_gateways) {
        if (m.networks.empty() && m.accounts.empty()) {
            return config_error(m.line,
                                "[mapping-gateway " + m.name +
                                    "] needs a network or an account to recognise its calls");
        }
        for (const auto& user : m.accounts) {
            if (cfg.find_account(user) == nullptr) {
                return config_error(m.line, "[mapping-gateway " + m.name + "] names account '" +
                                                user + "', which no [account] section defines");
            }
        }
    }
    for (auto& r : cfg.routing_gateways) {
        if (r.addresses.empty()) {
            return config_error(r.line,
                                "[routing-gateway " + r.name + "] needs at least one address");
        }
        if (r.prefixes.empty()) {
            r.prefixes.emplace_back(); // no prefix: routes every number
        }
        if (r.register_to && r.register_to->proxy.host.empty()) {
            return config_error(r.line, "[routing-gateway " + r.name +
                                            "] has register-* settings but no register-proxy");
        }
        if (r.auth_user.empty() != r.auth_password.empty()) {
            return config_error(r.line, "[routing-gateway " + r.name +
                                            "] needs both auth-user and auth-password, or neither");
        }
    }
    return {};
}

// The parser's place in the file: the current section and its keys.
struct parse_state {
    config cfg;
    line_context at;
    std::string section_label = "the top level";
    key_map keys;
    std::set<std::string> names_seen;
};

// A "[kind name]" header: checks it and makes its keys the current ones.
result<void> open_section(parse_state& st, std::string_view line)
{
    auto& at = st.at;
    if (line.back() != ']') {
        return unexpected(at.fail("expected ']' at the end of the section header"));
    }
    const auto inner = trim(line.substr(1, line.size() - 2));
    const auto space = inner.find_first_of(" \t");
    const std::string kind(inner.substr(0, space));
    const std::string name(space == std::string_view::npos ? std::string_view{}
                                                           : trim(inner.substr(space)));
    const std::string where = at.where();
    if (kind == "listen") {
        st.section_label = "[listen]";
        st.keys = listen_keys(st.cfg);
        return {};
    }
    if (kind != "account" && kind != "mapping-gateway" && kind != "routing-gateway") {
        std::string message = "unknown section [" + kind + "]";
        if (auto guess = core::closest_match(
                kind, {"listen", "account", "mapping-gateway", "routing-gateway"})) {
            message += " (did you mean [" + *guess + "]?)";
        }
        return unexpected(at.fail(message + "; expected [listen], [account NAME], "
                                            "[mapping-gateway NAME] or [routing-gateway NAME]"));
    }
    if (name.empty() || name.find_first_of(" \t") != std::string::npos) {
        return unexpected(at.fail("expected one name after [" + kind + " ...]"));
    }
    if (!st.names_seen.insert(kind + " " + name).second) {
        return unexpected(at.fail("[" + kind + " " + name + "] is defined twice"));
    }
    st.section_label = "[" + kind + " " + name + "]";
    if (kind == "account") {
        auto& a = st.cfg.accounts.emplace_back();
        a.user = name;
        a.line = where;
        st.keys = account_keys(a);
    } else if (kind == "mapping-gateway") {
        auto& m = st.cfg.mapping_gateways.emplace_back();
        m.name = name;
        m.line = where;
        st.keys = mapping_gateway_keys(m);
    } else {
        auto& r = st.cfg.routing_gateways.emplace_back();
        r.name = name;
        r.line = where;
        st.keys = routing_gateway_keys(r);
    }
    return {};
}

// One "key = value" line of the current section.
result<void> set_key(parse_state& st, std::string_view line)
{
    const auto eq = line.find('=');
    if (eq == std::string_view::npos) {
        return unexpected(st.at.fail("expected 'key = value' or a [section] header"));
    }
    const auto key = trim(line.substr(0, eq));
    if (key.empty()) {
        return unexpected(st.at.fail("expected a key before '='"));
    }
    // A double-quoted value is read as in parameter files (core::unquote: escapes, '#').
    auto value = core::unquote(trim(line.substr(eq + 1)));
    if (!value) {
        return unexpected(st.at.fail(value.error().message));
    }
    return apply(st.keys, st.section_label, key, *value, st.at);
}

} // namespace

const account* config::find_account(std::string_view user) const
{
    const auto it = std::find_if(accounts.begin(), accounts.end(),
                                 [&](const account& a) { return a.user == user; });
    return it == accounts.end() ? nullptr : &*it;
}

result<config> parse_config(std::string_view text_in, std::string_view origin)
{
    // Sections point into cfg's vectors while they are read: emplace_back may move the
    // elements, so each section's keys are made again when it opens (open_section), and
    // a section's setters only live until the next header.
    parse_state st;
    st.cfg.source = std::string(origin);
    st.at = line_context{origin, 0};
    st.keys = top_level_keys(st.cfg);
    std::size_t start = 0;
    while (start <= text_in.size()) {
        const auto end = text_in.find('\n', start);
        const std::string_view raw = text_in.substr(
            start, end == std::string_view::npos ? std::string_view::npos : end - start);
        start = end == std::string_view::npos ? text_in.size() + 1 : end + 1;
        ++st.at.line;
        const auto line = trim(core::strip_comment(raw)); // as in parameter files
        if (line.empty()) {
            continue;
        }
        SSW_TRY(line.front() == '[' ? open_section(st, line) : set_key(st, line));
    }
    SSW_TRY(check_sections(st.cfg));
    return std::move(st.cfg);
}

result<config> load_config(const std::filesystem::path& path)
{
    SSW_TRY_ASSIGN(const auto text_in, core::read_file(path));
    return parse_config(text_in, path.string());
}

config demo_config(const std::filesystem::path& workdir)
{
    config cfg;
    cfg.source = "built-in demo";
    const auto loopback = *core::ip_address::parse("127.0.0.1");
    cfg.listeners = {{transport::udp, loopback, 5060}, {transport::tcp, loopback, 5060}};
    for (int i = 0; i < 10; ++i) {
        account a;
        a.user = std::to_string(1000 + i);
        a.password = "demo";
        a.line = "demo";
        cfg.accounts.push_back(a);
    }
    for (const std::uint16_t port : {std::uint16_t{5090}, std::uint16_t{5091}}) {
        routing_gateway r;
        r.name = "demo-vendor-" + std::to_string(port);
        r.addresses.push_back(endpoint{"127.0.0.1", port, loopback});
        r.prefixes.emplace_back();
        r.priority = port == 5090 ? 1 : 2;
        r.line = "demo";
        cfg.routing_gateways.push_back(r);
    }
    cfg.bindings_db = (workdir / "ssw-bindings.db").string();
    cfg.cdr_db = (workdir / "ssw-cdr.db").string();
    return cfg;
}

} // namespace ssw::provision
