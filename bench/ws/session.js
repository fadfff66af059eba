// One signed browser WebSocket session (protocol/api.md), as the ws, room
// and presence load generators hold them: open with a signed URL, wait for
// `hello`, send signed frames, at a paced rate. Frames other than the first
// `hello` go to the caller's handler unparsed, so hot paths can skip
// JSON.parse.
import { performance } from 'node:perf_hooks';
import WebSocket from 'ws';
import { newNonce, signFrame, signRequest } from '../../tests/e2e/lib/signer.js';

// Wall-clock time with sub-millisecond resolution that agrees between the
// generator processes on one machine.
const now = () => performance.timeOrigin + performance.now();

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

// Opens every session of `conns`, `concurrency` at a time. `hellos` counts
// the sessions that got their hello, even those closed again since.
export async function openAll(cfg, conns, concurrency, onFrame, onClose) {
  const t0 = Date.now();
  const failures = {};
  let hellos = 0;
  let next = 0;
  const runner = async () => {
    while (next < conns.length) {
      const r = await openSession(cfg, conns[next++], onFrame, onClose);
      if (r.ok) hellos += 1;
      else failures[r.why] = (failures[r.why] || 0) + 1;
    }
  };
  await Promise.all(Array.from({ length: concurrency }, runner));
  return { opened: conns.filter((c) => c.open).length, failures, ms: Date.now() - t0, hellos };
}

// Sends for `durationS` seconds from `start` at `rate` per second, on a
// 2 ms timer that catches up to what is due; next(sentAt) names the send as
// {c, id, frame}. Counts into the step state `s` (sent, sendErrors) and keeps
// each id's send time in s.pending until its message.status settles it.
export function sendPaced(s, { start, rate, durationS }, next) {
  const end = start + durationS * 1000;
  const total = Math.round(durationS * rate);
  return new Promise((resolve) => {
    const tick = () => {
      const t = now();
      const due = Math.min(Math.floor(((Math.min(t, end) - start) / 1000) * rate), total);
      while (s.sent < due) {
        const sentAt = now();
        const { c, id, frame } = next(sentAt);
        s.pending.set(id, sentAt);
        try {
          sendSigned(c, frame);
        } catch {
          s.sendErrors += 1;
          s.pending.delete(id);
        }
        s.sent += 1;
      }
      if (t >= end) resolve();
      else setTimeout(tick, 2);
    };
    tick();
  });
}

// The step a send id ("<letter><step>-<n>") belongs to.
export const stepOfId = (id) => Number(id.slice(1, id.indexOf('-')));

// Settles message.status `m`, arrived at `t`, against the step state `s`
// (pending, delivered, failed, failedCodes, lateStatus); returns the send ->
// status time of a delivered one, else null.
export function settleStatus(s, m, t) {
  const sentAt = s.pending.get(m.id);
  if (sentAt === undefined) {
    s.lateStatus += 1;
    return null;
  }
  s.pending.delete(m.id);
  if (m.status === 'delivered') {
    s.delivered += 1;
    return t - sentAt;
  }
  s.failed += 1;
  const k = `${m.code} ${m.reason}`;
  s.failedCodes[k] = (s.failedCodes[k] || 0) + 1;
  return null;
}
