// One signed browser WebSocket session (protocol/api.md), as the room and
// presence load generators hold them: open with a signed URL, wait for
// `hello`, send signed frames. Frames other than `hello` go to the caller's
// handler unparsed, so hot paths can skip JSON.parse.
import { createRequire } from 'node:module';
import { newNonce, signFrame, signRequest } from '../../tests/e2e/lib/signer.js';

// The `ws` package is installed once, for bench/ws (bench/ws/run.sh, npm ci).
const WebSocket = createRequire(new URL('../ws/package.json', import.meta.url))('ws');

export function sendSigned(c, obj) {
  const json = JSON.stringify(obj);
  c.seq += 1;
  c.ws.send(`${c.seq} ${signFrame(c.key, c.id, c.seq, json)} ${json}`);
}

const kHelloPrefix = Buffer.from('{"type":"hello"');

// Calls f for each frame of a WebSocket message: with batch=1 on the
// upgrade (protocol/api.md) the server puts frames queued behind a write
// into one message, one per line.
function eachFrame(data, f) {
  let start = 0;
  for (;;) {
    const nl = data.indexOf(10, start);
    if (nl < 0) break;
    if (nl > start) f(data.subarray(start, nl));
    start = nl + 1;
  }
  if (start === 0) f(data);
  else if (start < data.length) f(data.subarray(start));
}

// c: {id, key, seq, open}; resolves {ok, why} once hello arrived or the
// socket failed. cfg: {base, origin, userAgent, batch}.
export function openSession(cfg, c, onFrame, onClose) {
  return new Promise((resolve) => {
    const ts = Date.now();
    const nonce = newNonce();
    const sig = signRequest(c.key, 'GET', '/api/v1/ws', ts, nonce, '');
    const url =
      `${cfg.base.replace(/^http/, 'ws')}/api/v1/ws?session=${encodeURIComponent(c.id)}` +
      `&ts=${ts}&nonce=${encodeURIComponent(nonce)}&sig=${encodeURIComponent(sig)}${cfg.batch ? '&batch=1' : ''}`;
    const ws = new WebSocket(url, {
      headers: { Origin: cfg.origin, 'User-Agent': cfg.userAgent },
      perMessageDeflate: false,
      handshakeTimeout: 60000,
    });
    c.ws = ws;
    let done = false;
    const finish = (ok, why) => {
      if (done) return;
      done = true;
      resolve({ ok, why });
    };
    const frame = (data) => {
      if (!c.open && data.length > kHelloPrefix.length && kHelloPrefix.equals(data.subarray(0, kHelloPrefix.length))) {
        const m = JSON.parse(data.toString());
        c.seq = Math.max(c.seq, m.last_seq || 0);
        c.open = true;
        finish(true);
        return;
      }
      onFrame(c, data);
    };
    ws.on('message', (data) => (cfg.batch ? eachFrame(data, frame) : frame(data)));
    ws.on('unexpected-response', (_req, res) => {
      finish(false, `HTTP ${res.statusCode}`);
      res.resume();
    });
    ws.on('error', (err) => finish(false, err.code || err.message));
    ws.on('close', (code) => {
      c.open = false;
      onClose?.(c, code);
      finish(false, `close ${code}`);
    });
  });
}

// Opens every session of `conns`, `concurrency` at a time.
export async function openAll(cfg, conns, concurrency, onFrame, onClose) {
  const t0 = Date.now();
  const failures = {};
  let next = 0;
  const runner = async () => {
    while (next < conns.length) {
      const r = await openSession(cfg, conns[next++], onFrame, onClose);
      if (!r.ok) failures[r.why] = (failures[r.why] || 0) + 1;
    }
  };
  await Promise.all(Array.from({ length: concurrency }, runner));
  return { opened: conns.filter((c) => c.open).length, failures, ms: Date.now() - t0 };
}
