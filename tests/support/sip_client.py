#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
# A small SIP client for the flood tests and the flood bench (issue 20), Python 3 stdlib only.
#
#   register   registers one account every --interval seconds for --duration seconds over UDP,
#              answering the 401/407 with an RFC 2617/7616 digest (MD5 or SHA-256, qop=auth),
#              with its own retransmissions (every 500 ms, at most 4 sends per request); an
#              attempt that has no 200 within 2 s is lost. With --call NUMBER --every K it
#              also places an authenticated call every K seconds (INVITE, challenge answered,
#              ACK, BYE after the 200; a call not complete within 10 s failed). Prints one JSON
#              object: {"attempts":N,"ok":N,"lost":N,"max_latency_ms":X,...
#              [,"calls":N,"calls_ok":N,"call_results":{"completed":N,"INVITE 503":N,...}]}
#   garbage    sends random-byte datagrams and truncated SIP requests to the server's UDP
#              port from a list of source addresses, at --rate for --duration (bounded by
#              --max-packets); prints {"sent":N,...}.
#   tcp-hold   opens up to --connections TCP connections from the source addresses to the
#              server, half of them sending a partial request (no end of headers), half
#              nothing; holds them for --duration seconds and prints how many connected, how
#              many the server closed and after how long.
#
# Every loop is bounded in count and time, and only loopback addresses (127.0.0.0/8, ::1)
# are accepted as server or source: this tool floods, it must never leave the machine.
import argparse
import hashlib
import ipaddress
import json
import random
import re
import resource
import select
import socket
import sys
import time

RETRANSMIT_S = 0.5      # resend an unanswered request after this long
MAX_SENDS = 4           # sends per request at most (the first one and three retransmissions)
ATTEMPT_TIMEOUT_S = 2.0  # a registration without 200 within this long is lost
CALL_TIMEOUT_S = 10.0   # a call (INVITE to the BYE's 200) not complete within this failed
MAX_DURATION_S = 600.0  # no mode runs longer than this, whatever the arguments say


def loopback(address):
    try:
        return ipaddress.ip_address(address).is_loopback
    except ValueError:
        return False


def require_loopback(address, what):
    if not loopback(address):
        sys.exit("sip_client.py: %s %s is not a loopback address (127.0.0.0/8 or ::1)" %
                 (what, address))


def parse_sources(text):
    """'127.0.0.2-127.0.0.20,127.0.0.30' -> list of addresses (all loopback, at most 256)."""
    out = []
    for part in text.split(","):
        part = part.strip()
        if not part:
            continue
        if "-" in part:
            first, last = (ipaddress.ip_address(p.strip()) for p in part.split("-", 1))
            if first.version != last.version or int(last) < int(first):
                sys.exit("sip_client.py: bad source range " + part)
            if int(last) - int(first) >= 256:
                sys.exit("sip_client.py: source range %s is longer than 256 addresses" % part)
            out += [str(ipaddress.ip_address(i)) for i in range(int(first), int(last) + 1)]
        else:
            out.append(part)
    for a in out:
        require_loopback(a, "source")
    if not out or len(out) > 256:
        sys.exit("sip_client.py: give 1 to 256 source addresses")
    return out


def family(address):
    return socket.AF_INET6 if ":" in address else socket.AF_INET


def hostport(address, port):
    return ("[%s]" % address if ":" in address else address) + ":" + str(port)


def new_token(n=10):
    return "%0*x" % (n, random.getrandbits(4 * n))


# --- SIP message parsing (just what the client needs) -------------------------------------

class Response:
    def __init__(self, code, headers, body):
        self.code = code
        self.headers = headers  # list of (lower-case name, value)
        self.body = body

    def all(self, name):
        return [v for n, v in self.headers if n == name]

    def first(self, name):
        v = self.all(name)
        return v[0] if v else None


COMPACT = {"v": "via", "f": "from", "t": "to", "i": "call-id", "m": "contact",
           "l": "content-length", "c": "content-type"}


def parse_response(data):
    try:
        text = data.decode("utf-8", "replace")
    except Exception:
        return None
    head, _, body = text.partition("\r\n\r\n")
    lines = head.split("\r\n")
    m = re.match(r"SIP/2\.0 (\d{3}) ", lines[0] + " ")
    if not m:
        return None
    headers = []
    for line in lines[1:]:
        if line[:1] in (" ", "\t") and headers:
            n, v = headers[-1]
            headers[-1] = (n, v + " " + line.strip())
            continue
        name, sep, value = line.partition(":")
        if not sep:
            continue
        name = name.strip().lower()
        headers.append((COMPACT.get(name, name), value.strip()))
    return Response(int(m.group(1)), headers, body)


def top_branch(resp):
    via = resp.first("via")
    if via is None:
        return None
    via = via.split(",")[0]
    m = re.search(r";\s*branch=([^;,\s]+)", via)
    return m.group(1) if m else None


def to_tag(resp):
    to = resp.first("to") or ""
    m = re.search(r";\s*tag=([^;,\s]+)", to)
    return m.group(1) if m else None


def uri_of(header_value):
    m = re.search(r"<([^>]+)>", header_value)
    return m.group(1) if m else header_value.split(";")[0].strip()


def parse_challenge(value):
    """'Digest realm="ssw", nonce="..", qop="auth"' -> dict (lower-case keys)."""
    scheme, _, rest = value.strip().partition(" ")
    if scheme.lower() != "digest":
        return None
    params = {}
    for m in re.finditer(r'([A-Za-z0-9_-]+)\s*=\s*("((?:[^"\\]|\\.)*)"|[^,\s]+)', rest):
        params[m.group(1).lower()] = m.group(3) if m.group(3) is not None else m.group(2)
    return params


HASHES = {"MD5": hashlib.md5, "SHA-256": hashlib.sha256}


def pick_challenge(resp):
    """The topmost challenge with an algorithm we speak (RFC 8760): (header name, params)."""
    if resp.code == 407:
        name, values = "Proxy-Authorization", resp.all("proxy-authenticate")
    else:
        name, values = "Authorization", resp.all("www-authenticate")
    for v in values:
        c = parse_challenge(v)
        if c is None:
            continue
        if c.get("algorithm", "MD5").upper() in HASHES:
            return name, c
    return None, None


def digest_header(challenge, user, password, method, uri, nc=1):
    algorithm = challenge.get("algorithm", "MD5").upper()
    h = HASHES[algorithm]
    realm = challenge.get("realm", "")
    nonce = challenge.get("nonce", "")

    def H(s):
        return h(s.encode()).hexdigest()

    ha1 = H("%s:%s:%s" % (user, realm, password))
    ha2 = H("%s:%s" % (method, uri))
    qops = [q.strip() for q in challenge.get("qop", "").split(",") if q.strip()]
    parts = ['Digest username="%s"' % user, 'realm="%s"' % realm, 'nonce="%s"' % nonce,
             'uri="%s"' % uri]
    if "auth" in qops:
        cnonce = new_token(16)
        ncs = "%08x" % nc
        response = H("%s:%s:%s:%s:auth:%s" % (ha1, nonce, ncs, cnonce, ha2))
        parts += ['response="%s"' % response, "algorithm=%s" % algorithm, "qop=auth",
                  "nc=%s" % ncs, 'cnonce="%s"' % cnonce]
    else:
        parts += ['response="%s"' % H("%s:%s:%s" % (ha1, nonce, ha2)), "algorithm=%s" % algorithm]
    if "opaque" in challenge:
        parts.append('opaque="%s"' % challenge["opaque"])
    return ", ".join(parts)


# --- register (and call) mode ---------------------------------------------------------------

class Request:
    """One client transaction: the bytes, when to resend, how often it was sent."""

    def __init__(self, branch, data, now, owner, retransmit=True):
        self.branch = branch
        self.data = data
        self.owner = owner
        self.sends = 1
        self.next_send = now + RETRANSMIT_S if retransmit else None


class Client:
    def __init__(self, a):
        self.a = a
        self.server = (a.server, a.port)
        self.sock = socket.socket(family(a.server), socket.SOCK_DGRAM)
        self.sock.bind((a.local, a.local_port))
        self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 1 << 20)
        self.local_port = self.sock.getsockname()[1]
        self.me = hostport(a.local, self.local_port)
        self.target = hostport(a.server, a.port)
        self.pending = {}  # branch -> Request
        self.stats = {"attempts": 0, "ok": 0, "lost": 0, "max_latency_ms": 0.0,
                      "final_codes": {}}
        self.latencies = []
        self.attempts = []  # open registration attempts
        self.calls = []     # open calls
        self.call_stats = {"calls": 0, "calls_ok": 0, "call_results": {}}
        self.cseq = 0

    # -- transport

    def send(self, data):
        try:
            self.sock.sendto(data, self.server)
        except OSError:
            pass  # a full socket buffer is a lost datagram, the retransmission covers it

    def start_request(self, owner, method, ruri, call_id, from_tag, to_tag_value, cseq, extra,
                      body=b"", content_type=None, retransmit=True):
        branch = "z9hG4bK" + new_token(16)
        to = "<sip:%s@%s>" % (owner.to_user, self.a.server_host)
        if to_tag_value:
            to += ";tag=" + to_tag_value
        lines = ["%s %s SIP/2.0" % (method, ruri),
                 "Via: SIP/2.0/UDP %s;branch=%s;rport" % (self.me, branch),
                 "Max-Forwards: 70",
                 "From: <sip:%s@%s>;tag=%s" % (self.a.user, self.a.server_host, from_tag),
                 "To: " + to,
                 "Call-ID: " + call_id,
                 "CSeq: %d %s" % (cseq, method),
                 "Contact: <sip:%s@%s>" % (self.a.user, self.me),
                 "User-Agent: ssw-test-sip-client"]
        lines += extra
        if content_type:
            lines.append("Content-Type: " + content_type)
        lines.append("Content-Length: %d" % len(body))
        data = ("\r\n".join(lines) + "\r\n\r\n").encode() + body
        req = Request(branch, data, time.monotonic(), owner, retransmit)
        self.send(data)
        if retransmit:
            self.pending[branch] = req
        return req

    # -- registration attempts

    def start_attempt(self, now):
        att = Attempt(self, now)
        self.attempts.append(att)
        self.stats["attempts"] += 1
        att.send_register(None)

    def finish_attempt(self, att, code, now):
        if att.done:
            return
        att.done = True
        codes = self.stats["final_codes"]
        codes[str(code)] = codes.get(str(code), 0) + 1
        if code == 200 and now - att.started <= ATTEMPT_TIMEOUT_S:
            self.stats["ok"] += 1
            ms = (now - att.started) * 1000.0
            self.latencies.append(ms)
            self.stats["max_latency_ms"] = max(self.stats["max_latency_ms"], ms)
        else:
            self.stats["lost"] += 1
        self.drop_requests_of(att)

    def drop_requests_of(self, owner):
        for b in [b for b, r in self.pending.items() if r.owner is owner]:
            del self.pending[b]

    # -- calls

    def start_call(self, now):
        c = Call(self, now)
        self.calls.append(c)
        self.call_stats["calls"] += 1
        c.send_invite(None)

    # -- the loop

    def on_datagram(self, data, now):
        resp = parse_response(data)
        if resp is None:
            return  # a request to us (none expected): ignore
        branch = top_branch(resp)
        req = self.pending.get(branch)
        if req is None:
            # A retransmitted 200 for an INVITE whose transaction we closed: ACK it again.
            for c in self.calls:
                if c.invite_branch == branch and resp.code == 200:
                    c.on_invite_response(resp, now)
            return
        req.owner.on_response(req, resp, now)

    def on_timers(self, now):
        for b, r in list(self.pending.items()):
            if r.next_send is not None and now >= r.next_send:
                if r.sends >= MAX_SENDS:
                    r.next_send = None  # nothing more to send; the attempt's timeout decides
                    continue
                self.send(r.data)
                r.sends += 1
                r.next_send = now + RETRANSMIT_S
        for att in self.attempts:
            if not att.done and now - att.started > ATTEMPT_TIMEOUT_S:
                self.finish_attempt(att, 0, now)
        self.attempts = [x for x in self.attempts if not x.done]
        for c in self.calls:
            if not c.done and now - c.started > CALL_TIMEOUT_S:
                c.finish(False, "timeout in %s, last response %s" % (c.state, c.last_code))
        self.calls = [x for x in self.calls if not x.done]

    def run(self):
        a = self.a
        start = time.monotonic()
        end = start + min(a.duration, MAX_DURATION_S)
        next_attempt = start
        next_call = start + min(1.0, a.every) if a.call else None
        while True:
            now = time.monotonic()
            if now >= end and not self.attempts and not self.calls:
                break
            if now >= end + CALL_TIMEOUT_S + 1:
                break  # bounded whatever happens
            if now < end and now >= next_attempt:
                self.start_attempt(now)
                next_attempt += a.interval
                if next_attempt < now:  # we were late (a loaded machine): do not burst
                    next_attempt = now + a.interval
            if next_call is not None and now < end and now >= next_call:
                self.start_call(now)
                next_call += a.every
            self.on_timers(now)
            wake = [now + 0.05]
            if now < end:
                wake += [end, next_attempt]
            wake += [r.next_send for r in self.pending.values() if r.next_send is not None]
            timeout = max(0.0, min(wake) - time.monotonic())
            r, _, _ = select.select([self.sock], [], [], timeout)
            if r:
                for _ in range(64):
                    try:
                        data = self.sock.recv(65535, socket.MSG_DONTWAIT)
                    except (BlockingIOError, InterruptedError):
                        break
                    except OSError:
                        break  # ICMP port unreachable: the server is gone; timeouts count it
                    self.on_datagram(data, time.monotonic())
        out = dict(self.stats)
        out["max_latency_ms"] = round(out["max_latency_ms"], 1)
        lat = sorted(self.latencies)
        out["median_latency_ms"] = round(lat[len(lat) // 2], 1) if lat else None
        if a.call:
            out.update(self.call_stats)
        return out


class Attempt:
    """One registration: REGISTER, 401/407, REGISTER with credentials, 200."""

    def __init__(self, client, now):
        self.c = client
        self.started = now
        self.done = False
        self.call_id = new_token(20) + "@ssw-test"
        self.from_tag = new_token(8)
        self.to_user = client.a.user
        self.challenges = 0

    def send_register(self, authorization):
        c = self.c
        c.cseq += 1
        extra = ["Expires: %d" % c.a.expires]
        if authorization:
            extra.append(authorization)
        c.start_request(self, "REGISTER", "sip:" + c.target, self.call_id, self.from_tag, None,
                        c.cseq, extra)

    def on_response(self, req, resp, now):
        c = self.c
        if resp.code < 200:
            return  # a non-INVITE request is retransmitted until its final response
        c.pending.pop(req.branch, None)
        if resp.code in (401, 407) and self.challenges < 2:
            name, ch = pick_challenge(resp)
            if ch is not None:
                self.challenges += 1
                auth = digest_header(ch, c.a.user, c.a.password, "REGISTER", "sip:" + c.target)
                self.send_register("%s: %s" % (name, auth))
                return
        c.finish_attempt(self, resp.code, now)


SDP = ("v=0\r\no=- 1 1 IN IP4 %s\r\ns=-\r\nc=IN IP4 %s\r\nt=0 0\r\n"
       "m=audio 9 RTP/AVP 0\r\na=rtpmap:0 PCMU/8000\r\n")


class Call:
    """INVITE, 401/407 and its ACK, INVITE with credentials, 200, ACK, BYE, 200."""

    def __init__(self, client, now):
        self.c = client
        self.started = now
        self.done = False
        self.call_id = new_token(20) + "@ssw-test-call"
        self.from_tag = new_token(8)
        self.to_user = client.a.call
        self.ruri = "sip:%s@%s" % (client.a.call, client.target)
        self.cseq = 0
        self.challenges = 0
        self.invite_branch = None
        self.remote_tag = None
        self.state = "inviting"
        self.last_code = None  # the last response of this call, for the failure reason

    def send_invite(self, authorization):
        c = self.c
        self.cseq += 1
        extra = [authorization] if authorization else []
        ip = c.a.local if ":" not in c.a.local else "127.0.0.1"
        body = (SDP % (ip, ip)).encode()
        self.invite_cseq = self.cseq
        req = c.start_request(self, "INVITE", self.ruri, self.call_id, self.from_tag, None,
                              self.cseq, extra, body, "application/sdp")
        self.invite_branch = req.branch

    def ack(self, resp, branch):
        """ACK for a final response; for non-2xx the INVITE's branch, for 2xx a new one."""
        c = self.c
        tag = to_tag(resp)
        via_branch = branch or ("z9hG4bK" + new_token(16))
        to = "<sip:%s@%s>" % (self.to_user, c.a.server_host) + (";tag=" + tag if tag else "")
        ruri = self.ruri
        if branch is None:
            contact = resp.first("contact")
            if contact:
                ruri = uri_of(contact)
        routes = ["Route: " + r for r in reversed(resp.all("record-route"))] if branch is None \
            else []
        lines = ["ACK %s SIP/2.0" % ruri,
                 "Via: SIP/2.0/UDP %s;branch=%s;rport" % (c.me, via_branch),
                 "Max-Forwards: 70",
                 "From: <sip:%s@%s>;tag=%s" % (c.a.user, c.a.server_host, self.from_tag),
                 "To: " + to,
                 "Call-ID: " + self.call_id,
                 "CSeq: %d ACK" % self.invite_cseq] + routes + ["Content-Length: 0"]
        c.send(("\r\n".join(lines) + "\r\n\r\n").encode())

    def on_response(self, req, resp, now):
        self.last_code = resp.code
        if self.state == "inviting" and req.branch == self.invite_branch:
            self.on_invite_response(resp, now, req)
        elif self.state == "bye" and resp.code >= 200:
            self.c.pending.pop(req.branch, None)
            self.finish(resp.code == 200,
                        "completed" if resp.code == 200 else "BYE %d" % resp.code)

    def on_invite_response(self, resp, now, req=None):
        c = self.c
        if resp.code < 200:
            if req is not None:
                req.next_send = None  # a provisional stops INVITE retransmissions (Timer A)
            return
        c.pending.pop(self.invite_branch, None)
        if resp.code >= 300:
            self.ack(resp, self.invite_branch)
            if resp.code in (401, 407) and self.challenges < 2 and self.state == "inviting":
                name, ch = pick_challenge(resp)
                if ch is not None:
                    self.challenges += 1
                    auth = digest_header(ch, c.a.user, c.a.password, "INVITE", self.ruri)
                    self.send_invite("%s: %s" % (name, auth))
                    return
            self.finish(False, "INVITE %d" % resp.code)
            return
        # 2xx: ACK (again, for a retransmitted 200), then BYE once.
        self.ack(resp, None)
        if self.state != "inviting":
            return
        self.state = "bye"
        self.remote_tag = to_tag(resp)
        contact = resp.first("contact")
        ruri = uri_of(contact) if contact else self.ruri
        routes = ["Route: " + r for r in reversed(resp.all("record-route"))]
        self.cseq += 1
        req = c.start_request(self, "BYE", ruri, self.call_id, self.from_tag, self.remote_tag,
                              self.cseq, routes)
        self.bye_branch = req.branch

    def finish(self, ok, why):
        """`why`: what ended the call, counted in "call_results" ("completed", "INVITE 403",
        "timeout in inviting")."""
        if self.done:
            return
        self.done = True
        if ok:
            self.c.call_stats["calls_ok"] += 1
        results = self.c.call_stats["call_results"]
        results[why] = results.get(why, 0) + 1
        self.c.drop_requests_of(self)


# --- garbage mode ---------------------------------------------------------------------------

TRUNCATE_FROM = ("REGISTER sip:{host} SIP/2.0\r\nVia: SIP/2.0/UDP {me};branch=z9hG4bK{b};rport\r\n"
                 "Max-Forwards: 70\r\nFrom: <sip:{u}@{host}>;tag={b}\r\nTo: <sip:{u}@{host}>\r\n"
                 "Call-ID: {b}@junk\r\nCSeq: 1 REGISTER\r\nContact: <sip:{u}@{me}>\r\n"
                 "Expires: 3600\r\nContent-Length: 0\r\n\r\n")


def garbage(a):
    sources = parse_sources(a.sources)
    socks = []
    for s in sources:
        k = socket.socket(family(s), socket.SOCK_DGRAM)
        k.bind((s, 0))
        k.setblocking(False)
        socks.append(k)
    target = (a.server, a.port)
    host = hostport(a.server, a.port)
    rng = random.Random(a.seed)
    # A pool of payloads made once, so the loop only sends.
    pool = []
    for i in range(512):
        if i % 4 == 3:
            b = "%x" % rng.getrandbits(40)
            full = TRUNCATE_FROM.format(host=host, me="127.0.0.1:5999", b=b,
                                        u=rng.randint(1, 10**6))
            pool.append(full[:rng.randint(1, len(full) - 5)].encode())
        elif i % 4 == 2:
            # Almost SIP: a request line and headers of random junk, no end of headers.
            pool.append(b"INVITE sip:x SIP/2.0\r\n" + bytes(rng.getrandbits(8) for _ in range(
                rng.randint(1, 300))))
        else:
            pool.append(bytes(rng.getrandbits(8) for _ in range(rng.randint(1, a.max_size))))
    duration = min(a.duration, MAX_DURATION_S)
    start = time.monotonic()
    sent = errors = nbytes = 0
    tick = 0.005
    per_tick = max(1, int(a.rate * tick))
    i = 0
    while sent < a.max_packets:
        now = time.monotonic()
        if now - start >= duration:
            break
        due = min(a.max_packets, int((now - start) * a.rate) + per_tick)
        while sent < due:
            p = pool[i % len(pool)]
            try:
                socks[i % len(socks)].sendto(p, target)
                nbytes += len(p)
            except OSError:
                errors += 1  # buffer full, or ICMP unreachable from an earlier send
            sent += 1
            i += 1
        time.sleep(tick)
    seconds = time.monotonic() - start
    for k in socks:
        k.close()
    return {"sent": sent, "bytes": nbytes, "send_errors": errors, "seconds": round(seconds, 3),
            "rate": round(sent / seconds, 1) if seconds > 0 else 0, "sources": len(sources)}


# --- tcp-hold mode --------------------------------------------------------------------------

def tcp_hold(a):
    sources = parse_sources(a.sources)
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    want = a.connections + 64
    if soft < want:
        try:
            resource.setrlimit(resource.RLIMIT_NOFILE, (min(want, hard), hard))
        except (ValueError, OSError):
            pass
        soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    total = max(0, min(a.connections, soft - 64))
    duration = min(a.duration, MAX_DURATION_S)
    start = time.monotonic()
    conns = {}  # fd -> dict
    connecting = {}
    refused = timed_out = 0
    partial = ("INVITE sip:0046812345678@%s SIP/2.0\r\nVia: SIP/2.0/TCP 127.0.0.1:5999;branch="
               "z9hG4bKhold%%d\r\nFrom: <sip:scan@%s>;tag=%%d\r\nTo: <sip:0046812345678@%s>\r\n"
               "Call-ID: hold-%%d@x\r\nCSeq: 1 INVITE\r\nContent-Length: 0\r\n" %
               ((hostport(a.server, a.port),) * 3))
    poller = select.poll()
    opened = 0
    # Open in waves of --burst per 10 ms so the listen backlog is not the only thing tested.
    while opened < total and time.monotonic() - start < duration:
        for _ in range(min(a.burst, total - opened)):
            src = sources[opened % len(sources)]
            k = socket.socket(family(a.server), socket.SOCK_STREAM)
            k.setblocking(False)
            try:
                k.bind((src, 0))
                k.connect_ex((a.server, a.port))
            except OSError:
                k.close()
                refused += 1
                opened += 1
                continue
            # Half of each source's connections send a partial request, half nothing.
            sends_partial = (opened + opened // len(sources)) % 2 == 0
            info = {"sock": k, "t0": time.monotonic(), "partial": sends_partial,
                    "connected": False, "closed_at": None, "n": opened}
            connecting[k.fileno()] = info
            poller.register(k.fileno(), select.POLLOUT | select.POLLIN | select.POLLERR)
            opened += 1
        pump(poller, connecting, conns, partial, 10)
        refused_now = [f for f, i in connecting.items() if i.get("failed")]
        for f in refused_now:
            refused += 1
            poller.unregister(f)
            connecting.pop(f)["sock"].close()
    # Hold until the duration is over, noting closes by the server.
    while time.monotonic() - start < duration:
        pump(poller, connecting, conns, partial, 50)
        for f in [f for f, i in connecting.items() if i.get("failed")]:
            refused += 1
            poller.unregister(f)
            connecting.pop(f)["sock"].close()
        for f in [f for f, i in connecting.items() if time.monotonic() - i["t0"] > 3.0]:
            timed_out += 1
            poller.unregister(f)
            connecting.pop(f)["sock"].close()
    closed = [i for i in conns.values() if i["closed_at"] is not None]
    after = sorted((i["closed_at"] - i["t0"]) * 1000.0 for i in closed)
    out = {"attempted": opened, "connected": len(conns), "refused": refused,
           "connect_timeouts": timed_out + len(connecting),
           "closed_by_server": len(closed),
           "closed_partial": sum(1 for i in closed if i["partial"]),
           "closed_silent": sum(1 for i in closed if not i["partial"]),
           "open_at_end": len(conns) - len(closed),
           "closed_after_ms": {"min": round(after[0]) if after else None,
                               "median": round(after[len(after) // 2]) if after else None,
                               "max": round(after[-1]) if after else None},
           "seconds": round(time.monotonic() - start, 3)}
    for i in list(conns.values()) + list(connecting.values()):
        i["sock"].close()
    return out


def pump(poller, connecting, conns, partial, timeout_ms):
    for fd, ev in poller.poll(timeout_ms):
        if fd in connecting:
            i = connecting[fd]
            err = i["sock"].getsockopt(socket.SOL_SOCKET, socket.SO_ERROR)
            if err != 0 or ((ev & (select.POLLERR | select.POLLHUP)) and not (ev & select.POLLOUT)):
                i["failed"] = True
                continue
            if ev & select.POLLOUT:
                i["connected"] = True
                i["t0c"] = time.monotonic()
                connecting.pop(fd)
                conns[fd] = i
                if i["partial"]:
                    n = i["n"]
                    try:
                        i["sock"].send((partial % (n, n, n)).encode())
                    except OSError:
                        pass
                poller.modify(fd, select.POLLIN | select.POLLERR | select.POLLHUP)
                # A connection the server closes at once shows up on the next poll.
            continue
        i = conns.get(fd)
        if i is None or i["closed_at"] is not None:
            continue
        gone = bool(ev & (select.POLLERR | select.POLLHUP))
        if ev & select.POLLIN:
            try:
                data = i["sock"].recv(4096)
                gone = gone or not data  # data (e.g. a 408/400) is read and ignored
            except OSError:
                gone = True
        if gone:
            i["closed_at"] = time.monotonic()
            try:
                poller.unregister(fd)
            except KeyError:
                pass


# --- main -----------------------------------------------------------------------------------

def main():
    p = argparse.ArgumentParser(description=__doc__)
    sub = p.add_subparsers(dest="mode", required=True)

    def common(s):
        s.add_argument("--server", default="127.0.0.1", help="the daemon's address")
        s.add_argument("--port", type=int, required=True, help="the daemon's port")
        s.add_argument("--duration", type=float, default=5.0)

    r = sub.add_parser("register", help="register an account periodically (and call)")
    common(r)
    r.add_argument("--local", default="127.0.0.1", help="local address to bind")
    r.add_argument("--local-port", type=int, default=0)
    r.add_argument("--user", default="1000")
    r.add_argument("--password", default="demo")
    r.add_argument("--realm", default="ssw", help="expected realm (the challenge's is used)")
    r.add_argument("--interval", type=float, default=0.3)
    r.add_argument("--expires", type=int, default=600)
    r.add_argument("--call", help="also call this number")
    r.add_argument("--every", type=float, default=2.0, help="seconds between calls")

    g = sub.add_parser("garbage", help="random datagrams and truncated SIP")
    common(g)
    g.add_argument("--sources", default="127.0.0.2")
    g.add_argument("--rate", type=float, default=5000.0, help="datagrams per second")
    g.add_argument("--max-packets", type=int, default=200000)
    g.add_argument("--max-size", type=int, default=1400)
    g.add_argument("--seed", type=int, default=20)

    t = sub.add_parser("tcp-hold", help="hold idle and half-sent TCP connections")
    common(t)
    t.add_argument("--sources", default="127.0.0.2")
    t.add_argument("--connections", type=int, default=1000)
    t.add_argument("--burst", type=int, default=50, help="connections opened per 10 ms")

    a = p.parse_args()
    require_loopback(a.server, "server")
    if not 0 < a.port < 65536:
        sys.exit("sip_client.py: bad port")
    a.server_host = a.server if ":" not in a.server else "[%s]" % a.server
    if a.mode == "register":
        require_loopback(a.local, "local address")
        if a.interval < 0.01 or a.every < 0.1:
            sys.exit("sip_client.py: --interval at least 0.01 s, --every at least 0.1 s")
        out = Client(a).run()
    elif a.mode == "garbage":
        a.max_packets = max(0, min(a.max_packets, 10_000_000))
        a.max_size = max(1, min(a.max_size, 65000))
        out = garbage(a)
    else:
        a.connections = max(0, min(a.connections, 60000))
        a.burst = max(1, min(a.burst, 1000))
        out = tcp_hold(a)
    print(json.dumps(out, sort_keys=True))
    sys.stdout.flush()


if __name__ == "__main__":
    main()
