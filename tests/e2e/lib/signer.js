// The test's own implementation of the request signing in protocol/api.md
// ("Signing HTTP requests", WebSocket frames), written independently of the
// browser app's, plus a raw HTTP/1.1 client that can send the very same
// bytes twice (for the replay check). Node side only.
import crypto from 'node:crypto';
import net from 'node:net';

export function b64url(buf) {
  return Buffer.from(buf).toString('base64url');
}

export function sha256Hex(data) {
  return crypto.createHash('sha256').update(data).digest('hex');
}

export function newNonce() {
  return b64url(crypto.randomBytes(16));
}

// key: the base64url session_key. Returns the X-Parley-Signature value.
export function signRequest(key, method, target, timestamp, nonce, body = '') {
  const canonical = ['PARLEY-HMAC-SHA256', method.toUpperCase(), target, String(timestamp), nonce, sha256Hex(body)].join(
    '\n',
  );
  return b64url(crypto.createHmac('sha256', Buffer.from(key, 'base64url')).update(canonical).digest());
}

export function signFrame(key, sessionId, seq, json) {
  const canonical = `PARLEY-WS\n${sessionId}\n${seq}\n${sha256Hex(json)}`;
  return b64url(crypto.createHmac('sha256', Buffer.from(key, 'base64url')).update(canonical).digest());
}

// The four X-Parley-* headers for a request.
export function signedHeaders({ id, key }, method, target, body = '', { timestamp = Date.now(), nonce = newNonce() } = {}) {
  return {
    'X-Parley-Session': id,
    'X-Parley-Timestamp': String(timestamp),
    'X-Parley-Nonce': nonce,
    'X-Parley-Signature': signRequest(key, method, target, timestamp, nonce, body),
  };
}

// The bytes of one HTTP/1.1 request (Connection: close unless HEADERS say
// otherwise).
export function rawRequest(baseUrl, method, target, headers = {}, body = '') {
  const u = new URL(baseUrl);
  const lines = [`${method} ${target} HTTP/1.1`, `Host: ${u.host}`, 'User-Agent: parley-e2e/1'];
  if (!Object.keys(headers).some((k) => k.toLowerCase() === 'connection')) lines.push('Connection: close');
  for (const [k, v] of Object.entries(headers)) lines.push(`${k}: ${v}`);
  const b = Buffer.from(body, 'utf8');
  if (b.length || method !== 'GET') {
    lines.push('Content-Type: application/json', `Content-Length: ${b.length}`);
  }
  return Buffer.concat([Buffer.from(`${lines.join('\r\n')}\r\n\r\n`, 'latin1'), b]);
}

// Sends bytes to baseUrl's host:port, reads one response.
// Resolves {status, headers, body, json}.
export function sendRaw(baseUrl, bytes, timeoutMs = 5000) {
  const u = new URL(baseUrl);
  return new Promise((resolve, reject) => {
    const sock = net.connect(Number(u.port), u.hostname);
    const chunks = [];
    const timer = setTimeout(() => {
      sock.destroy();
      reject(new Error(`no complete HTTP response from ${u.host} within ${timeoutMs} ms`));
    }, timeoutMs);
    const tryParse = (final) => {
      const all = Buffer.concat(chunks);
      const end = all.indexOf('\r\n\r\n');
      if (end < 0) return final ? reject(new Error(`bad HTTP response: ${all.toString('latin1').slice(0, 200)}`)) : undefined;
      const head = all.subarray(0, end).toString('latin1').split('\r\n');
      const status = Number(head[0].split(' ')[1]);
      if (status === 101) {
        // a WebSocket upgrade: no body follows
        clearTimeout(timer);
        sock.destroy();
        resolve({ status, headers: {}, body: '', json: null });
        return undefined;
      }
      const headers = {};
      for (const h of head.slice(1)) {
        const i = h.indexOf(':');
        headers[h.slice(0, i).trim().toLowerCase()] = h.slice(i + 1).trim();
      }
      const rest = all.subarray(end + 4);
      const len = headers['content-length'] !== undefined ? Number(headers['content-length']) : null;
      if (len === null && !final) return undefined;
      if (len !== null && rest.length < len) return final ? reject(new Error('HTTP body cut short')) : undefined;
      const body = (len === null ? rest : rest.subarray(0, len)).toString('utf8');
      let json = null;
      try {
        json = JSON.parse(body);
      } catch {
        // not JSON
      }
      clearTimeout(timer);
      sock.destroy();
      resolve({ status, headers, body, json });
      return undefined;
    };
    sock.on('data', (c) => {
      chunks.push(c);
      tryParse(false);
    });
    sock.on('end', () => tryParse(true));
    sock.on('error', (err) => {
      clearTimeout(timer);
      reject(err);
    });
    sock.write(bytes);
  });
}

// POST /api/v1/login from Node. Resolves {id, key, body}.
export async function apiLogin(baseUrl, user, password) {
  const body = JSON.stringify({ user, password });
  const res = await sendRaw(baseUrl, rawRequest(baseUrl, 'POST', '/api/v1/login', {}, body));
  if (res.status !== 200) throw new Error(`login ${user}: HTTP ${res.status} ${res.body}`);
  return { id: res.json.session_id, key: res.json.session_key, body: res.json };
}
