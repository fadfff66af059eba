// One load-generator process of bench/rooms: holds a slice of the signed
// browser sessions, posts `room.post` at the rate the coordinator (rooms.js)
// asks for from its sessions that are members of the step's room, and
// timestamps every `room.message` it receives. Several run side by side
// (Node is single-threaded) and talk to the coordinator over fork IPC.
//
// Latency clock: performance.timeOrigin + performance.now(), wall-clock time
// that agrees between processes on one machine; the post's send time travels
// in its text ("r<step> <ms>"), so any process can compute send -> delivery.
import { performance } from 'node:perf_hooks';
import { Histogram } from './histogram.js';
import { openAll, sendPaced, settleStatus, stepOfId } from '../ws/session.js';

const now = () => performance.timeOrigin + performance.now();

let cfg = null;
const conns = [];
let postCounter = 0;
const counters = { presence: 0, roomEvents: 0, errors: {}, closes: {}, unknown: 0, otherRoomMessages: 0 };

const steps = new Map();
function stepState(step) {
  let s = steps.get(step);
  if (!s) {
    s = { sent: 0, sendErrors: 0, pending: new Map(), statusLat: new Histogram(), recvLat: new Histogram(),
      received: 0, delivered: 0, failed: 0, failedCodes: {}, lateStatus: 0 };
    steps.set(step, s);
  }
  return s;
}

const kPresencePrefix = Buffer.from('{"type":"presence"');
const kRoomMessageSuffix = '"type":"room.message"}';
const kTextKey = '"text":"r';

// room.message frames are the hot path (one per member per post): the
// encoder puts "type" last, and the text is ours, so no JSON.parse.
function onRoomMessage(s) {
  const t = now();
  const i = s.indexOf(kTextKey);
  if (i < 0) {
    counters.otherRoomMessages += 1;
    return;
  }
  const a = i + kTextKey.length;
  const sp = s.indexOf(' ', a);
  const q = s.indexOf('"', sp);
  const st = stepState(Number(s.slice(a, sp)));
  st.received += 1;
  st.recvLat.add(t - Number(s.slice(sp + 1, q)));
}

function onStatus(m) {
  const t = now();
  const s = stepState(stepOfId(m.id));
  const ms = settleStatus(s, m, t);
  if (ms !== null) s.statusLat.add(ms);
}

function onFrame(_c, data) {
  if (data.length > kPresencePrefix.length && kPresencePrefix.equals(data.subarray(0, kPresencePrefix.length))) {
    counters.presence += 1;
    return;
  }
  const s = data.toString();
  if (s.endsWith(kRoomMessageSuffix)) {
    onRoomMessage(s);
    return;
  }
  let m;
  try {
    m = JSON.parse(s);
  } catch {
    counters.unknown += 1;
    return;
  }
  if (m.type === 'message.status') onStatus(m);
  else if (m.type === 'room.event') counters.roomEvents += 1;
  else if (m.type === 'error') counters.errors[m.code] = (counters.errors[m.code] || 0) + 1;
  else counters.unknown += 1;
}

function onClose(_c, code) {
  counters.closes[code] = (counters.closes[code] || 0) + 1;
}

// Posts `rate` room.post per second for `durationS` to `room`, round-robin
// over this process's open sessions whose user is in `members`; then waits
// up to `drainS` for the statuses.
async function runStep({ step, room, members, rate, durationS, drainS }) {
  const s = stepState(step);
  const inRoom = new Set(members);
  const senders = conns.filter((c) => c.open && inRoom.has(c.user));
  const start = now();
  let rr = 0;
  if (senders.length > 0 && rate > 0) {
    await sendPaced(s, { start, rate, durationS }, (sentAt) => {
      const id = `p${step}-${++postCounter}`;
      return { c: senders[rr++ % senders.length], id, frame: { type: 'room.post', id, room, text: `r${step} ${sentAt}` } };
    });
  }
  const sendMs = now() - start;
  process.send({ ev: 'sendDone', step });
  const drainEnd = now() + drainS * 1000;
  while (s.pending.size > 0 && now() < drainEnd) await new Promise((r) => setTimeout(r, 50));
  return { step, sent: s.sent, sendErrors: s.sendErrors, sendMs, senders: senders.length, delivered: s.delivered,
    failed: s.failed, failedCodes: s.failedCodes, missing: s.pending.size, statusLat: s.statusLat.toJSON() };
}

process.on('message', async (msg) => {
  try {
    if (msg.cmd === 'init') {
      cfg = msg.cfg;
      for (const x of cfg.sessions) conns.push({ ...x, ws: null, seq: 0, open: false });
      const r = await openAll(cfg, conns, cfg.openConcurrency, onFrame, onClose);
      process.send({ ev: 'opened', ...r });
    } else if (msg.cmd === 'reopen') {
      // Sessions the server closed in an overloaded step (send queue full)
      // come back for the next room: the session itself is still valid.
      const closed = conns.filter((c) => !c.open);
      const r = await openAll(cfg, closed, cfg.openConcurrency, onFrame, onClose);
      process.send({ ev: 'reopened', tried: closed.length, ...r });
    } else if (msg.cmd === 'counters') {
      process.send({ ev: 'counters', open: conns.filter((c) => c.open).length, openUsers: conns.filter((c) => c.open).map((c) => c.user), ...counters });
    } else if (msg.cmd === 'step') {
      process.send({ ev: 'stepDone', ...(await runStep(msg)) });
    } else if (msg.cmd === 'recv') {
      const s = stepState(msg.step);
      process.send({ ev: 'recv', step: msg.step, received: s.received, recvLat: s.recvLat.toJSON(), lateStatus: s.lateStatus });
      steps.delete(msg.step);
    } else if (msg.cmd === 'close') {
      for (const c of conns) c.ws?.terminate();
      process.send({ ev: 'closed' });
      setTimeout(() => process.exit(0), 100);
    }
  } catch (err) {
    process.send({ ev: 'fatal', error: String(err && err.stack ? err.stack : err) });
  }
});
