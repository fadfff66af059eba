// Driver of the presence benchmark (bench/presence/run.sh starts it once
// SIPp holds the watchers' subscriptions): logs the presentities in as
// browser sessions, then per step sends `presence.set` at a fixed rate of
// changes, alternating away / available with the send time in the note, and
// reads the NOTIFYs SIPp logged (one line per NOTIFY: arrival time and note)
// to report NOTIFYs/s, send -> NOTIFY latency and the time for one change to
// reach all its watchers. JSON + markdown to --out.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { kTick, cpuTicks, threadTicks, runqueueWaitNs, renice, setAutogroupNice, loadavg, loginAll } from '../ws/common.js';
import { Histogram } from '../rooms/histogram.js';
import { openAll, sendSigned } from '../ws/session.js';

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const wall = () => performance.timeOrigin + performance.now();

function parseArgs(argv) {
  const a = { base: null, pid: 0, sippPid: 0, sippLog: null, presentities: 10, watchers: 10000, password: 'bench-pw',
    duration: 10, drain: 5, ladder: '10000,20000,40000,60000,80000,100000,150000', out: null, loginConcurrency: 4, loginBudget: 0 };
  const strs = ['base', 'sippLog', 'ladder', 'out'];
  for (let i = 2; i < argv.length; i += 2) {
    const k = argv[i].replace(/^--/, '').replace(/-(\w)/g, (_, c) => c.toUpperCase());
    a[k] = strs.includes(k) ? argv[i + 1] : Number(argv[i + 1]);
  }
  if (!a.base || !a.pid || !a.sippPid || !a.sippLog || !a.out) throw new Error('usage: presence.js --base URL --pid PID --sipp-pid PID --sipp-log FILE --out DIR [...]');
  a.ladder = a.ladder.split(',').map(Number);
  a.users = a.presentities;
  a.userNames = Array.from({ length: a.presentities }, (_, i) => `p${i + 1}`);
  return a;
}

// Lines SIPp appended to its log since byte `from`: "N <sec> <usec> <note>".
function readNotifies(file, from) {
  const size = fs.statSync(file).size;
  if (size <= from) return { lines: [], end: from };
  const fd = fs.openSync(file, 'r');
  const buf = Buffer.alloc(size - from);
  fs.readSync(fd, buf, 0, buf.length, from);
  fs.closeSync(fd);
  const text = buf.toString('latin1');
  const cut = text.lastIndexOf('\n') + 1; // a half-written last line waits
  return { lines: text.slice(0, cut).split('\n').filter((l) => l.startsWith('N ')), end: from + cut };
}

const pctOf = (ticks, secs) => Math.round((ticks / kTick / secs) * 1000) / 10;

async function runStep(a, conns, step, changesPerS, logPos) {
  const perChange = a.watchers / a.presentities;
  const s0 = { t: wall(), srv: cpuTicks(`/proc/${a.pid}/stat`), thr: threadTicks(a.pid), wait: runqueueWaitNs(a.pid),
    sipp: cpuTicks(`/proc/${a.sippPid}/stat`), me: process.cpuUsage() };
  const load0 = loadavg();
  const total = Math.round(changesPerS * a.duration);
  let sent = 0;
  const end = s0.t + a.duration * 1000;
  await new Promise((resolve) => {
    const tick = () => {
      const t = wall();
      const due = Math.min(Math.floor(((Math.min(t, end) - s0.t) / 1000) * changesPerS), total);
      while (sent < due) {
        const c = conns[sent % conns.length];
        c.away = !c.away;
        sendSigned(c, { type: 'presence.set', status: c.away ? 'away' : 'available', note: `bench/${step}/${wall()}` });
        sent += 1;
      }
      if (t >= end) resolve();
      else setTimeout(tick, 2);
    };
    tick();
  });
  const e = { t: wall(), srv: cpuTicks(`/proc/${a.pid}/stat`), thr: threadTicks(a.pid), wait: runqueueWaitNs(a.pid),
    sipp: cpuTicks(`/proc/${a.sippPid}/stat`), me: process.cpuUsage(s0.me) };
  // Wait for the NOTIFYs to stop coming (SIPp's log stops growing).
  let lastSize = -1;
  const drainEnd = wall() + a.drain * 1000;
  while (wall() < drainEnd) {
    await sleep(500);
    const size = fs.statSync(a.sippLog).size;
    if (size === lastSize) break;
    lastSize = size;
  }
  const { lines, end: logEnd } = readNotifies(a.sippLog, logPos);
  const lat = new Histogram();
  const perChangeMax = new Map(); // sent time -> [count, latest arrival]
  let received = 0;
  let firstArrival = Infinity;
  let lastArrival = 0;
  const tag = `bench/${step}/`;
  for (const l of lines) {
    const [, sec, usec, note] = l.split(' ');
    if (!note || !note.startsWith(tag)) continue;
    const at = Number(sec) * 1000 + Number(usec) / 1000;
    const sentAt = note.slice(tag.length);
    received += 1;
    lat.add(at - Number(sentAt));
    if (at < firstArrival) firstArrival = at;
    if (at > lastArrival) lastArrival = at;
    const p = perChangeMax.get(sentAt);
    if (p) {
      p[0] += 1;
      if (at > p[1]) p[1] = at;
    } else perChangeMax.set(sentAt, [1, at]);
  }
  // Time from one change to its last watcher's NOTIFY, over the changes whose
  // NOTIFYs all arrived (later states replace pending ones: RFC 6665 §4.2.2).
  const allWatchers = new Histogram();
  for (const [sentAt, [count, last]] of perChangeMax) if (count >= perChange) allWatchers.add(last - Number(sentAt));
  const secs = (e.t - s0.t) / 1000;
  const thr = {};
  for (const [k, v] of Object.entries(e.thr)) {
    const p = pctOf(v - (s0.thr[k] || 0), secs);
    if (p >= 0.5) thr[k] = p;
  }
  return {
    logEnd,
    step: {
      step, changesOfferedPerS: changesPerS, changesSent: sent, watchersPerChange: perChange,
      notifiesOfferedPerS: Math.round(changesPerS * perChange), notifiesExpected: sent * perChange, notifiesReceived: received,
      notifiesPerS: Math.round((received * 1000) / (a.duration * 1000)),
      notifySpanS: received ? Math.round((lastArrival - firstArrival) / 10) / 100 : null,
      latencyMs: lat.summary(), changesFullyDelivered: allWatchers.n, changeToAllWatchersMs: allWatchers.summary(),
      serverCpuPct: pctOf(e.srv - s0.srv, secs), serverRunqueueWaitPct: Math.round(((e.wait - s0.wait) / 1e9 / secs) * 1000) / 10,
      serverThreadsCpuPct: thr, sippCpuPct: pctOf(e.sipp - s0.sipp, secs),
      driverCpuPct: Math.round(((e.me.user + e.me.system) / 1e6 / secs) * 1000) / 10,
      loadavgBefore: load0, loadavgAfter: loadavg(),
    },
  };
}

function markdown(r) {
  const L = [`# Presence run ${r.run}`, ''];
  L.push(`Machine: ${r.machine.cpus} CPUs, load average at start ${r.machine.loadavgStart.join(' ')}, at end ${r.machine.loadavgEnd.join(' ')}.`);
  L.push(`${r.watchers.toLocaleString('en')} SIPp watchers (one subscription each) of ${r.presentities} browser presentities (${r.watchers / r.presentities} watchers each); ${r.sessions} presentity sessions; steps of ${r.durationS} s.`);
  if (r.nice !== undefined) L.push(`Steps ran with the server, the driver and SIPp at nice ${r.nice}.`);
  L.push('', '| changes/s offered → sent | NOTIFY/s offered | NOTIFY/s received (of expected) | change → NOTIFY p50 / p99 / max (ms) | change → all watchers p50 / p99 (ms; changes counted) | server CPU (waited) | SIPp CPU | driver CPU |');
  L.push('|---|---|---|---|---|---|---|---|');
  for (const s of r.steps) {
    const l = s.latencyMs;
    const w = s.changeToAllWatchersMs;
    L.push(`| ${s.changesOfferedPerS} → ${Math.round(s.changesSent / r.durationS)} | ${s.notifiesOfferedPerS.toLocaleString('en')} | ${s.notifiesPerS.toLocaleString('en')} (${s.notifiesReceived} of ${s.notifiesExpected}) | ` +
      `${l.p50} / ${l.p99} / ${l.max} | ${w.p50} / ${w.p99} (${s.changesFullyDelivered} of ${s.changesSent}) | ${s.serverCpuPct}% (${s.serverRunqueueWaitPct}%) | ${s.sippCpuPct}% | ${s.driverCpuPct}% |`);
  }
  L.push('', 'Server threads per step (% of a core):');
  for (const s of r.steps) L.push(`- ${s.notifiesOfferedPerS}/s: ${JSON.stringify(s.serverThreadsCpuPct)}`);
  return `${L.join('\n')}\n`;
}

async function main() {
  const a = parseArgs(process.argv);
  fs.mkdirSync(a.out, { recursive: true });
  const log = (s) => console.log(`[presence ${new Date().toISOString().slice(11, 19)}] ${s}`);
  const result = { run: path.basename(a.out), watchers: a.watchers, presentities: a.presentities, durationS: a.duration,
    machine: { cpus: os.cpus().length, loadavgStart: loadavg() } };
  const lg = await loginAll(a, log);
  const conns = lg.sessions.map((x) => ({ ...x, ws: null, seq: 0, open: false, away: false }));
  const cfg = { base: a.base, origin: a.base, userAgent: 'parley-e2e/1' };
  const opened = await openAll(cfg, conns, 10, () => {}, () => {});
  result.sessions = opened.opened;
  log(`presentities: ${lg.sessions.length} logged in, ${opened.opened} WebSockets open; waiting for the online NOTIFYs`);
  let logPos = 0;
  await sleep(3000);
  logPos = readNotifies(a.sippLog, 0).end;
  const nice = process.env.PARLEY_BENCH_NICE;
  if (nice) {
    log(`reniced ${renice([a.pid, process.pid, a.sippPid], Number(nice))} threads to ${nice}`);
    result.nice = Number(nice);
  }
  result.steps = [];
  let step = 0;
  for (const notifies of a.ladder) {
    step += 1;
    const changes = Math.max(1, Math.round(notifies / (a.watchers / a.presentities)));
    log(`step ${step}: ${changes} changes/s = ${notifies} NOTIFY/s offered`);
    const r = await runStep(a, conns, step, changes, logPos);
    logPos = r.logEnd;
    const s = r.step;
    result.steps.push(s);
    log(`  NOTIFY ${s.notifiesPerS}/s (${s.notifiesReceived} of ${s.notifiesExpected}), p50/p99 ${s.latencyMs.p50}/${s.latencyMs.p99} ms, ` +
      `to all watchers p50/p99 ${s.changeToAllWatchersMs.p50}/${s.changeToAllWatchersMs.p99} ms (${s.changesFullyDelivered} changes), server ${s.serverCpuPct}% (waited ${s.serverRunqueueWaitPct}%), sipp ${s.sippCpuPct}%`);
    fs.writeFileSync(path.join(a.out, 'result.json'), `${JSON.stringify(result, null, 1)}\n`);
    if (s.notifiesReceived < s.notifiesExpected * 0.9) break;
    await sleep(2000);
  }
  if (nice) setAutogroupNice(a.pid, 0);
  result.machine.loadavgEnd = loadavg();
  fs.writeFileSync(path.join(a.out, 'result.json'), `${JSON.stringify(result, null, 1)}\n`);
  fs.writeFileSync(path.join(a.out, 'summary.md'), markdown(result));
  for (const c of conns) c.ws?.terminate();
  log(`wrote ${a.out}/summary.md`);
  process.exit(0);
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
