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
import { openAll, sendPaced, sendSigned, settleStatus, stepOfId } from './session.js';

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

const kPresencePrefix = Buffer.from('{"type":"presence"');

function onClose(_c, code) {
  counters.closes[code] = (counters.closes[code] || 0) + 1;
}

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
    case 'hello': // a session's first hello is openAll's (session.js)
      c.seq = Math.max(c.seq, m.last_seq || 0);
      c.open = true;
      counters.hello += 1;
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
      const s = stepState(stepOfId(m.id));
      const ms = settleStatus(s, m, t);
      if (ms !== null) s.statusLat.push(ms);
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

// Sends `rate` messages per second for `durationS` seconds from random local
// sessions to random other users; then waits up to `drainS` for the statuses.
async function runStep({ step, rate, durationS, drainS }) {
  const s = stepState(step);
  const open = conns.filter((c) => c.open);
  const start = now();
  const cpu0 = process.cpuUsage();
  await sendPaced(s, { start, rate, durationS }, (sentAt) => {
    const c = open[(Math.random() * open.length) | 0];
    let k = (Math.random() * cfg.targets.length) | 0;
    if (cfg.targets[k] === c.user) k = (k + 1) % cfg.targets.length;
    const id = `s${step}-${++msgCounter}`;
    return { c, id, frame: { type: 'message.send', id, to: cfg.targets[k], text: `s${step} ${sentAt}` } };
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
      const r = await openAll(cfg, conns, cfg.openConcurrency, onFrame, onClose);
      counters.hello += r.hellos;
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
