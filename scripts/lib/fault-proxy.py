#!/usr/bin/env python3
"""fault-proxy.py — a fault-injecting HTTP/1.1 reverse proxy in front of a test registry.

Started by `scripts/fault-proxy start` (see there and scripts/README.md for the control API).

    fault-proxy.py --dir DIR --upstream http://127.0.0.1:PORT [--upstream-ca FILE]
                   [--upstream-user U --upstream-password P] [--port 0] [--log FILE]

Listens on 127.0.0.1:PORT (the proxy) and on 127.0.0.2:PORT2 (the "foreign host": same port when
free). Both forward every request to the upstream (which must be a loopback address), streaming
bodies both ways in 64 KiB pieces, with keep-alive on both sides (one upstream connection per client
connection). The foreign listener plays a blob store behind a redirect: it never applies faults
unless a rule says "on": "foreign" or "any", and if the upstream answers 401 to a body-less request
it authenticates itself with --upstream-user/--upstream-password (Basic, or the Bearer token dance)
and retries — like a pre-signed URL, it serves content to a client that sends no credentials.

Control API (main listener only, JSON): /__xarch__/health, /__xarch__/faults (GET, POST, DELETE),
/__xarch__/log (GET, DELETE). Writes DIR/ready ({"port", "foreign_port"}) once both listeners accept
connections. Log: one JSON object per proxied request (see LOG_KEYS), appended to --log and kept in
memory for GET /__xarch__/log.
"""

import argparse
import base64
import fcntl
import http.client
import http.server
import ipaddress
import json
import os
import socket
import ssl
import struct
import sys
import termios
import threading
import time
import urllib.parse

CHUNK = 64 * 1024
# Never forwarded as such: hop-by-hop headers, and the framing headers the proxy sets itself.
HOP_BY_HOP = {"connection", "keep-alive", "proxy-connection", "proxy-authenticate", "te", "trailer",
              "trailers", "transfer-encoding", "upgrade", "expect", "content-length"}
KINDS = {"reset", "truncate", "corrupt", "status", "oversize", "redirect", "refuse-mount", "delay", "trickle",
         "slow-read", "add-headers"}
ERROR_CODES = {400: "BAD_REQUEST", 401: "UNAUTHORIZED", 403: "DENIED", 404: "NOT_FOUND",
               405: "UNSUPPORTED", 429: "TOOMANYREQUESTS", 500: "UNKNOWN", 502: "UNAVAILABLE",
               503: "UNAVAILABLE", 504: "UNAVAILABLE"}
LOG_KEYS = ["seq", "time", "listener", "client", "method", "path", "status", "fault", "rule",
            "authorization", "auth_scheme", "headers", "request_bytes", "bytes_sent",
            "upstream_status", "upstream_auth", "duration_ms", "error"]


def is_loopback_host(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def now_rfc3339() -> str:
    t = time.time()
    return time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(t)) + f".{int(t % 1 * 1000):03d}Z"


class ClientGone(Exception):
    """The client closed its connection or sent a malformed body."""


class UpstreamError(Exception):
    """The upstream could not be reached or broke the connection."""


# ------------------------------------------------------------------------------------------ state
class State:
    def __init__(self, log_path: str):
        self.lock = threading.Lock()
        self.idle = threading.Condition(self.lock)
        self.rules = []
        self.next_rule = 1
        self.entries = []
        self.seq = 0
        self.inflight = 0
        self.log_file = open(log_path, "a", encoding="utf-8") if log_path else None
        self.port = 0
        self.foreign_port = 0

    @staticmethod
    def validate(rule: dict) -> dict:
        if not isinstance(rule, dict):
            raise ValueError("a rule must be a JSON object")
        kind = rule.get("fault")
        if kind not in KINDS:
            raise ValueError(f"unknown fault {kind!r} (one of {', '.join(sorted(KINDS))})")
        r = dict(rule)
        r.setdefault("match", "")
        r.setdefault("method", None)
        r.setdefault("times", 1)
        r.setdefault("on", "main")
        if not isinstance(r["match"], str):
            raise ValueError("match must be a string")
        if r["method"] is not None:
            r["method"] = str(r["method"]).upper()
        if not isinstance(r["times"], int) or r["times"] == 0 or r["times"] < -1:
            raise ValueError("times must be a positive integer, or -1 for unlimited")
        if r["on"] not in ("main", "foreign", "any"):
            raise ValueError("on must be main, foreign or any")
        for key in ("after_bytes", "offset", "size", "status"):
            if r.get(key) is not None and (not isinstance(r[key], int) or r[key] < 0):
                raise ValueError(f"{key} must be a non-negative integer")
        if kind == "status" and not isinstance(r.get("status"), int):
            raise ValueError("fault status needs \"status\": CODE")
        if "headers" in r and not isinstance(r["headers"], dict):
            raise ValueError("headers must be an object")
        if kind == "delay":
            r.setdefault("seconds", 1)
            if not isinstance(r["seconds"], (int, float)) or not 0 <= r["seconds"] <= 600:
                raise ValueError("seconds must be a number in [0, 600]")
        if kind in ("trickle", "slow-read"):
            r.setdefault("after_bytes", 0)
            r.setdefault("bytes", 1)
            r.setdefault("interval", 1)
            if not isinstance(r["bytes"], int) or r["bytes"] < 1:
                raise ValueError("bytes must be a positive integer")
            if not isinstance(r["interval"], (int, float)) or not 0 < r["interval"] <= 60:
                raise ValueError("interval must be a number in (0, 60]")
        if kind == "corrupt":
            r.setdefault("xor", 1)
            if not isinstance(r["xor"], int) or not 1 <= r["xor"] <= 255:
                raise ValueError("xor must be in [1, 255]")
        if kind == "oversize":
            r.setdefault("size", 9 * 1024 * 1024)
        if kind == "redirect":
            r.setdefault("status", 307)
            r.setdefault("to", "foreign")
            if r["to"] not in ("foreign", "same"):
                raise ValueError("to must be foreign or same")
            if r.get("location"):
                host = urllib.parse.urlsplit(r["location"]).hostname or ""
                if not is_loopback_host(host):
                    raise ValueError("location must point to a loopback address")
        return r

    def add_rules(self, rules) -> list:
        checked = [self.validate(r) for r in (rules if isinstance(rules, list) else [rules])]
        with self.lock:
            for r in checked:
                r["id"] = self.next_rule
                self.next_rule += 1
                r["remaining"] = r["times"]
                r["fired"] = 0
                self.rules.append(r)
            return [dict(r) for r in checked]

    def take_rule(self, listener: str, method: str, target: str):
        with self.lock:
            for r in self.rules:
                if r["remaining"] == 0 or r["on"] not in (listener, "any"):
                    continue
                if r["method"] and r["method"] != method:
                    continue
                if r["match"] not in target:
                    continue
                if r["fault"] == "refuse-mount":
                    q = urllib.parse.parse_qs(urllib.parse.urlsplit(target).query)
                    if method != "POST" or "mount" not in q:
                        continue
                if r["remaining"] > 0:
                    r["remaining"] -= 1
                r["fired"] += 1
                return dict(r)
        return None

    def begin(self) -> int:
        with self.lock:
            self.seq += 1
            self.inflight += 1
            return self.seq

    def end(self, entry: dict) -> None:
        line = json.dumps({k: entry.get(k) for k in LOG_KEYS}, separators=(",", ":"))
        with self.lock:
            self.entries.append(entry)
            if self.log_file:
                self.log_file.write(line + "\n")
                self.log_file.flush()
            self.inflight -= 1
            self.idle.notify_all()

    def wait_idle(self, timeout: float) -> None:
        deadline = time.monotonic() + timeout
        with self.lock:
            while self.inflight > 0:
                left = deadline - time.monotonic()
                if left <= 0:
                    return
                self.idle.wait(left)


# ------------------------------------------------------------------------------------ request body
class RequestBody:
    """The client's request body (Content-Length or chunked), read lazily and counted."""

    def __init__(self, handler):
        self.rfile = handler.rfile
        self.chunked = "chunked" in handler.headers.get("Transfer-Encoding", "").lower()
        cl = handler.headers.get("Content-Length")
        try:
            self.length = None if self.chunked or cl is None else int(cl)
        except ValueError:
            raise ClientGone(f"bad Content-Length {cl!r}")
        self.count = 0
        self.started = False
        self.done = not self.present
        # The "slow-read" fault: past "after_bytes", read "bytes" every "interval" seconds.
        self.pace = None

    @property
    def present(self) -> bool:
        return self.chunked or (self.length or 0) > 0

    def _read(self, n: int) -> bytes:
        if self.pace and self.count >= self.pace["after_bytes"]:
            time.sleep(self.pace["interval"])
            n = min(n, self.pace["bytes"])
        data = self.rfile.read(n)
        if not data:
            raise ClientGone("client closed the connection in the middle of the request body")
        self.count += len(data)
        return data

    def pieces(self):
        if self.done:
            return
        self.started = True
        try:
            if self.chunked:
                while True:
                    line = self.rfile.readline(1024)
                    size = int(line.split(b";")[0].strip() or b"x", 16)
                    if size == 0:
                        while self.rfile.readline(1024) not in (b"\r\n", b"\n", b""):
                            pass   # trailers
                        break
                    while size:
                        data = self._read(min(CHUNK, size))
                        size -= len(data)
                        yield data
                    self.rfile.readline(8)   # CRLF after the chunk
            else:
                left = self.length or 0
                while left:
                    data = self._read(min(CHUNK, left))
                    left -= len(data)
                    yield data
        except (OSError, ValueError) as e:
            raise ClientGone(f"reading the request body: {e}")
        self.done = True

    def drain(self) -> None:
        for _ in self.pieces():
            pass


# ---------------------------------------------------------------------------------------- handler
class Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "xarch-fault-proxy/1"
    timeout = 600   # an idle client connection is closed after this

    def setup(self):
        super().setup()
        self.upstream = None

    def finish(self):
        self.drop_upstream()
        try:
            super().finish()
        except OSError:
            pass

    def log_message(self, fmt, *args):  # the JSON log is the record
        pass

    def __getattr__(self, name):  # do_GET, do_PUT, … all go to dispatch
        if name.startswith("do_"):
            return self.dispatch
        raise AttributeError(name)

    # ------------------------------------------------------------------ plumbing
    @property
    def opts(self):
        return self.server.opts

    @property
    def state(self) -> State:
        return self.server.state

    def upstream_conn(self):
        if self.upstream is None:
            u = self.opts.upstream_url
            if u.scheme == "https":
                ctx = ssl.create_default_context(cafile=self.opts.upstream_ca or None)
                self.upstream = http.client.HTTPSConnection(u.hostname, u.port or 443, timeout=300,
                                                            context=ctx)
            else:
                self.upstream = http.client.HTTPConnection(u.hostname, u.port or 80, timeout=300)
        return self.upstream

    def drop_upstream(self):
        if getattr(self, "upstream", None) is not None:
            try:
                self.upstream.close()
            except OSError:
                pass
            self.upstream = None

    def write(self, data: bytes) -> None:
        try:
            self.wfile.write(data)
        except OSError as e:
            raise ClientGone(f"writing the response: {e}")

    def start_response(self, status: int, reason: str, headers, length=None, chunked=False):
        self.send_response_only(status, reason)
        for k, v in headers:
            self.send_header(k, v)
        if length is not None:
            self.send_header("Content-Length", str(length))
        elif chunked:
            self.send_header("Transfer-Encoding", "chunked")
        if self.close_connection:
            self.send_header("Connection", "close")
        try:
            self.end_headers()
        except OSError as e:
            raise ClientGone(f"writing the response headers: {e}")
        self.headers_sent = True

    def simple_response(self, status: int, body: bytes, headers=(), content_type="application/json"):
        hs = [("Content-Type", content_type)] if body or content_type else []
        hs += list(headers)
        self.start_response(status, reason(status), hs, length=len(body))
        if self.command != "HEAD" and body:
            self.write(body)
        return len(body) if self.command != "HEAD" else 0

    def wait_sent(self, limit: float = 5.0) -> None:
        """Wait until the kernel has sent (and loopback acknowledged) what we wrote, so an RST does
        not discard bytes still queued (TIOCOUTQ = unsent + unacknowledged bytes)."""
        deadline = time.monotonic() + limit
        buf = struct.pack("i", 0)
        while time.monotonic() < deadline:
            try:
                if struct.unpack("i", fcntl.ioctl(self.connection.fileno(), termios.TIOCOUTQ, buf))[0] == 0:
                    return
            except OSError:
                return
            time.sleep(0.005)

    def abort(self, rst: bool) -> None:
        """End the client connection now: RST (SO_LINGER 0) or a clean FIN."""
        self.close_connection = True
        try:
            self.wfile.flush()
        except OSError:
            pass
        sock = self.connection
        try:
            if rst:
                self.wait_sent()
                sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
                self.rfile.close()
                sock.close()
            else:
                self.wait_sent()
                sock.shutdown(socket.SHUT_WR)
        except OSError:
            pass

    # ------------------------------------------------------------------ dispatch
    def dispatch(self):
        self.headers_sent = False
        if self.server.listener == "main" and urllib.parse.urlsplit(self.path).path.startswith("/__xarch__"):
            return self.control()
        self.proxy()

    def proxy(self):
        st = self.state
        t0 = time.monotonic()
        auth = self.headers.get("Authorization")
        headers = {}
        for k, v in self.headers.items():
            headers[k] = (v.split(" ", 1)[0] + " <redacted>") if k.lower() in ("authorization", "cookie") else v
        entry = {"seq": st.begin(), "time": now_rfc3339(), "listener": self.server.listener,
                 "client": f"{self.client_address[0]}:{self.client_address[1]}",
                 "method": self.command, "path": self.path, "status": None, "fault": None, "rule": None,
                 "authorization": auth is not None,
                 "auth_scheme": auth.split(" ", 1)[0] if auth else None, "headers": headers,
                 "request_bytes": 0, "bytes_sent": 0, "upstream_status": None, "upstream_auth": False,
                 "duration_ms": 0, "error": None}
        body = None
        try:
            body = RequestBody(self)
            rule = st.take_rule(self.server.listener, self.command, self.path)
            kind = rule["fault"] if rule else None
            if rule:
                entry["fault"], entry["rule"] = kind, rule["id"]
            if kind == "slow-read":
                body.pace = rule
            if kind == "delay":
                time.sleep(rule["seconds"])
            if kind == "status":
                body.drain()
                self.fault_status(rule, entry)
            elif kind == "redirect":
                body.drain()
                self.fault_redirect(rule, entry)
            elif kind == "reset" and rule.get("before_response"):
                entry["status"] = 0
                self.abort(rst=True)
            else:
                target = strip_mount(self.path) if kind == "refuse-mount" else self.path
                resp = self.forward(target, body, entry)
                entry["upstream_status"] = resp.status
                if kind in ("reset", "truncate", "corrupt", "trickle"):
                    self.relay_faulty(resp, rule, entry)
                elif kind == "oversize":
                    self.relay_oversize(resp, rule, entry)
                else:
                    extra = list(rule.get("headers", {}).items()) if kind == "add-headers" else []
                    self.relay(resp, entry, extra)
        except ClientGone as e:
            entry["error"] = str(e)
            self.close_connection = True
        except UpstreamError as e:
            entry["error"] = f"upstream: {e}"
            self.close_connection = True
            if not self.headers_sent:
                msg = json.dumps({"errors": [{"code": "UNAVAILABLE", "message": f"xarch fault proxy: upstream failed: {e}"}]})
                entry["status"] = 502
                try:
                    self.simple_response(502, msg.encode())
                except ClientGone:
                    pass
        except Exception as e:  # a bug here must not kill the connection thread silently
            entry["error"] = f"proxy: {type(e).__name__}: {e}"
            self.close_connection = True
        finally:
            if body is not None:
                entry["request_bytes"] = body.count
                if not body.done:
                    self.close_connection = True
            entry["duration_ms"] = int((time.monotonic() - t0) * 1000)
            st.end(entry)

    # ------------------------------------------------------------------ upstream
    def forward(self, target: str, body: RequestBody, entry: dict, auth_header=None):
        for attempt in (0, 1):
            conn = self.upstream_conn()
            try:
                conn.putrequest(self.command, target, skip_host=True, skip_accept_encoding=True)
                for k, v in self.headers.items():
                    if k.lower() in HOP_BY_HOP or (auth_header and k.lower() == "authorization"):
                        continue
                    conn.putheader(k, v)
                if auth_header:
                    conn.putheader("Authorization", auth_header)
                if body.chunked:
                    conn.putheader("Transfer-Encoding", "chunked")
                elif body.length is not None:
                    conn.putheader("Content-Length", str(body.length))
                conn.endheaders()
                for data in body.pieces():
                    conn.send(b"%x\r\n%s\r\n" % (len(data), data) if body.chunked else data)
                if body.chunked:
                    conn.send(b"0\r\n\r\n")
                resp = conn.getresponse()
            except (http.client.HTTPException, OSError) as e:
                self.drop_upstream()
                if attempt == 0 and not body.started:   # a stale keep-alive connection: once more
                    continue
                raise UpstreamError(f"{type(e).__name__}: {e}")
            if (resp.status == 401 and self.server.listener == "foreign" and auth_header is None
                    and self.opts.upstream_user and not body.present):
                challenge = resp.getheader("WWW-Authenticate", "")
                self.finish_upstream(resp, drain=True)
                header = self.authenticate(challenge)
                if header:
                    entry["upstream_auth"] = True
                    return self.forward(target, body, entry, header)
                # cannot authenticate: forward once more (auth_header "" = no retry) so the
                # client sees the upstream's 401
                return self.forward(target, body, entry, auth_header="")
            return resp
        raise UpstreamError("unreachable")

    def authenticate(self, challenge: str):
        """Credentials for the upstream, from its WWW-Authenticate challenge (Basic or Bearer)."""
        user, password = self.opts.upstream_user, self.opts.upstream_password
        basic = "Basic " + base64.b64encode(f"{user}:{password}".encode()).decode()
        scheme, _, params = challenge.partition(" ")
        if scheme.lower() == "basic":
            return basic
        if scheme.lower() != "bearer":
            return None
        p = parse_challenge(params)
        realm = urllib.parse.urlsplit(p.get("realm", ""))
        if realm.scheme not in ("http", "https") or not is_loopback_host(realm.hostname or ""):
            return None
        query = urllib.parse.urlencode([(k, p[k]) for k in ("service", "scope") if k in p])
        cls = http.client.HTTPSConnection if realm.scheme == "https" else http.client.HTTPConnection
        conn = cls(realm.hostname, realm.port, timeout=30)
        try:
            conn.request("GET", f"{realm.path or '/'}?{query}", headers={"Authorization": basic,
                         "User-Agent": "xarch-fault-proxy"})
            r = conn.getresponse()
            data = r.read(1 << 20)
            if r.status != 200:
                return None
            doc = json.loads(data)
            token = doc.get("token") or doc.get("access_token")
            return f"Bearer {token}" if token else None
        except (OSError, ValueError, http.client.HTTPException):
            return None
        finally:
            conn.close()

    def finish_upstream(self, resp, drain: bool) -> None:
        try:
            if drain:
                while resp.read1(CHUNK):
                    pass
            resp.close()
        except (OSError, http.client.HTTPException):
            self.drop_upstream()
            return
        if resp.will_close or not drain:
            self.drop_upstream()

    def response_headers(self, resp, drop=()):
        out = []
        upstream_base = f"{self.opts.upstream_url.scheme}://{self.opts.upstream_url.netloc}"
        me = f"http://{self.headers.get('Host') or self.server.server_address[0]}"
        for k, v in resp.getheaders():
            kl = k.lower()
            if kl in HOP_BY_HOP or kl in drop:
                continue
            if kl == "location" and v.startswith(upstream_base):
                v = me + v[len(upstream_base):]   # keep the client on the proxy
            out.append((k, v))
        return out

    def has_no_body(self, status: int) -> bool:
        return self.command == "HEAD" or status in (204, 304) or 100 <= status < 200

    # ------------------------------------------------------------------ relays
    def relay(self, resp, entry, extra=()):
        cl = resp.getheader("Content-Length")
        no_body = self.has_no_body(resp.status)
        chunked = False
        if not no_body and cl is None:
            if self.request_version == "HTTP/1.1":
                chunked = True
            else:
                self.close_connection = True
        entry["status"] = resp.status
        self.start_response(resp.status, resp.reason, self.response_headers(resp) + list(extra),
                            length=int(cl) if cl is not None else None, chunked=chunked)
        sent = 0
        if not no_body:
            while True:
                try:
                    data = resp.read1(CHUNK)
                except (OSError, http.client.HTTPException) as e:
                    self.drop_upstream()
                    entry["bytes_sent"] = sent
                    raise UpstreamError(f"reading the upstream body: {e}")
                if not data:
                    break
                self.write(b"%x\r\n%s\r\n" % (len(data), data) if chunked else data)
                sent += len(data)
                entry["bytes_sent"] = sent
            if chunked:
                self.write(b"0\r\n\r\n")
        self.finish_upstream(resp, drain=True)

    def read_all(self, resp, entry) -> bytes:
        try:
            data = resp.read()
        except (OSError, http.client.HTTPException) as e:
            self.drop_upstream()
            raise UpstreamError(f"reading the upstream body: {e}")
        self.finish_upstream(resp, drain=True)
        return data

    def relay_faulty(self, resp, rule, entry):
        kind = rule["fault"]
        no_body = self.has_no_body(resp.status)
        cl = resp.getheader("Content-Length")
        buffered = None
        if no_body:
            length = int(cl) if cl is not None else None
            body_len = 0
        elif cl is None:   # chunked upstream: buffer to know the length
            buffered = self.read_all(resp, entry)
            length = body_len = len(buffered)
        else:
            length = body_len = int(cl)
        entry["status"] = resp.status
        self.start_response(resp.status, resp.reason, self.response_headers(resp), length=length)

        def body_pieces():
            if no_body:
                return
            if buffered is not None:
                for i in range(0, len(buffered), CHUNK):
                    yield buffered[i:i + CHUNK]
                return
            while True:
                try:
                    data = resp.read1(CHUNK)
                except (OSError, http.client.HTTPException) as e:
                    self.drop_upstream()
                    raise UpstreamError(f"reading the upstream body: {e}")
                if not data:
                    return
                yield data

        sent = 0
        if kind in ("reset", "truncate"):
            limit = rule.get("after_bytes")
            limit = body_len // 2 if limit is None else min(limit, body_len)
            for data in body_pieces():
                if sent >= limit:
                    break
                data = data[:limit - sent]
                self.write(data)
                sent += len(data)
            entry["bytes_sent"] = sent
            if buffered is None and not no_body:
                self.drop_upstream()   # the rest of the upstream body is not read
            else:
                self.finish_upstream(resp, drain=True)
            self.abort(rst=(kind == "reset"))
            return
        if kind == "trickle":
            # after_bytes at full speed, then `bytes` every `interval` seconds until the body is sent
            # or the client gives up (a slow registry).
            after = rule["after_bytes"]
            try:
                for data in body_pieces():
                    while data:
                        step = min(len(data), after - sent if sent < after else rule["bytes"])
                        self.write(data[:step])
                        sent += step
                        entry["bytes_sent"] = sent
                        data = data[step:]
                        if sent >= after:
                            time.sleep(rule["interval"])
            except ClientGone:
                self.drop_upstream()   # the rest of the upstream body is not read
                raise
            self.finish_upstream(resp, drain=True)
            return
        # corrupt
        offset = rule.get("offset")
        offset = body_len // 2 if offset is None else offset
        if offset >= body_len:
            entry["error"] = f"corrupt: offset {offset} is beyond the body ({body_len} bytes); nothing changed"
        for data in body_pieces():
            if sent <= offset < sent + len(data):
                b = bytearray(data)
                b[offset - sent] ^= rule["xor"]
                data = bytes(b)
            self.write(data)
            sent += len(data)
            entry["bytes_sent"] = sent
        self.finish_upstream(resp, drain=True)

    def relay_oversize(self, resp, rule, entry):
        size = rule["size"]
        status = rule.get("status") or 200
        self.drop_upstream()   # the real body is not wanted
        headers = self.response_headers(resp)
        entry["status"] = status
        self.start_response(status, reason(status), headers, length=size)
        if self.command == "HEAD":
            return
        head, tail = b'{"xarch-oversize":"', b'"}'
        if size < len(head) + len(tail):
            head, tail = b"", b""
        fill = size - len(head) - len(tail)
        self.write(head)
        sent = len(head)
        block = (b"{" if not head else b"x") * CHUNK
        while fill:
            n = min(fill, CHUNK)
            self.write(block[:n])
            fill -= n
            sent += n
            entry["bytes_sent"] = sent
        self.write(tail)
        entry["bytes_sent"] = sent + len(tail)

    # ------------------------------------------------------------------ generated answers
    def fault_status(self, rule, entry):
        status = rule["status"]
        if "body" in rule:
            b = rule["body"]
            body = b.encode() if isinstance(b, str) else json.dumps(b).encode()
        else:
            body = json.dumps({"errors": [{
                "code": rule.get("code") or ERROR_CODES.get(status, "UNKNOWN"),
                "message": rule.get("message") or f"injected by the xarch fault proxy (HTTP {status})",
                "detail": None}]}).encode()
        entry["status"] = status
        # a Content-Type among the rule's headers replaces the default one (a canned 200 answer of
        # another type, e.g. an image index for /referrers/)
        headers = list(rule.get("headers", {}).items())
        types = [v for k, v in headers if k.lower() == "content-type"]
        headers = [(k, v) for k, v in headers if k.lower() != "content-type"]
        entry["bytes_sent"] = self.simple_response(status, body, headers,
                                                   content_type=types[0] if types else "application/json")

    def fault_redirect(self, rule, entry):
        if rule.get("location"):
            location = rule["location"]
        elif rule["to"] == "foreign":
            location = f"http://{self.opts.foreign_host}:{self.state.foreign_port}{self.path}"
        else:
            location = f"http://{self.opts.host}:{self.state.port}{self.path}"
        status = rule["status"]
        entry["status"] = status
        self.simple_response(status, b"", [("Location", location)] + list(rule.get("headers", {}).items()),
                             content_type=None)

    # ------------------------------------------------------------------ control API
    def control(self):
        u = urllib.parse.urlsplit(self.path)
        path = u.path.rstrip("/")
        q = urllib.parse.parse_qs(u.query)
        st = self.state
        try:
            body = RequestBody(self)
            raw = b"".join(body.pieces()) if body.present else b""
        except ClientGone:
            self.close_connection = True
            return

        def send(status, obj=None, text=None, ctype="application/json"):
            data = text.encode() if text is not None else (json.dumps(obj, indent=1) + "\n").encode()
            try:
                self.simple_response(status, data, content_type=ctype)
            except ClientGone:
                self.close_connection = True

        m = self.command
        if path == "/__xarch__/health" and m in ("GET", "HEAD"):
            return send(200, {"ok": True, "port": st.port, "foreign_port": st.foreign_port,
                              "upstream": self.opts.upstream})
        if path == "/__xarch__/faults":
            if m == "GET":
                with st.lock:
                    return send(200, [dict(r) for r in st.rules])
            if m == "DELETE":
                with st.lock:
                    st.rules.clear()
                return send(200, [])
            if m == "POST":
                try:
                    added = st.add_rules(json.loads(raw or b"null"))
                except (ValueError, TypeError) as e:
                    return send(400, {"error": str(e)})
                return send(200, added)
        if path == "/__xarch__/log":
            if m == "GET":
                wait = float(q.get("wait", ["5"])[0])
                since = int(q.get("since", ["0"])[0])
                st.wait_idle(wait)
                with st.lock:
                    lines = [json.dumps({k: e.get(k) for k in LOG_KEYS}, separators=(",", ":"))
                             for e in st.entries if e["seq"] > since]
                return send(200, text="".join(line + "\n" for line in lines), ctype="application/x-ndjson")
            if m == "DELETE":
                with st.lock:
                    st.entries.clear()
                return send(200, {"cleared": True})
        send(404 if m in ("GET", "POST", "DELETE", "HEAD") else 405,
             {"error": f"no control endpoint {m} {u.path} (see scripts/README.md)"})


def reason(status: int) -> str:
    try:
        return http.HTTPStatus(status).phrase
    except ValueError:
        return ""


def parse_challenge(params: str) -> dict:
    out, i, n = {}, 0, len(params)
    while i < n:
        while i < n and params[i] in " ,":
            i += 1
        eq = params.find("=", i)
        if eq < 0:
            break
        key = params[i:eq].strip().lower()
        i = eq + 1
        if i < n and params[i] == '"':
            end = i + 1
            val = []
            while end < n and params[end] != '"':
                if params[end] == "\\" and end + 1 < n:
                    end += 1
                val.append(params[end])
                end += 1
            out[key] = "".join(val)
            i = end + 1
        else:
            end = params.find(",", i)
            end = n if end < 0 else end
            out[key] = params[i:end].strip()
            i = end
    return out


def strip_mount(target: str) -> str:
    u = urllib.parse.urlsplit(target)
    q = [(k, v) for k, v in urllib.parse.parse_qsl(u.query, keep_blank_values=True) if k not in ("mount", "from")]
    return urllib.parse.urlunsplit(("", "", u.path, urllib.parse.urlencode(q), ""))


class Server(http.server.ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True
    request_queue_size = 64

    def __init__(self, addr, listener, opts, state):
        self.listener, self.opts, self.state = listener, opts, state
        super().__init__(addr, Handler)


def main() -> None:
    p = argparse.ArgumentParser(description="fault-injecting reverse proxy for xarch's tests")
    p.add_argument("--dir", required=True)
    p.add_argument("--upstream", required=True, help="http(s)://127.0.0.1:PORT")
    p.add_argument("--upstream-ca", default="")
    p.add_argument("--upstream-user", default="")
    p.add_argument("--upstream-password", default="")
    p.add_argument("--host", default="127.0.0.1")
    p.add_argument("--foreign-host", default="127.0.0.2")
    p.add_argument("--port", type=int, default=0)
    p.add_argument("--log", default="")
    opts = p.parse_args()
    opts.upstream_url = urllib.parse.urlsplit(opts.upstream)
    if opts.upstream_url.scheme not in ("http", "https") or not opts.upstream_url.hostname:
        raise SystemExit(f"fault-proxy: bad --upstream {opts.upstream!r} (http(s)://HOST:PORT)")
    for h in (opts.upstream_url.hostname, opts.host, opts.foreign_host):
        if not is_loopback_host(h):
            raise SystemExit(f"fault-proxy: {h} is not a loopback address; refusing")
    os.makedirs(opts.dir, exist_ok=True)
    state = State(opts.log)
    main_srv = Server((opts.host, opts.port), "main", opts, state)
    state.port = main_srv.server_address[1]
    try:
        foreign = Server((opts.foreign_host, state.port), "foreign", opts, state)
    except OSError:
        foreign = Server((opts.foreign_host, 0), "foreign", opts, state)
    state.foreign_port = foreign.server_address[1]
    threading.Thread(target=foreign.serve_forever, daemon=True).start()
    ready = os.path.join(opts.dir, "ready")
    with open(ready + ".tmp", "w") as f:
        json.dump({"port": state.port, "foreign_port": state.foreign_port}, f)
    os.replace(ready + ".tmp", ready)
    print(f"fault-proxy: {opts.host}:{state.port} and {opts.foreign_host}:{state.foreign_port} "
          f"-> {opts.upstream}", file=sys.stderr, flush=True)
    try:
        main_srv.serve_forever()
    except KeyboardInterrupt:
        pass


if __name__ == "__main__":
    main()
