#!/usr/bin/env node
// A browser user for the interop tests, without a browser: logs in over
// Parley's browser API (protocol/api.md), holds one signed WebSocket and
// writes what it receives to a log the shell harness waits on (lib/web.sh).
// Commands come one per line on stdin (a FIFO the harness writes to).
//
// usage: webclient.cjs --base http://127.0.0.1:PORT --user NAME --password PW
//                      [--lifetime S]
//        webclient.cjs --selftest DIR   (checks the signing vectors in DIR)
//
// Commands:
//   post ROOM TEXT        room.post
//   send TO TEXT          message.send (TO: user name or SIP URI)
//   status STATUS [NOTE]  presence.set
//   raw JSON              any frame, signed
//   logout                POST /api/v1/logout (the server then closes the socket)
//   quit                  closes the socket and exits 0
//
// Log lines (stdout), one per event, fields separated by one space, the
// free text last so that it may hold spaces:
//   READY user=NAME session=ID
//   ROOM <room> <from_user or -> <time_ms> <text>
//   MSG <from_user or from> <time_ms> <text>
//   PRESENCE <user> <status or -> <online> <note>
//   STATUS <id> <status> <code> <reason>
//   LOGOUT <http status>
//   CLOSE <code> <reason>
//   EV <raw frame>           every frame, for diagnostics
//   FATAL <why>              then exit 1
//
// The `ws` package is not a dependency of this folder: the harness sets
// NODE_PATH to a node_modules that has it (client/, bench/ws/ or tests/e2e/).
'use strict';

const crypto = require('node:crypto');
const fs = require('node:fs');
const path = require('node:path');
const readline = require('node:readline');

const kUserAgent = 'parley-interop-webclient/1';

const b64url = (buf) => Buffer.from(buf).toString('base64url');
const sha256hex = (data) => crypto.createHash('sha256').update(data, 'utf8').digest('hex');

function hmac(keyB64url, text) {
  return b64url(crypto.createHmac('sha256', Buffer.from(keyB64url, 'base64url')).update(text, 'utf8').digest());
}

// api.md "Signing HTTP requests"
function httpCanonical(method, target, ts, nonce, body) {
  return ['PARLEY-HMAC-SHA256', method.toUpperCase(), target, String(ts), nonce, sha256hex(body)].join('\n');
}

// api.md "Frames from the browser"
function frameCanonical(sessionId, seq, json) {
  return `PARLEY-WS\n${sessionId}\n${seq}\n${sha256hex(json)}`;
}

function selftest(dir) {
  let n = 0;
  for (const f of fs.readdirSync(dir).filter((x) => x.endsWith('.json')).sort()) {
    const v = JSON.parse(fs.readFileSync(path.join(dir, f), 'utf8'));
    const canon =
      v.kind === 'ws'
        ? frameCanonical(v.session_id, v.seq, v.json)
        : httpCanonical(v.method, v.target, v.timestamp, v.nonce, v.body);
    const sig = hmac(v.key, canon);
    if (canon !== v.canonical || sig !== v.signature) {
      console.log(`FATAL vector ${f}: canonical or signature differs (got ${sig}, want ${v.signature})`);
      process.exit(1);
    }
    n += 1;
  }
  if (n === 0) {
    console.log(`FATAL no vectors in ${dir}`);
    process.exit(1);
  }
  console.log(`SELFTEST ok ${n} vectors`);
}

function parseArgs(argv) {
  const out = {};
  for (let i = 0; i < argv.length; i += 2) {
    if (!argv[i].startsWith('--') || i + 1 >= argv.length) throw new Error(`bad argument ${argv[i]}`);
    out[argv[i].slice(2)] = argv[i + 1];
  }
  return out;
}

const say = (line) => process.stdout.write(`${line.replace(/[\r\n]+/g, '\\n')}\n`);
function fatal(why) {
  say(`FATAL ${why}`);
  process.exit(1);
}

class Client {
  constructor(opts) {
    this.base = opts.base.replace(/\/$/, '');
    this.origin = this.base;
    this.user = opts.user;
    this.password = opts.password;
    this.seq = 0;
    this.counter = 0;
    this.ws = null;
  }

  signedHeaders(method, target, body) {
    const ts = Date.now();
    const nonce = b64url(crypto.randomBytes(16));
    return {
      'X-Parley-Session': this.sessionId,
      'X-Parley-Timestamp': String(ts),
      'X-Parley-Nonce': nonce,
      'X-Parley-Signature': hmac(this.key, httpCanonical(method, target, ts, nonce, body)),
    };
  }

  async login() {
    const res = await fetch(`${this.base}/api/v1/login`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', 'User-Agent': kUserAgent },
      body: JSON.stringify({ user: this.user, password: this.password }),
    });
    const text = await res.text();
    if (res.status !== 200) fatal(`login ${res.status} ${text}`);
    const j = JSON.parse(text);
    this.sessionId = j.session_id;
    this.key = j.session_key;
  }

  open(WebSocket) {
    return new Promise((resolve) => {
      const ts = Date.now();
      const nonce = b64url(crypto.randomBytes(16));
      const sig = hmac(this.key, httpCanonical('GET', '/api/v1/ws', ts, nonce, ''));
      const q = `session=${encodeURIComponent(this.sessionId)}&ts=${ts}&nonce=${nonce}&sig=${sig}`;
      const ws = new WebSocket(`${this.base.replace(/^http/, 'ws')}/api/v1/ws?${q}`, {
        headers: { Origin: this.origin, 'User-Agent': kUserAgent },
        perMessageDeflate: false,
      });
      this.ws = ws;
      ws.on('unexpected-response', (_req, res) => fatal(`websocket upgrade refused: HTTP ${res.statusCode}`));
      ws.on('error', (err) => fatal(`websocket error ${err.code || err.message}`));
      ws.on('close', (code, reason) => say(`CLOSE ${code} ${reason.toString() || '-'}`));
      ws.on('message', (data) => {
        const m = this.onFrame(data.toString());
        if (m && m.type === 'hello') resolve();
      });
    });
  }

  sendFrame(obj) {
    const json = typeof obj === 'string' ? obj : JSON.stringify(obj);
    this.seq += 1;
    this.ws.send(`${this.seq} ${hmac(this.key, frameCanonical(this.sessionId, this.seq, json))} ${json}`);
  }

  nextId() {
    this.counter += 1;
    return `c-${this.counter}`;
  }

  onFrame(text) {
    say(`EV ${text}`);
    let m;
    try {
      m = JSON.parse(text);
    } catch {
      return null;
    }
    switch (m.type) {
      case 'hello':
        this.seq = Math.max(this.seq, m.last_seq || 0);
        break;
      case 'room.message':
        say(`ROOM ${m.room} ${m.from_user || '-'} ${m.time_ms} ${m.text}`);
        break;
      case 'message':
        say(`MSG ${m.from_user || m.from} ${m.time_ms} ${m.text}`);
        // unacknowledged incoming messages fail their SIP branch (api.md)
        if (m.direction === 'in') this.sendFrame({ type: 'message.ack', id: m.id });
        break;
      case 'presence':
        for (const p of m.users || [m]) {
          say(`PRESENCE ${p.user} ${p.status || '-'} ${p.online} ${p.note || ''}`);
        }
        break;
      case 'message.status':
        say(`STATUS ${m.id} ${m.status} ${m.code ?? '-'} ${m.reason ?? ''}`);
        break;
      default:
        break;
    }
    return m;
  }

  async logout() {
    const body = '{}';
    const res = await fetch(`${this.base}/api/v1/logout`, {
      method: 'POST',
      headers: {
        'Content-Type': 'application/json',
        'User-Agent': kUserAgent,
        ...this.signedHeaders('POST', '/api/v1/logout', body),
      },
      body,
    });
    await res.text();
    say(`LOGOUT ${res.status}`);
  }

  async command(line) {
    const sp1 = line.indexOf(' ');
    const verb = sp1 < 0 ? line : line.slice(0, sp1);
    const rest = sp1 < 0 ? '' : line.slice(sp1 + 1);
    const sp2 = rest.indexOf(' ');
    const arg = sp2 < 0 ? rest : rest.slice(0, sp2);
    const tail = sp2 < 0 ? '' : rest.slice(sp2 + 1);
    switch (verb) {
      case 'post':
        this.sendFrame({ type: 'room.post', id: this.nextId(), room: arg, text: tail });
        break;
      case 'send':
        this.sendFrame({ type: 'message.send', id: this.nextId(), to: arg, text: tail });
        break;
      case 'status':
        this.sendFrame({ type: 'presence.set', status: arg, note: tail });
        break;
      case 'raw':
        this.sendFrame(rest);
        break;
      case 'logout':
        await this.logout();
        break;
      case 'quit':
        this.ws?.close(1000);
        process.exit(0);
        break;
      case '':
        break;
      default:
        say(`ERROR unknown command ${verb}`);
    }
  }
}

async function main() {
  const opts = parseArgs(process.argv.slice(2));
  if (opts.selftest) return selftest(opts.selftest);
  for (const k of ['base', 'user', 'password']) if (!opts[k]) fatal(`missing --${k}`);
  // the lifetime bound: nothing outlives a killed harness
  setTimeout(() => fatal('lifetime over'), Number(opts.lifetime || 120) * 1000).unref();
  let WebSocket;
  try {
    WebSocket = require('ws');
  } catch {
    fatal('the ws package is not on NODE_PATH');
  }
  const c = new Client(opts);
  await c.login();
  await c.open(WebSocket);
  say(`READY user=${c.user} session=${c.sessionId}`);
  // commands run one after the other, in the order they were written
  let chain = Promise.resolve();
  const rl = readline.createInterface({ input: process.stdin });
  rl.on('line', (line) => {
    chain = chain.then(() => c.command(line.trim())).catch((e) => say(`ERROR ${e.message}`));
  });
}

main().catch((e) => fatal(e && e.message ? e.message : String(e)));
