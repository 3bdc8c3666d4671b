#!/usr/bin/env python3
"""token-server.py — a Docker registry token server for xarch's integration tests.

Implements distribution's "token authentication specification" (GET /token) and its OAuth2 variant
(POST /token), issuing JWTs that Debian's docker-registry 2.8 (distribution v2, libtrust) accepts.
Started by `scripts/registry start --auth token`; not meant to be run by hand (but it can be).

    token-server.py --dir DIR [--port 0] [--service S] [--issuer I] [--log FILE] [--ttl N]

On start it creates in DIR: signing.key (private key, PEM), root.crt (self-signed certificate of that
key: the registry's auth.token.rootcertbundle), then binds 127.0.0.1:PORT (0 = any free port) and
writes the port to DIR/port (atomically) once it accepts connections.

Who gets what (the access granted is the intersection of what is asked and what is allowed):
    anonymous                       repository:*:pull
    xarch / xarch-secret            repository:*:pull,push,delete,* and registry:catalog:*
    any other Basic credentials     401 (GET) / 401 invalid_grant (POST grant_type=password)

JWT: header {"typ":"JWT","alg":"ES256","kid":LIBTRUST-FINGERPRINT,"x5c":[CERT]}, claims iss, sub
("" when anonymous), aud (= the service asked for), exp, nbf, iat, jti, access. distribution 2.8
looks for the signing key in the header in this order: x5c (chain verified against the root bundle),
jwk, kid (a libtrust fingerprint of a key in the root bundle); we send x5c and kid.
distribution accepts a token until exp + 60 s (clock-skew leeway); so that the registry really
refuses a token `ttl` seconds after it was issued, exp is set to iat + ttl - LEEWAY (LEEWAY = env
XARCH_TOKEN_REGISTRY_LEEWAY, default 60; 0 gives the plain exp = iat + ttl). `expires_in` is ttl.

Environment (each also a flag): XARCH_TOKEN_TTL (seconds, default 300), XARCH_TOKEN_ALG (ES256 |
RS256, default ES256), XARCH_TOKEN_KEY_HINT (x5c+kid | x5c | kid | jwk | none: which key hints the JWT
header carries, for experiments — distribution 2.8 accepts each of x5c, kid and jwk alone, and
refuses "none" with "unable to get token signing key"; default x5c+kid), XARCH_TOKEN_REGISTRY_LEEWAY
(see above).

Log (--log): one JSON object per line, written BEFORE the response is sent (so a client that has its
answer finds the line), keys in this order:
  {"time": RFC3339, "method": "GET", "path": "/token?service=…&scope=…", "credentials": "none" |
   "basic" | "password" | "refresh_token", "user": the user name given (also when refused; "" when
   anonymous), "status": 200, "result": "ok" |
   "bad-credentials" | "bad-refresh-token" | "bad-request" | "not-found", "granted": "repository:a/b:pull
   …", "expires_in": 300, "user_agent": "…"}
Never a password or a token.
"""

import argparse
import base64
import datetime
import hashlib
import http.server
import json
import os
import secrets
import sys
import threading
import time
import urllib.parse

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, padding, rsa
from cryptography.hazmat.primitives.asymmetric.utils import decode_dss_signature
from cryptography.x509.oid import NameOID

USER_ACTIONS = {"pull", "push", "delete", "*"}
ANON_ACTIONS = {"pull"}


def b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def rfc3339(ts: float) -> str:
    return datetime.datetime.fromtimestamp(ts, datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def libtrust_key_id(public_key) -> str:
    """libtrust's fingerprint: SHA-256 of the DER SubjectPublicKeyInfo, first 240 bits, base32,
    12 groups of 4 joined by ':' (docker/libtrust util.go keyIDFromCryptoKey)."""
    der = public_key.public_bytes(serialization.Encoding.DER,
                                  serialization.PublicFormat.SubjectPublicKeyInfo)
    s = base64.b32encode(hashlib.sha256(der).digest()[:30]).decode("ascii").rstrip("=")
    return ":".join(s[i:i + 4] for i in range(0, len(s), 4))


class Signer:
    def __init__(self, directory: str, alg: str, key_hint: str):
        self.alg = alg
        self.key_hint = key_hint
        if alg == "ES256":
            self.key = ec.generate_private_key(ec.SECP256R1())
        elif alg == "RS256":
            self.key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        else:
            raise SystemExit(f"token-server: unsupported algorithm {alg} (ES256 or RS256)")
        pub = self.key.public_key()
        name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "xarch test token signer")])
        now = datetime.datetime.now(datetime.timezone.utc)
        self.cert = (x509.CertificateBuilder()
                     .subject_name(name).issuer_name(name).public_key(pub)
                     .serial_number(x509.random_serial_number())
                     .not_valid_before(now - datetime.timedelta(days=1))
                     .not_valid_after(now + datetime.timedelta(days=3650))
                     .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
                     .add_extension(x509.KeyUsage(digital_signature=True, key_cert_sign=True,
                                                  crl_sign=True, content_commitment=False,
                                                  key_encipherment=False, data_encipherment=False,
                                                  key_agreement=False, encipher_only=False,
                                                  decipher_only=False), critical=True)
                     .sign(self.key, hashes.SHA256()))
        write_atomic(os.path.join(directory, "signing.key"),
                     self.key.private_bytes(serialization.Encoding.PEM,
                                            serialization.PrivateFormat.PKCS8,
                                            serialization.NoEncryption()), 0o600)
        write_atomic(os.path.join(directory, "root.crt"),
                     self.cert.public_bytes(serialization.Encoding.PEM), 0o644)
        self.kid = libtrust_key_id(pub)
        self.x5c = [base64.b64encode(self.cert.public_bytes(serialization.Encoding.DER)).decode()]

    def jwk(self) -> dict:
        pub = self.key.public_key()
        if self.alg == "ES256":
            n = pub.public_numbers()
            return {"kty": "EC", "crv": "P-256", "kid": self.kid,
                    "x": b64url(n.x.to_bytes(32, "big")), "y": b64url(n.y.to_bytes(32, "big"))}
        n = pub.public_numbers()
        return {"kty": "RSA", "kid": self.kid,
                "n": b64url(n.n.to_bytes((n.n.bit_length() + 7) // 8, "big")),
                "e": b64url(n.e.to_bytes((n.e.bit_length() + 7) // 8, "big"))}

    def sign(self, claims: dict) -> str:
        header = {"typ": "JWT", "alg": self.alg}
        if "x5c" in self.key_hint:
            header["x5c"] = self.x5c
        if "kid" in self.key_hint:
            header["kid"] = self.kid
        if self.key_hint == "jwk":
            header["jwk"] = self.jwk()
        signing_input = (b64url(json.dumps(header, separators=(",", ":")).encode()) + "." +
                         b64url(json.dumps(claims, separators=(",", ":")).encode()))
        data = signing_input.encode("ascii")
        if self.alg == "ES256":
            r, s = decode_dss_signature(self.key.sign(data, ec.ECDSA(hashes.SHA256())))
            sig = r.to_bytes(32, "big") + s.to_bytes(32, "big")   # JWS: R || S, not DER
        else:
            sig = self.key.sign(data, padding.PKCS1v15(), hashes.SHA256())
        return signing_input + "." + b64url(sig)


def write_atomic(path: str, data: bytes, mode: int) -> None:
    tmp = path + ".tmp"
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, mode)
    with os.fdopen(fd, "wb") as f:
        f.write(data)
    os.replace(tmp, path)


def parse_scopes(values):
    """'repository:a/b:pull,push' (several per value, space separated) → [(type, name, [actions])].
    The name may contain ':' (type is the first field, actions the last)."""
    out = []
    for value in values:
        for item in value.split():
            parts = item.split(":")
            if len(parts) < 3:
                continue
            out.append((parts[0], ":".join(parts[1:-1]), [a for a in parts[-1].split(",") if a]))
    return out


def grant(scopes, user: str):
    """The access entries for the token: per (type, name) the requested actions that are allowed,
    in request order, duplicates merged."""
    merged = {}
    for typ, name, actions in scopes:
        merged.setdefault((typ, name), [])
        merged[(typ, name)] += [a for a in actions if a not in merged[(typ, name)]]
    access = []
    for (typ, name), actions in merged.items():
        rtype = typ.split("(")[0]   # "repository(plugin)" → "repository"
        if rtype == "repository":
            allowed = USER_ACTIONS if user else ANON_ACTIONS
        elif rtype == "registry" and name == "catalog":
            allowed = {"*"} if user else set()
        else:
            allowed = set()
        granted = [a for a in actions if a in allowed]
        if granted:
            access.append({"type": typ, "name": name, "actions": granted})
    return access


class TokenServer(http.server.ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, addr, opts, signer):
        super().__init__(addr, Handler)
        self.opts = opts
        self.signer = signer
        self.refresh_tokens = {}   # refresh token → user
        self.lock = threading.Lock()
        self.log_file = open(opts.log, "a", encoding="utf-8", buffering=1) if opts.log else None

    def log_line(self, entry: dict) -> None:
        if self.log_file:
            with self.lock:
                self.log_file.write(json.dumps(entry, separators=(", ", ": ")) + "\n")
                self.log_file.flush()


class Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "xarch-token-server/1"
    server: TokenServer

    def log_message(self, fmt, *args):  # stderr stays quiet; the JSON log is the record
        pass

    # ------------------------------------------------------------------ helpers
    def basic_credentials(self):
        h = self.headers.get("Authorization", "")
        scheme, _, value = h.partition(" ")
        if scheme.lower() != "basic":
            return None
        try:
            user, _, password = base64.b64decode(value.strip()).decode("utf-8").partition(":")
        except Exception:
            return ("", "\0invalid")
        return (user, password)

    def check(self, user, password) -> bool:
        o = self.server.opts
        return secrets.compare_digest(user.encode(), o.user.encode()) and \
            secrets.compare_digest(password.encode(), o.password.encode())

    def reply(self, status: int, body: dict, log: dict, extra_headers=None) -> None:
        data = json.dumps(body).encode()
        log["status"] = status
        self.server.log_line(log)
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        for k, v in (extra_headers or {}).items():
            self.send_header(k, v)
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(data)

    def new_log(self, credentials="none", user=""):
        return {"time": rfc3339(time.time()), "method": self.command, "path": self.path,
                "credentials": credentials, "user": user, "status": 0, "result": "",
                "granted": "", "expires_in": 0,
                "user_agent": self.headers.get("User-Agent", "")}

    def issue(self, service: str, scopes, user: str, log: dict, refresh_token=None) -> None:
        o = self.server.opts
        now = int(time.time())
        access = grant(scopes, user)
        claims = {"iss": o.issuer, "sub": user, "aud": service or o.service,
                  "exp": now + o.ttl - o.leeway, "nbf": now - 1, "iat": now,
                  "jti": secrets.token_hex(16), "access": access}
        token = self.server.signer.sign(claims)
        granted = " ".join(f"{a['type']}:{a['name']}:{','.join(a['actions'])}" for a in access)
        body = {"token": token, "access_token": token, "expires_in": o.ttl,
                "issued_at": rfc3339(now), "scope": granted}
        if refresh_token:
            body["refresh_token"] = refresh_token
        log.update(result="ok", granted=granted, expires_in=o.ttl)
        self.reply(200, body, log, {"Cache-Control": "no-store"})

    def unauthorized(self, log: dict, result="bad-credentials", oauth=False) -> None:
        log["result"] = result
        if oauth:
            body = {"error": "invalid_grant", "error_description": "invalid username or password"}
        else:
            body = {"errors": [{"code": "UNAUTHORIZED", "message": "invalid username or password",
                                "detail": None}]}
        self.reply(401, body, log, {"WWW-Authenticate": 'Basic realm="xarch-test-token"'})

    def new_refresh_token(self, user: str) -> str:
        rt = "xarch-rt-" + secrets.token_urlsafe(24)
        with self.server.lock:
            self.server.refresh_tokens[rt] = user
        return rt

    # ------------------------------------------------------------------ GET /token
    def do_GET(self):
        url = urllib.parse.urlsplit(self.path)
        if url.path != "/token":
            log = self.new_log()
            log["result"] = "not-found"
            return self.reply(404, {"errors": [{"code": "NOT_FOUND", "message": "no such endpoint"}]}, log)
        q = urllib.parse.parse_qs(url.query, keep_blank_values=True)
        creds = self.basic_credentials()
        user = ""
        log = self.new_log("basic" if creds else "none")
        if creds:
            log["user"] = creds[0]
            if not self.check(*creds):
                return self.unauthorized(log)
            user = creds[0]
        refresh = None
        if user and q.get("offline_token", [""])[0].lower() == "true":
            refresh = self.new_refresh_token(user)
        self.issue(q.get("service", [""])[0], parse_scopes(q.get("scope", [])), user, log, refresh)

    do_HEAD = do_GET

    # ------------------------------------------------------------------ POST /token (OAuth2)
    def do_POST(self):
        url = urllib.parse.urlsplit(self.path)
        length = int(self.headers.get("Content-Length") or 0)
        raw = self.rfile.read(length) if 0 < length <= 1 << 20 else b""
        if url.path != "/token":
            log = self.new_log()
            log["result"] = "not-found"
            return self.reply(404, {"errors": [{"code": "NOT_FOUND", "message": "no such endpoint"}]}, log)
        form = urllib.parse.parse_qs(raw.decode("utf-8", "replace"), keep_blank_values=True)
        f = lambda k: form.get(k, [""])[0]  # noqa: E731
        grant_type = f("grant_type")
        log = self.new_log(grant_type if grant_type in ("password", "refresh_token") else "none")
        scopes = parse_scopes(form.get("scope", []))
        if grant_type == "password":
            user = f("username")
            log["user"] = user
            if not self.check(user, f("password")):
                return self.unauthorized(log, oauth=True)
            return self.issue(f("service"), scopes, user, log, self.new_refresh_token(user))
        if grant_type == "refresh_token":
            rt = f("refresh_token")
            with self.server.lock:
                user = self.server.refresh_tokens.get(rt)
            if user is None:
                log["result"] = "bad-refresh-token"
                return self.reply(400, {"error": "invalid_grant",
                                        "error_description": "unknown refresh token"}, log)
            log["user"] = user
            return self.issue(f("service"), scopes, user, log, rt)
        log["result"] = "bad-request"
        self.reply(400, {"error": "unsupported_grant_type",
                         "error_description": f"grant_type {grant_type!r} is not supported"}, log)


def main() -> None:
    env = os.environ.get
    p = argparse.ArgumentParser(description="Docker registry token server for xarch's tests")
    p.add_argument("--dir", required=True, help="where signing.key, root.crt and port are written")
    p.add_argument("--host", default="127.0.0.1")
    p.add_argument("--port", type=int, default=0)
    p.add_argument("--service", default="xarch-test-registry")
    p.add_argument("--issuer", default="xarch-test-issuer")
    p.add_argument("--user", default="xarch")
    p.add_argument("--password", default="xarch-secret")
    p.add_argument("--log", default="")
    p.add_argument("--ttl", type=int, default=int(env("XARCH_TOKEN_TTL") or 300))
    p.add_argument("--alg", default=env("XARCH_TOKEN_ALG") or "ES256")
    p.add_argument("--key-hint", default=env("XARCH_TOKEN_KEY_HINT") or "x5c+kid",
                   choices=["x5c+kid", "x5c", "kid", "jwk", "none"])
    p.add_argument("--leeway", type=int, default=int(env("XARCH_TOKEN_REGISTRY_LEEWAY") or 60))
    opts = p.parse_args()
    if not (opts.host.startswith("127.") or opts.host == "::1"):
        raise SystemExit("token-server: refusing to listen on a non-loopback address")
    if opts.ttl <= 0:
        raise SystemExit("token-server: --ttl must be positive")
    os.makedirs(opts.dir, exist_ok=True)
    signer = Signer(opts.dir, opts.alg, opts.key_hint)
    server = TokenServer((opts.host, opts.port), opts, signer)
    port = server.server_address[1]
    write_atomic(os.path.join(opts.dir, "port"), f"{port}\n".encode(), 0o644)
    print(f"token-server: listening on {opts.host}:{port} (alg {opts.alg}, kid {signer.kid}, "
          f"ttl {opts.ttl}s, leeway {opts.leeway}s)", file=sys.stderr, flush=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass


if __name__ == "__main__":
    main()
