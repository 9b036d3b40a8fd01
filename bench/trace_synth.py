#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
# Writes a synthetic SIP capture for bench/trace_bench.sh: Ethernet/IPv4/UDP, registrations with
# digest challenges and complete calls (INVITE/100/180/200/ACK/BYE/200 with SDP) between many
# hosts. Usage: trace_synth.py OUT.pcap SIZE_MB
import struct
import sys

out_path = sys.argv[1]
target = int(sys.argv[2]) * 1024 * 1024

SDP = ("v=0\r\no=- {n} 1 IN IP4 {a}\r\ns=-\r\nc=IN IP4 {a}\r\nt=0 0\r\n"
       "m=audio {p} RTP/AVP 0 8 101\r\na=rtpmap:0 PCMU/8000\r\na=rtpmap:8 PCMA/8000\r\n"
       "a=rtpmap:101 telephone-event/8000\r\na=sendrecv\r\n")


def req(method, cid, cseq, fu, ft, tu, tt, a, b, body="", extra=""):
    m = (f"{method} sip:{tu}@{b}:5060 SIP/2.0\r\n"
         f"Via: SIP/2.0/UDP {a}:5060;branch=z9hG4bK{cid}{cseq}{method[:2]};rport\r\n"
         f"Max-Forwards: 70\r\nFrom: \"{fu}\" <sip:{fu}@example.net>;tag={ft}\r\n"
         f"To: <sip:{tu}@example.net>{';tag=' + tt if tt else ''}\r\nCall-ID: {cid}\r\n"
         f"CSeq: {cseq} {method}\r\nContact: <sip:{fu}@{a}:5060>\r\nUser-Agent: bench/1.0\r\n{extra}")
    if body:
        m += "Content-Type: application/sdp\r\n"
    return m + f"Content-Length: {len(body)}\r\n\r\n{body}"


def resp(code, reason, method, cid, cseq, fu, ft, tu, tt, a, body="", extra=""):
    m = (f"SIP/2.0 {code} {reason}\r\n"
         f"Via: SIP/2.0/UDP {a}:5060;branch=z9hG4bK{cid}{cseq}{method[:2]};rport=5060\r\n"
         f"From: \"{fu}\" <sip:{fu}@example.net>;tag={ft}\r\n"
         f"To: <sip:{tu}@example.net>{';tag=' + tt if tt else ''}\r\nCall-ID: {cid}\r\n"
         f"CSeq: {cseq} {method}\r\nServer: bench/1.0\r\n{extra}")
    if body:
        m += "Content-Type: application/sdp\r\n"
    return m + f"Content-Length: {len(body)}\r\n\r\n{body}"


def ip_bytes(a):
    return bytes(int(x) for x in a.split("."))


def frame(src, dst, payload):
    p = payload.encode()
    udp = struct.pack("!HHHH", 5060, 5060, 8 + len(p), 0) + p
    hdr = struct.pack("!BBHHHBBH4s4s", 0x45, 0, 20 + len(udp), 0, 0, 64, 17, 0, ip_bytes(src), ip_bytes(dst))
    s = sum(struct.unpack("!10H", hdr))
    while s >> 16:
        s = (s & 0xffff) + (s >> 16)
    hdr = hdr[:10] + struct.pack("!H", ~s & 0xffff) + hdr[12:]
    return b"\x00\x11\x22\x33\x44\x55\x00\x66\x77\x88\x99\xaa\x08\x00" + hdr + udp


written = 0
messages = 0
t_us = 1_767_225_600 * 1_000_000
with open(out_path, "wb", buffering=1 << 22) as f:
    f.write(struct.pack("<IHHiIII", 0xa1b2c3d4, 2, 4, 0, 0, 262144, 1))
    written = 24
    n = 0
    while written < target:
        n += 1
        a = f"10.{(n >> 16) & 255}.{(n >> 8) & 255}.{n & 255 or 1}"
        b = "192.0.2.10"
        msgs = []
        if n % 4 == 0:
            cid = f"reg{n}@{a}"
            u = f"u{n % 50000}"
            msgs += [(a, b, req("REGISTER", cid, 1, u, f"r{n}", u, "", a, b, extra="Expires: 3600\r\n")),
                     (b, a, resp(401, "Unauthorized", "REGISTER", cid, 1, u, f"r{n}", u, "x1", a,
                                 extra=f"WWW-Authenticate: Digest realm=\"example.net\", nonce=\"{n:016x}\", algorithm=MD5\r\n")),
                     (a, b, req("REGISTER", cid, 2, u, f"r{n}", u, "", a, b,
                                extra=f"Expires: 3600\r\nAuthorization: Digest username=\"{u}\", realm=\"example.net\", "
                                      f"nonce=\"{n:016x}\", uri=\"sip:example.net\", response=\"{n:032x}\", algorithm=MD5\r\n")),
                     (b, a, resp(200, "OK", "REGISTER", cid, 2, u, f"r{n}", u, "x2", a,
                                 extra=f"Contact: <sip:{u}@{a}:5060>;expires=3600\r\n"))]
        else:
            cid = f"call{n}@{a}"
            fu, tu = f"3100{n % 100000:05d}", f"4900{(n * 7) % 100000:05d}"
            ft, tt = f"f{n}", f"t{n}"
            msgs += [(a, b, req("INVITE", cid, 1, fu, ft, tu, "", a, b, SDP.format(n=n, a=a, p=10000 + n % 20000))),
                     (b, a, resp(100, "Trying", "INVITE", cid, 1, fu, ft, tu, "", a)),
                     (b, a, resp(180, "Ringing", "INVITE", cid, 1, fu, ft, tu, tt, a)),
                     (b, a, resp(200, "OK", "INVITE", cid, 1, fu, ft, tu, tt, a, SDP.format(n=n, a=b, p=30000 + n % 20000))),
                     (a, b, req("ACK", cid, 1, fu, ft, tu, tt, a, b)),
                     (a, b, req("BYE", cid, 2, fu, ft, tu, tt, a, b)),
                     (b, a, resp(200, "OK", "BYE", cid, 2, fu, ft, tu, tt, a))]
        for src, dst, m in msgs:
            fr = frame(src, dst, m)
            t_us += 50
            f.write(struct.pack("<IIII", t_us // 1_000_000, t_us % 1_000_000, len(fr), len(fr)))
            f.write(fr)
            written += 16 + len(fr)
            messages += 1
print(messages)
