// The canonical strings and signatures of api.md ("Signing HTTP requests",
// "Frames from the browser"). Pure functions: time and randomness come in as
// arguments so tests can check them against fixed vectors.
import { hmacSha256, sha256 } from '../crypto/sha256';
import { base64url, randomBytes, toHex, utf8 } from '../crypto/encoding';

export const HTTP_PREFIX = 'PARLEY-HMAC-SHA256';
export const WS_PREFIX = 'PARLEY-WS';

export function hexSha256(body: string | Uint8Array): string {
  return toHex(sha256(typeof body === 'string' ? utf8(body) : body));
}

export function canonicalHttp(method: string, target: string, timestamp: string, nonce: string, body: string): string {
  return [HTTP_PREFIX, method.toUpperCase(), target, timestamp, nonce, hexSha256(body)].join('\n');
}

export function signHttp(key: Uint8Array, method: string, target: string, timestamp: string, nonce: string, body: string): string {
  return base64url(hmacSha256(key, utf8(canonicalHttp(method, target, timestamp, nonce, body))));
}

export function canonicalFrame(sessionId: string, seq: number, json: string): string {
  return [WS_PREFIX, sessionId, String(seq), hexSha256(json)].join('\n');
}

export function signFrame(key: Uint8Array, sessionId: string, seq: number, json: string): string {
  return base64url(hmacSha256(key, utf8(canonicalFrame(sessionId, seq, json))));
}

// The whole text frame: "<seq> <sig> <json>".
export function buildFrame(key: Uint8Array, sessionId: string, seq: number, json: string): string {
  return `${seq} ${signFrame(key, sessionId, seq, json)} ${json}`;
}

export function newNonce(): string {
  return base64url(randomBytes(16));
}

// The four X-Parley-* headers for one request.
export function signedHeaders(
  sessionId: string,
  key: Uint8Array,
  method: string,
  target: string,
  body: string,
  nowMs: number,
  nonce: string = newNonce(),
): Record<string, string> {
  const timestamp = String(Math.round(nowMs));
  return {
    'X-Parley-Session': sessionId,
    'X-Parley-Timestamp': timestamp,
    'X-Parley-Nonce': nonce,
    'X-Parley-Signature': signHttp(key, method, target, timestamp, nonce, body),
  };
}

// The query of the WebSocket upgrade: signed as GET /api/v1/ws with an empty body.
export function wsQuery(sessionId: string, key: Uint8Array, nowMs: number, nonce: string = newNonce()): string {
  const ts = String(Math.round(nowMs));
  const sig = signHttp(key, 'GET', '/api/v1/ws', ts, nonce, '');
  const q = new URLSearchParams({ session: sessionId, ts, nonce, sig });
  return q.toString();
}
