// A stand-in for the Parley server, for trying the app without the C++
// build: serves dist/ and a small part of api.md v1 (login, logout, session,
// users, the WebSocket with hello/ping/message.send/message.ack/presence, and
// rooms, history, search, buddies and status from mock-rooms.mjs).
// It checks HTTP and frame signatures, so signing bugs show up here too.
// Users: alice/alice-pw, bob/bob-pw, carol/carol-pw. Not for production.
//   node dev/mock-server.mjs [port]        (default 8080)
import { createHash, createHmac, randomBytes } from 'node:crypto';
import { createServer } from 'node:http';
import { existsSync, readFileSync } from 'node:fs';
import { extname, join, normalize } from 'node:path';
import { presenceFields, roomsApi, roomsFrame } from './mock-rooms.mjs';

const port = Number(process.argv[2] ?? 8080);
const DIST = join(import.meta.dirname, '..', 'dist');
const DOMAIN = 'localhost';
const USERS = { alice: 'Alice Liddell', bob: 'Bob Builder', carol: 'Carol Danvers' };
const sessions = new Map(); // id -> {user, key, lastSeq, nonces:Set, sockets:Set}
const b64u = (b) => Buffer.from(b).toString('base64url');
const sha = (s) => createHash('sha256').update(s).digest('hex');
const hmac = (key, s) => createHmac('sha256', key).update(s).digest('base64url');
const userObj = (n) => ({ name: n, display_name: USERS[n], uri: `sip:${n}@${DOMAIN}` });
const online = (n) => [...sessions.values()].some((s) => s.user === n && s.sockets.size > 0) || n === 'carol';

function send(res, status, body, headers = {}) {
  res.writeHead(status, { 'Content-Type': 'application/json', ...headers });
  res.end(JSON.stringify(body));
}
const fail = (res, status, code, message, headers) => send(res, status, { error: { code, message } }, headers);

function verify(method, target, h, body) {
  const s = sessions.get(h['x-parley-session']);
  if (!h['x-parley-session'] || !h['x-parley-signature']) return [401, 'missing_signature'];
  if (!s) return [401, 'unknown_session'];
  const c = ['PARLEY-HMAC-SHA256', method, target, h['x-parley-timestamp'], h['x-parley-nonce'], sha(body)].join('\n');
  if (hmac(s.key, c) !== h['x-parley-signature']) return [401, 'bad_signature'];
  if (Math.abs(Number(h['x-parley-timestamp']) - Date.now()) > 30000) return [401, 'stale_timestamp'];
  if (s.nonces.has(h['x-parley-nonce'])) return [401, 'replayed'];
  s.nonces.add(h['x-parley-nonce']);
  return [0, s];
}

function broadcastPresence(user) {
  broadcastAll({ type: 'presence', user, online: online(user), ...presenceFields(user, online) });
}
function broadcastAll(msg) {
  for (const s of sessions.values()) for (const sock of s.sockets) sock.sendJson(msg);
}
function broadcast(user, msg) {
  for (const s of sessions.values()) if (s.user === user) for (const sock of s.sockets) sock.sendJson(msg);
}
const ctxOf = (s) => ({ user: s.user, users: USERS, online, broadcast, broadcastAll });

const server = createServer((req, res) => {
  let body = '';
  req.on('data', (d) => (body += d));
  req.on('end', () => {
    const url = new URL(req.url, 'http://x');
    if (url.pathname === '/api/v1/login' && req.method === 'POST') {
      let j = {};
      try { j = JSON.parse(body); } catch { return fail(res, 400, 'bad_request', 'malformed JSON'); }
      if (j.user === 'slow') return fail(res, 429, 'rate_limited', 'too many', { 'Retry-After': '7' });
      if (!USERS[j.user] || j.password !== `${j.user}-pw`) return fail(res, 401, 'bad_credentials', 'wrong user name or password');
      const id = b64u(randomBytes(16));
      const key = randomBytes(32);
      sessions.set(id, { user: j.user, key, lastSeq: 0, nonces: new Set(), sockets: new Set() });
      return send(res, 200, { session_id: id, session_key: b64u(key), user: userObj(j.user), idle_timeout_s: 1800, max_age_s: 43200, server_time_ms: Date.now() });
    }
    if (url.pathname.startsWith('/api/')) {
      const [status, s] = verify(req.method, req.url, req.headers, body);
      if (status) return fail(res, status, s, s);
      if (url.pathname === '/api/v1/users') return send(res, 200, { users: Object.keys(USERS).map((n) => ({ ...userObj(n), online: online(n), ...presenceFields(n, online) })) });
      if (roomsApi(ctxOf(s), req.method, url, body, (st, b) => send(res, st, b), (st, c, m) => fail(res, st, c, m))) return;
      if (url.pathname === '/api/v1/session') return send(res, 200, { user: userObj(s.user), idle_timeout_s: 1800, expires_at_ms: Date.now() + 1e6 });
      if (url.pathname === '/api/v1/logout') {
        for (const sock of s.sockets) sock.closeWith(4001, 'logged_out');
        sessions.delete(req.headers['x-parley-session']);
        return send(res, 200, {});
      }
      return fail(res, 404, 'not_found', 'no such path');
    }
    let file = normalize(join(DIST, url.pathname));
    if (!file.startsWith(DIST) || !existsSync(file) || url.pathname === '/') file = join(DIST, 'index.html');
    const types = { '.html': 'text/html', '.js': 'text/javascript', '.css': 'text/css', '.svg': 'image/svg+xml' };
    res.writeHead(200, { 'Content-Type': types[extname(file)] ?? 'application/octet-stream' });
    res.end(readFileSync(file));
  });
});

// Minimal RFC 6455 server side: text frames, close, no fragmentation.
server.on('upgrade', (req, sock) => {
  const q = new URL(req.url, 'http://x').searchParams;
  const s = sessions.get(q.get('session'));
  const c = ['PARLEY-HMAC-SHA256', 'GET', '/api/v1/ws', q.get('ts'), q.get('nonce'), sha('')].join('\n');
  if (!s || hmac(s.key, c) !== q.get('sig')) {
    sock.end('HTTP/1.1 401 Unauthorized\r\nContent-Length: 0\r\n\r\n');
    return;
  }
  const accept = createHash('sha1').update(req.headers['sec-websocket-key'] + '258EAFA5-E914-47DA-95CA-C5AB0DC85B11').digest('base64');
  sock.write(`HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: ${accept}\r\n\r\n`);
  const frame = (op, payload) => {
    const len = payload.length;
    const head = len < 126 ? Buffer.from([0x80 | op, len]) : Buffer.from([0x80 | op, 126, len >> 8, len & 255]);
    sock.write(Buffer.concat([head, payload]));
  };
  sock.sendJson = (o) => frame(1, Buffer.from(JSON.stringify(o)));
  sock.closeWith = (code, reason) => {
    frame(8, Buffer.concat([Buffer.from([code >> 8, code & 255]), Buffer.from(reason)]));
    sock.end();
  };
  s.sockets.add(sock);
  sock.on('close', () => { s.sockets.delete(sock); broadcastPresence(s.user); });
  sock.on('error', () => {});
  sock.sendJson({ type: 'hello', api: 1, user: userObj(s.user), last_seq: s.lastSeq, server_time_ms: Date.now() });
  broadcastPresence(s.user);
  let buf = Buffer.alloc(0);
  sock.on('data', (d) => {
    buf = Buffer.concat([buf, d]);
    while (buf.length >= 6) {
      const op = buf[0] & 15;
      let len = buf[1] & 127;
      let off = 2;
      if (len === 126) { len = buf.readUInt16BE(2); off = 4; }
      if (buf.length < off + 4 + len) return;
      const mask = buf.subarray(off, off + 4);
      const data = Buffer.from(buf.subarray(off + 4, off + 4 + len)).map((b, i) => b ^ mask[i % 4]);
      buf = buf.subarray(off + 4 + len);
      if (op === 8) { sock.end(); return; }
      if (op === 1) onText(s, sock, data.toString('utf8'));
    }
  });
});

function onText(s, sock, text) {
  const m = /^(\d+) ([A-Za-z0-9_-]{43}) (.*)$/s.exec(text);
  if (!m) return sock.sendJson({ type: 'error', code: 'bad_request', message: 'frame' });
  const [, seqText, sig, json] = m;
  const seq = Number(seqText);
  const id = [...sessions.entries()].find(([, v]) => v === s)[0];
  if (hmac(s.key, `PARLEY-WS\n${id}\n${seq}\n${sha(json)}`) !== sig) { sock.sendJson({ type: 'error', code: 'bad_signature', seq }); return sock.closeWith(4003, 'bad_signature'); }
  if (seq <= s.lastSeq) { sock.sendJson({ type: 'error', code: 'replayed', seq }); return sock.closeWith(4003, 'replayed'); }
  s.lastSeq = seq;
  const msg = JSON.parse(json);
  if (msg.type === 'ping') return sock.sendJson({ type: 'pong', server_time_ms: Date.now() });
  if (msg.type === 'message.ack') return;
  if (roomsFrame(ctxOf(s), sock, msg)) return;
  if (msg.type !== 'message.send') return sock.sendJson({ type: 'error', code: 'unknown_type', seq });
  const to = msg.to.replace(/^sip:([^@]+)@localhost$/, '$1');
  setTimeout(() => {
    if (!USERS[to]) return sock.sendJson({ type: 'message.status', id: msg.id, status: 'failed', code: 404, reason: 'Not Found' });
    const base = { from: `sip:${s.user}@${DOMAIN}`, from_user: s.user, to: `sip:${to}@${DOMAIN}`, to_user: to, text: msg.text, content_type: 'text/plain', time_ms: Date.now() };
    let reached = false;
    for (const [, o] of sessions) for (const k of o.sockets) {
      if (o.user === to) { k.sendJson({ type: 'message', id: b64u(randomBytes(8)), direction: 'in', ...base }); reached = true; }
      else if (o.user === s.user && k !== sock) k.sendJson({ type: 'message', id: b64u(randomBytes(8)), direction: 'out', ...base });
    }
    if (to === 'carol') { reached = true; setTimeout(() => sock.sendJson({ type: 'message', id: b64u(randomBytes(8)), direction: 'in', from: `sip:carol@${DOMAIN}`, from_user: 'carol', to: base.from, to_user: s.user, text: `Echo: ${msg.text}`, content_type: 'text/plain', time_ms: Date.now() }), 400); }
    sock.sendJson(reached ? { type: 'message.status', id: msg.id, status: 'delivered', code: 200, reason: 'OK' } : { type: 'message.status', id: msg.id, status: 'failed', code: 480, reason: 'Temporarily Unavailable' });
  }, 150);
}

server.listen(port, '127.0.0.1', () => console.log(`mock parley on http://127.0.0.1:${port}`));
