// One load-generator process of bench/ws: holds a slice of the signed
// WebSocket sessions, sends `message.send` at the rate the coordinator
// (bench.js) asks for, acknowledges every incoming `message` and measures
// latencies. Several of these run side by side because Node is single-
// threaded; they talk to the coordinator over the fork IPC channel.
//
// Latency clock: performance.timeOrigin + performance.now(), a wall-clock
// time with sub-millisecond resolution that agrees between the processes on
// one machine; the send time travels inside the message text, so the
// receiving worker (maybe another process) can compute send -> `message`.
import { performance } from 'node:perf_hooks';
import WebSocket from 'ws';
import { newNonce, signFrame, signRequest } from '../../tests/e2e/lib/signer.js';

const now = () => performance.timeOrigin + performance.now();

let cfg = null; // {base, origin, userAgent, targets: [user names], sessions: [{user, id, key}], openConcurrency}
const conns = []; // {user, id, key, ws, seq, open}
let msgCounter = 0;

// Per-step measurement state; `step` is the number written in the text.
const steps = new Map();
function stepState(step) {
  let s = steps.get(step);
  if (!s) {
    s = {
      sent: 0,
      sendErrors: 0,
      pending: new Map(), // client id -> send time
      statusLat: [],
      recvLat: [],
      delivered: 0,
      failed: 0,
      failedCodes: {},
      received: 0,
      lateStatus: 0,
    };
    steps.set(step, s);
  }
  return s;
}

const counters = { presence: 0, hello: 0, errors: {}, closes: {}, outCopies: 0, pongs: 0, unknown: 0 };

function sendSigned(c, obj) {
  const json = JSON.stringify(obj);
  c.seq += 1;
  const sig = signFrame(c.key, c.id, c.seq, json);
  c.ws.send(`${c.seq} ${sig} ${json}`);
}

const kPresencePrefix = Buffer.from('{"type":"presence"');

function onFrame(c, data) {
  // Presence frames come in O(N^2) while N sessions come online: count them
  // without parsing.
  if (data.length > kPresencePrefix.length && kPresencePrefix.equals(data.subarray(0, kPresencePrefix.length))) {
    counters.presence += 1;
    return;
  }
  let m;
  try {
    m = JSON.parse(data.toString());
  } catch {
    counters.unknown += 1;
    return;
  }
  switch (m.type) {
    case 'presence':
      counters.presence += 1;
      return;
    case 'hello':
      c.seq = Math.max(c.seq, m.last_seq || 0);
      c.open = true;
      counters.hello += 1;
      c.onHello?.();
      return;
    case 'message': {
      if (m.direction !== 'in') {
        counters.outCopies += 1;
        return;
      }
      const t = now();
      // text: "s<step> <send time ms>"
      const sp = m.text.indexOf(' ');
      const step = Number(m.text.slice(1, sp));
      const sentAt = Number(m.text.slice(sp + 1));
      const s = stepState(step);
      s.received += 1;
      s.recvLat.push(t - sentAt);
      sendSigned(c, { type: 'message.ack', id: m.id });
      return;
    }
    case 'message.status': {
      const t = now();
      const dash = m.id.indexOf('-');
      const step = Number(m.id.slice(1, dash));
      const s = stepState(step);
      const sentAt = s.pending.get(m.id);
      if (sentAt === undefined) {
        s.lateStatus += 1;
        return;
      }
      s.pending.delete(m.id);
      if (m.status === 'delivered') {
        s.delivered += 1;
        s.statusLat.push(t - sentAt);
      } else {
        s.failed += 1;
        const k = `${m.code} ${m.reason}`;
        s.failedCodes[k] = (s.failedCodes[k] || 0) + 1;
      }
      return;
    }
    case 'error':
      counters.errors[m.code] = (counters.errors[m.code] || 0) + 1;
      return;
    case 'pong':
      counters.pongs += 1;
      return;
    default:
      counters.unknown += 1;
  }
}

function openOne(c) {
  return new Promise((resolve) => {
    const ts = Date.now();
    const nonce = newNonce();
    const sig = signRequest(c.key, 'GET', '/api/v1/ws', ts, nonce, '');
    const url =
      `${cfg.base.replace(/^http/, 'ws')}/api/v1/ws?session=${encodeURIComponent(c.id)}` +
      `&ts=${ts}&nonce=${encodeURIComponent(nonce)}&sig=${encodeURIComponent(sig)}`;
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
    c.onHello = () => finish(true);
    ws.on('message', (data) => onFrame(c, data));
    ws.on('unexpected-response', (_req, res) => {
      finish(false, `HTTP ${res.statusCode}`);
      res.resume();
    });
    ws.on('error', (err) => finish(false, err.code || err.message));
    ws.on('close', (code) => {
      c.open = false;
      counters.closes[code] = (counters.closes[code] || 0) + 1;
      finish(false, `close ${code}`);
    });
  });
}

async function openAll() {
  const t0 = now();
  const failures = {};
  let next = 0;
  const runner = async () => {
    while (next < conns.length) {
      const c = conns[next++];
      const r = await openOne(c);
      if (!r.ok) failures[r.why] = (failures[r.why] || 0) + 1;
    }
  };
  await Promise.all(Array.from({ length: cfg.openConcurrency }, runner));
  const opened = conns.filter((c) => c.open).length;
  return { opened, failures, ms: now() - t0 };
}

// Sends `rate` messages per second for `durationS` seconds from random local
// sessions to random other users; then waits up to `drainS` for the statuses.
async function runStep({ step, rate, durationS, drainS }) {
  const s = stepState(step);
  const open = conns.filter((c) => c.open);
  const start = now();
  const end = start + durationS * 1000;
  const cpu0 = process.cpuUsage();
  await new Promise((resolve) => {
    const tick = () => {
      const t = now();
      const due = Math.min(Math.floor(((Math.min(t, end) - start) / 1000) * rate), Math.round(durationS * rate));
      while (s.sent < due) {
        const c = open[(Math.random() * open.length) | 0];
        let k = (Math.random() * cfg.targets.length) | 0;
        if (cfg.targets[k] === c.user) k = (k + 1) % cfg.targets.length;
        const id = `s${step}-${++msgCounter}`;
        const sentAt = now();
        s.pending.set(id, sentAt);
        try {
          sendSigned(c, { type: 'message.send', id, to: cfg.targets[k], text: `s${step} ${sentAt}` });
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
  const sendMs = now() - start;
  process.send({ ev: 'sendDone', step });
  const cpuSend = process.cpuUsage(cpu0);
  const drainEnd = now() + drainS * 1000;
  while (s.pending.size > 0 && now() < drainEnd) await new Promise((r) => setTimeout(r, 50));
  return {
    step,
    sent: s.sent,
    sendErrors: s.sendErrors,
    sendMs,
    delivered: s.delivered,
    failed: s.failed,
    failedCodes: s.failedCodes,
    missing: s.pending.size,
    statusLat: s.statusLat,
    cpuSendUs: cpuSend.user + cpuSend.system,
  };
}

// The receiving side of a step: what this process got (after every worker
// finished draining, so late arrivals are in).
function recvReport(step) {
  const s = stepState(step);
  return { step, received: s.received, recvLat: s.recvLat, lateStatus: s.lateStatus };
}

process.on('message', async (msg) => {
  try {
    if (msg.cmd === 'init') {
      cfg = msg.cfg;
      for (const x of cfg.sessions) conns.push({ ...x, ws: null, seq: 0, open: false });
      const r = await openAll();
      process.send({ ev: 'opened', ...r });
    } else if (msg.cmd === 'counters') {
      process.send({ ev: 'counters', open: conns.filter((c) => c.open).length, ...counters });
    } else if (msg.cmd === 'step') {
      const r = await runStep(msg);
      process.send({ ev: 'stepDone', ...r });
    } else if (msg.cmd === 'recv') {
      process.send({ ev: 'recv', ...recvReport(msg.step) });
    } else if (msg.cmd === 'close') {
      for (const c of conns) c.ws?.terminate();
      process.send({ ev: 'closed' });
      setTimeout(() => process.exit(0), 100);
    }
  } catch (err) {
    process.send({ ev: 'fatal', error: String(err && err.stack ? err.stack : err) });
  }
});
