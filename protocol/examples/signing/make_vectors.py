#!/usr/bin/env python3
"""Writes the signing vectors of protocol/api.md next to this script.

Independent of both implementations (Python's hmac/hashlib/base64 only), so
the vectors check the C++ server and the TypeScript client alike. Run it only
to add vectors; the committed JSON files are the shared truth.
"""
import base64
import hashlib
import hmac
import json
import os

HERE = os.path.dirname(os.path.abspath(__file__))


def b64url(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode("ascii")


def sign(key_b64: str, canonical: str) -> str:
    key = base64.urlsafe_b64decode(key_b64 + "=" * (-len(key_b64) % 4))
    assert len(key) == 32
    return b64url(hmac.new(key, canonical.encode("utf-8"), hashlib.sha256).digest())


def http_vector(name, key, method, target, timestamp, nonce, body):
    body_hash = hashlib.sha256(body.encode("utf-8")).hexdigest()
    canonical = "\n".join(["PARLEY-HMAC-SHA256", method.upper(), target, str(timestamp),
                           nonce, body_hash])
    return name, {"kind": "http", "key": key, "method": method, "target": target,
                  "timestamp": timestamp, "nonce": nonce, "body": body,
                  "body_sha256": body_hash, "canonical": canonical,
                  "signature": sign(key, canonical)}


def ws_vector(name, key, session_id, seq, message):
    text = json.dumps(message, ensure_ascii=False, separators=(",", ":"))
    json_hash = hashlib.sha256(text.encode("utf-8")).hexdigest()
    canonical = "\n".join(["PARLEY-WS", session_id, str(seq), json_hash])
    return name, {"kind": "ws", "key": key, "session_id": session_id, "seq": seq,
                  "json": text, "json_sha256": json_hash, "canonical": canonical,
                  "signature": sign(key, canonical),
                  "frame": f"{seq} {sign(key, canonical)} {text}"}


KEY_A = b64url(bytes(range(32)))
KEY_B = b64url(hashlib.sha256(b"parley signing vector key b").digest())
SESSION = b64url(bytes.fromhex("deadbeef000102030405060708090a0b"))

VECTORS = [
    http_vector("http.get_users", KEY_A, "GET", "/api/v1/users", 1796000000000,
                "AAAAAAAAAAAAAAAAAAAAAA", ""),
    http_vector("http.get_with_query", KEY_B, "GET", "/api/v1/users?x=1&y=a%20b",
                1796000012345, "q83vASNFZ4mrze8BI0VniQ", ""),
    http_vector("http.post_logout", KEY_A, "POST", "/api/v1/logout", 1796000000500,
                "_-_-_-_-_-_-_-_-_-_-_w", "{}"),
    http_vector("http.post_utf8_body", KEY_B, "POST", "/api/v1/logout", 1796000099999,
                "ZmVkY2JhOTg3NjU0MzIxMA", '{"note":"héllo ✓ 日本"}'),
    http_vector("http.lower_case_method", KEY_A, "get", "/api/v1/session", 1796000000001,
                "c2Vzc2lvbi1ub25jZS0wMQ", ""),
    http_vector("http.ws_upgrade", KEY_A, "GET", "/api/v1/ws", 1796000000000,
                "d3MtdXBncmFkZS1ub25jZQ", ""),
    ws_vector("ws.ping", KEY_A, SESSION, 1, {"type": "ping"}),
    ws_vector("ws.message_send", KEY_B, SESSION, 42,
              {"type": "message.send", "id": "c-1", "to": "bob", "text": "Grüße ☕"}),
    ws_vector("ws.max_seq", KEY_A, SESSION, 9007199254740991,
              {"type": "message.ack", "id": "m-000042"}),
]

for name, vector in VECTORS:
    with open(os.path.join(HERE, name + ".json"), "w", encoding="utf-8") as f:
        json.dump(vector, f, ensure_ascii=False, indent=2)
        f.write("\n")
