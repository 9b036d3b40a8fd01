#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
# A tiny UDP SIP registrar for the audit interop tests: it answers scanners in one of three
# behaviours so `ssw-trace audit` can be checked against each:
#   user-dependent  404 for unknown users, 401 challenge for known ones (enumerable)
#   uniform         401 to every REGISTER, 403 to everything else, whoever the user
#   silent          no answer at all to requests without valid credentials
# Known users authenticate with MD5 digest (RFC 2617, no qop); a correct answer gets 200 OK,
# a wrong one a fresh 401 (or nothing when silent). OPTIONS gets 200 with a versioned Server
# header in the first two modes. Stops after --lifetime seconds (a test never hangs on it).
import argparse
import hashlib
import os
import re
import socket
import sys
import time

p = argparse.ArgumentParser()
p.add_argument("--port", type=int, required=True)
p.add_argument("--mode", choices=["user-dependent", "uniform", "silent"], required=True)
p.add_argument("--users", default="100:secret,101:x7Rq2,200:letmein9")
p.add_argument("--lifetime", type=float, default=60)
a = p.parse_args()

users = dict(u.split(":", 1) for u in a.users.split(","))
realm = "audit.test"
server = "ssw-responder/1.2.3"


def header(msg, *names):
    for line in msg.split("\r\n")[1:]:
        if not line:
            break
        name, _, value = line.partition(":")
        if name.strip().lower() in names:
            return value.strip()
    return ""


def all_headers(msg, *names):
    out = []
    for line in msg.split("\r\n")[1:]:
        if not line:
            break
        name, _, value = line.partition(":")
        if name.strip().lower() in names:
            out.append(line)
    return out


def user_of(msg, method):
    if method == "REGISTER":
        to = header(msg, "to", "t")
    else:
        to = msg.split(" ", 2)[1]
    m = re.search(r"sips?:([^@;>]+)@", to)
    return m.group(1) if m else ""


def respond(sock, addr, msg, code, reason, extra=""):
    lines = ["SIP/2.0 %d %s" % (code, reason)]
    lines += all_headers(msg, "via", "v")
    to = header(msg, "to", "t")
    if ";tag=" not in to:
        to += ";tag=" + os.urandom(4).hex()
    lines.append("From: " + header(msg, "from", "f"))
    lines.append("To: " + to)
    lines.append("Call-ID: " + header(msg, "call-id", "i"))
    lines.append("CSeq: " + header(msg, "cseq"))
    lines.append("Server: " + server)
    if extra:
        lines.append(extra)
    lines.append("Content-Length: 0")
    sock.sendto(("\r\n".join(lines) + "\r\n\r\n").encode(), addr)


def digest_ok(msg, method, password):
    cred = header(msg, "authorization", "proxy-authorization")
    f = dict(re.findall(r'(\w+)="?([^",]*)"?', cred))
    if "response" not in f:
        return False
    ha1 = hashlib.md5(("%s:%s:%s" % (f.get("username", ""), f.get("realm", ""), password)).encode()).hexdigest()
    ha2 = hashlib.md5(("%s:%s" % (method, f.get("uri", ""))).encode()).hexdigest()
    want = hashlib.md5(("%s:%s:%s" % (ha1, f.get("nonce", ""), ha2)).encode()).hexdigest()
    return want == f["response"]


def challenge():
    return 'WWW-Authenticate: Digest realm="%s", nonce="%s", algorithm=MD5' % (realm, os.urandom(8).hex())


sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
sock.bind(("127.0.0.1", a.port))
sock.settimeout(0.2)
print("listening on 127.0.0.1:%d mode %s" % (a.port, a.mode), file=sys.stderr, flush=True)
end = time.time() + a.lifetime
while time.time() < end:
    try:
        data, addr = sock.recvfrom(65535)
    except socket.timeout:
        continue
    msg = data.decode("utf-8", "replace")
    if msg.startswith("SIP/2.0"):
        continue
    method = msg.split(" ", 1)[0]
    if method == "ACK":
        continue
    user = user_of(msg, method)
    authed = header(msg, "authorization", "proxy-authorization") != ""
    if authed and user in users:
        if digest_ok(msg, method, users[user]):
            respond(sock, addr, msg, 200, "OK", "Expires: 60" if method == "REGISTER" else "")
        elif a.mode != "silent":
            respond(sock, addr, msg, 401, "Unauthorized", challenge())
        continue
    if a.mode == "silent":
        continue
    if method == "OPTIONS":
        respond(sock, addr, msg, 200, "OK", "Allow: INVITE, ACK, CANCEL, BYE, OPTIONS, REGISTER\r\nSupported: path, outbound")
    elif a.mode == "uniform":
        if method == "REGISTER":
            respond(sock, addr, msg, 401, "Unauthorized", challenge())
        else:
            respond(sock, addr, msg, 403, "Forbidden")
    else:  # user-dependent
        if user not in users:
            respond(sock, addr, msg, 404, "Not Found")
        elif method == "REGISTER":
            respond(sock, addr, msg, 401, "Unauthorized", challenge())
        else:
            respond(sock, addr, msg, 407, "Proxy Authentication Required",
                    challenge().replace("WWW-Authenticate", "Proxy-Authenticate"))
