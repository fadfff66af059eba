// Coordinator of the room fan-out benchmark (bench/rooms/run.sh starts it
// against a running parley with the rooms already provisioned): logs the
// users in once, hands the sessions to worker processes (worker.js), then,
// for each room, steps the offered post rate up until a step fails (p99 send
// -> room.message >= the target, lost or failed posts, or the rate not
// reached), and reports deliveries/s, latency, history rows written/s, and
// for a room with SIP devices the MESSAGEs SIPp answered. JSON + markdown to
// --out.
import { execFileSync, spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { performance } from 'node:perf_hooks';
import { kTick, cpuTicks, threadTicks, runqueueWaitNs, renice, setAutogroupNice, loadavg, loginAll, startWorkers } from '../ws/common.js';
import { Histogram } from './histogram.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const now = () => performance.now();
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

function parseArgs(argv) {
  const a = {
    base: null, pid: 0, users: 1000, password: 'bench-pw', workers: 2, duration: 10, drain: 5,
    loginConcurrency: 8, loginBudget: 0, openConcurrency: 200, out: null, db: null,
    // room:browser members[:sip devices]; browsers are u1..uB, devices d1..dK
    rooms: 'r10:10,r100:100,r1000:1000',
    // offered deliveries per second (posts/s x members), stepped up per room
    ladder: '5000,10000,20000,40000,60000,80000,100000,120000,150000,175000,200000,250000,300000',
    p99Target: 100, sippPid: 0, sippStat: null, perfDir: null, batch: 1,
  };
  const nums = ['pid', 'users', 'workers', 'duration', 'drain', 'login-concurrency', 'open-concurrency', 'login-budget', 'p99-target', 'sipp-pid', 'batch'];
  for (let i = 2; i < argv.length; i += 2) {
    const k = argv[i].replace(/^--/, '');
    const key = k.replace(/-(\w)/g, (_, c) => c.toUpperCase());
    a[key] = nums.includes(k) ? Number(argv[i + 1]) : argv[i + 1];
  }
  if (a.perfDir) fs.mkdirSync(a.perfDir, { recursive: true });
  if (!a.base || !a.pid || !a.out || !a.db) throw new Error('usage: rooms.js --base URL --pid PID --users N --db FILE --out DIR [...]');
  a.ladder = a.ladder.split(',').map(Number);
  a.rooms = a.rooms.split(',').map((r) => {
    const [name, browsers, devices] = r.split(':');
    return { name, browsers: Number(browsers), devices: Number(devices || 0) };
  });
  return a;
}

const messageRows = (db) => Number(execFileSync('sqlite3', [db, 'SELECT count(*) FROM messages'], { encoding: 'utf8' }).trim());

// SIPp's -trace_stat file: the cumulative count of answered MESSAGEs (each
// incoming MESSAGE is one UAS call that ends after its 200).
function sippAnswered(file) {
  if (!file || !fs.existsSync(file)) return null;
  const lines = fs.readFileSync(file, 'utf8').trim().split('\n');
  if (lines.length < 2) return 0;
  const head = lines[0].split(';');
  const last = lines[lines.length - 1].split(';');
  return Number(last[head.indexOf('SuccessfulCall(C)')]);
}

async function counters(workers) {
  const all = await Promise.all(workers.map((w) => w.ask({ cmd: 'counters' }, 'counters')));
  const closes = {};
  for (const c of all) for (const [k, v] of Object.entries(c.closes)) closes[k] = (closes[k] || 0) + v;
  return { open: all.reduce((x, c) => x + c.open, 0), openUsers: new Set(all.flatMap((c) => c.openUsers)), closes,
    presence: all.reduce((x, c) => x + c.presence, 0), unknown: all.reduce((x, c) => x + c.unknown, 0) };
}

function snapshot(a, workers) {
  return { t: now(), srv: cpuTicks(`/proc/${a.pid}/stat`), thr: threadTicks(a.pid), wait: runqueueWaitNs(a.pid),
    wk: workers.map((w) => cpuTicks(`/proc/${w.child.pid}/stat`)), sipp: a.sippPid ? cpuTicks(`/proc/${a.sippPid}/stat`) : 0 };
}

const pctOf = (ticks, secs) => Math.round((ticks / kTick / secs) * 1000) / 10;

async function runStep(a, workers, step, room, postsPerS, openUsers) {
  const members = [];
  for (let i = 1; i <= room.browsers; i++) members.push(`u${i}`);
  const receivers = members.filter((u) => openUsers.has(u)).length;
  const rows0 = messageRows(a.db);
  const sip0 = room.devices ? sippAnswered(a.sippStat) : null;
  const s0 = snapshot(a, workers);
  const load0 = loadavg();
  const sendDone = Promise.all(workers.map((w) => w.expect('sendDone'))).then(() => snapshot(a, workers));
  // --perf-dir: a profile of the server over the middle of every step
  // (perf costs CPU: profiling runs are not measuring runs).
  const perf = a.perfDir ? spawn('perf', ['record', '-F', '999', '-g', '-p', String(a.pid), '-o', path.join(a.perfDir, `step-${step}-${room.name}-${postsPerS}.perf`),
    '--', 'sleep', String(Math.max(1, a.duration - 2))], { stdio: 'ignore' }) : null;
  const results = await Promise.all(workers.map((w) => w.ask(
    { cmd: 'step', step, room: room.name, members, rate: postsPerS / workers.length, durationS: a.duration, drainS: a.drain }, 'stepDone')));
  const e = await sendDone;
  if (perf && perf.exitCode === null) await new Promise((r) => perf.on('exit', r));
  await sleep(room.devices ? 2500 : 300); // SIPp writes its statistics once a second
  const recv = await Promise.all(workers.map((w) => w.ask({ cmd: 'recv', step }, 'recv')));
  const secs = (e.t - s0.t) / 1000;
  const sendMs = Math.max(...results.map((r) => r.sendMs));
  const sent = results.reduce((x, r) => x + r.sent, 0);
  const delivered = results.reduce((x, r) => x + r.delivered, 0);
  const received = recv.reduce((x, r) => x + r.received, 0);
  const recvLat = new Histogram();
  const statusLat = new Histogram();
  for (const r of recv) recvLat.merge(r.recvLat);
  for (const r of results) statusLat.merge(r.statusLat);
  const failedCodes = {};
  for (const r of results) for (const [k, v] of Object.entries(r.failedCodes)) failedCodes[k] = (failedCodes[k] || 0) + v;
  const rows = messageRows(a.db) - rows0;
  const sipAnswered = room.devices ? sippAnswered(a.sippStat) - sip0 : null;
  const thr = {};
  for (const [k, v] of Object.entries(e.thr)) {
    const p = pctOf(v - (s0.thr[k] || 0), secs);
    if (p >= 0.5) thr[k] = p;
  }
  const expected = delivered * receivers;
  return {
    step, room: room.name, members: room.browsers + room.devices, browserReceivers: receivers, sipDevices: room.devices,
    offeredPostsPerS: postsPerS, offeredDeliveriesPerS: postsPerS * (receivers + room.devices),
    sent, sentPerS: Math.round((sent * 1000) / sendMs), delivered, failed: results.reduce((x, r) => x + r.failed, 0), failedCodes,
    missingStatus: results.reduce((x, r) => x + r.missing, 0), sendErrors: results.reduce((x, r) => x + r.sendErrors, 0),
    received, expectedReceived: expected, notReceived: expected - received,
    receivedPerS: Math.round((received * 1000) / sendMs),
    latencyDeliveryMs: recvLat.summary(), latencyStatusMs: statusLat.summary(),
    storedRows: rows, storedPerS: Math.round((rows * 1000) / sendMs),
    sipAnswered, sipExpected: room.devices ? delivered * room.devices : null,
    sipPerS: room.devices ? Math.round((sipAnswered * 1000) / sendMs) : null,
    serverCpuPct: pctOf(e.srv - s0.srv, secs), serverRunqueueWaitPct: Math.round(((e.wait - s0.wait) / 1e9 / secs) * 1000) / 10,
    serverThreadsCpuPct: thr, generatorCpuPct: e.wk.map((v, i) => pctOf(v - s0.wk[i], secs)),
    sippCpuPct: a.sippPid && room.devices ? pctOf(e.sipp - s0.sipp, secs) : null,
    loadavgBefore: load0, loadavgAfter: loadavg(),
  };
}

function passed(a, s) {
  const reasons = [];
  if (s.latencyDeliveryMs.p99 === null || s.latencyDeliveryMs.p99 >= a.p99Target) reasons.push(`p99 ${s.latencyDeliveryMs.p99} ms`);
  if (s.failed > 0 || s.sendErrors > 0) reasons.push(`${s.failed} failed`);
  if (s.missingStatus > 0) reasons.push(`${s.missingStatus} without status`);
  if (s.notReceived > s.expectedReceived * 0.001) reasons.push(`${s.notReceived} room.message missing`);
  if (s.sipExpected !== null && s.sipAnswered < s.sipExpected * 0.999) reasons.push(`SIP ${s.sipAnswered} of ${s.sipExpected}`);
  if (s.sentPerS < s.offeredPostsPerS * 0.95) reasons.push(`sent ${s.sentPerS}/s`);
  const closed = Object.values(s.socketsClosed || {}).reduce((x, v) => x + v, 0);
  if (closed) reasons.push(`${closed} sockets closed by the server`);
  return reasons;
}

function markdown(r) {
  const L = [`# Room fan-out run ${r.run}`, ''];
  L.push(`Machine: ${r.machine.cpus} CPUs, load average at start ${r.machine.loadavgStart.join(' ')}, at end ${r.machine.loadavgEnd.join(' ')}.`);
  L.push(`Sessions: ${r.logins.ok} logged in (${r.logins.perSecond.toFixed(1)}/s), ${r.open.opened} WebSockets held${r.batch ? ' with batch=1 (frames queued behind a write come in one message, as the browser app asks)' : ' without batch=1 (one message per frame)'}; ${r.workers} generator processes; steps of ${r.durationS} s.`);
  if (r.nice !== undefined) L.push(`Steps ran with the server, the generator${r.sippPid ? ' and SIPp' : ''} at nice ${r.nice} (threads and autogroup).`);
  L.push('', `Pass: p99 send → room.message < ${r.p99Target} ms, no failed post, < 0.1% room.message missing, ≥ 95% of the offered posts sent.`, '');
  L.push('| room | members (browsers + SIP) | posts/s offered → sent | room.message/s received | SIP MESSAGE/s answered | delivery p50 / p99 / max (ms) | post → status p99 (ms) | history rows/s | failed / missing | server CPU (waited) | generator CPU | pass |');
  L.push('|---|---|---|---|---|---|---|---|---|---|---|---|');
  for (const s of r.steps) {
    const d = s.latencyDeliveryMs;
    L.push(`| ${s.room} | ${s.browserReceivers} + ${s.sipDevices} | ${s.offeredPostsPerS} → ${s.sentPerS} | ${s.receivedPerS.toLocaleString('en')} | ${s.sipPerS ?? '-'} | ` +
      `${d.p50} / ${d.p99} / ${d.max} | ${s.latencyStatusMs.p99} | ${s.storedPerS} | ${s.failed}${Object.keys(s.failedCodes).length ? ` ${JSON.stringify(s.failedCodes)}` : ''} / ${s.notReceived}${s.sipExpected !== null ? `, SIP ${s.sipExpected - s.sipAnswered}` : ''}${Object.keys(s.socketsClosed).length ? `; sockets closed ${JSON.stringify(s.socketsClosed)}` : ''} | ` +
      `${s.serverCpuPct}% (${s.serverRunqueueWaitPct}%) | ${s.generatorCpuPct.map((x) => `${x}%`).join(' + ')}${s.sippCpuPct !== null ? `, SIPp ${s.sippCpuPct}%` : ''} | ${s.pass.length ? `no: ${s.pass.join(', ')}` : 'yes'} |`);
  }
  L.push('', '| room | highest passing step: room.message/s (posts/s) | p99 (ms) | history rows/s |', '|---|---|---|---|');
  for (const b of r.best) L.push(`| ${b.room} | ${b.step ? `${b.step.receivedPerS.toLocaleString('en')} (${b.step.sentPerS})` : 'none'} | ${b.step ? b.step.latencyDeliveryMs.p99 : '-'} | ${b.step ? b.step.storedPerS : '-'} |`);
  L.push('', 'Server threads per step (% of a core):');
  for (const s of r.steps) L.push(`- ${s.room} ${s.offeredPostsPerS}/s: ${JSON.stringify(s.serverThreadsCpuPct)}`);
  return `${L.join('\n')}\n`;
}

async function main() {
  const a = parseArgs(process.argv);
  fs.mkdirSync(a.out, { recursive: true });
  const log = (s) => console.log(`[rooms ${new Date().toISOString().slice(11, 19)}] ${s}`);
  const result = { run: path.basename(a.out), users: a.users, workers: a.workers, durationS: a.duration, p99Target: a.p99Target,
    sippPid: a.sippPid, machine: { cpus: os.cpus().length, loadavgStart: loadavg() } };
  log(`logging in ${a.users} users`);
  const lg = await loginAll(a, log);
  result.logins = { ok: lg.sessions.length, ms: lg.ms, perSecond: lg.perSecond, failures: lg.failures };
  log(`logins: ${lg.sessions.length} in ${(lg.ms / 1000).toFixed(1)} s, failures ${JSON.stringify(lg.failures)}`);
  const workers = startWorkers(path.join(here, 'worker.js'), a, lg.sessions);
  const base = { base: a.base, origin: a.base, userAgent: 'parley-e2e/1', openConcurrency: Math.ceil(a.openConcurrency / a.workers), batch: a.batch === 1 };
  result.batch = a.batch === 1;
  const opened = await Promise.all(workers.map((w) => w.ask({ cmd: 'init', cfg: { ...base, sessions: w.slice } }, 'opened')));
  result.open = { opened: opened.reduce((x, o) => x + o.opened, 0), failures: opened.map((o) => o.failures) };
  log(`opened ${result.open.opened} WebSockets; letting presence settle`);
  await sleep(3000);

  const nice = process.env.PARLEY_BENCH_NICE;
  if (nice) {
    const pids = [a.pid, process.pid, ...workers.map((w) => w.child.pid)];
    if (a.sippPid) pids.push(a.sippPid);
    log(`reniced ${renice(pids, Number(nice))} threads to ${nice}`);
    result.nice = Number(nice);
  }
  result.steps = [];
  result.best = [];
  let step = 0;
  for (const room of a.rooms) {
    const re = await Promise.all(workers.map((w) => w.ask({ cmd: 'reopen' }, 'reopened')));
    const tried = re.reduce((x, r) => x + r.tried, 0);
    if (tried) log(`reopened ${re.reduce((x, r) => x + r.opened, 0)} of ${tried} sessions the server had closed`);
    const { openUsers } = await counters(workers);
    let best = null;
    for (const deliveries of a.ladder) {
      const posts = Math.max(1, Math.round(deliveries / (room.browsers + room.devices)));
      step += 1;
      log(`step ${step}: room ${room.name} (${room.browsers} + ${room.devices} SIP), ${posts} posts/s = ${deliveries} deliveries/s offered`);
      const closes0 = (await counters(workers)).closes;
      const s = await runStep(a, workers, step, room, posts, openUsers);
      const closes1 = (await counters(workers)).closes;
      s.socketsClosed = Object.fromEntries(Object.entries(closes1).map(([k, v]) => [k, v - (closes0[k] || 0)]).filter(([, v]) => v > 0));
      s.pass = passed(a, s);
      result.steps.push(s);
      log(`  sent ${s.sentPerS}/s, room.message ${s.receivedPerS}/s (missing ${s.notReceived}), SIP ${s.sipPerS ?? '-'}/s, p50/p99 ${s.latencyDeliveryMs.p50}/${s.latencyDeliveryMs.p99} ms, ` +
        `rows ${s.storedPerS}/s, failed ${s.failed} ${JSON.stringify(s.failedCodes)}, server ${s.serverCpuPct}% (waited ${s.serverRunqueueWaitPct}%), gen ${s.generatorCpuPct.join('+')}%` +
        `${s.sippCpuPct !== null ? `, sipp ${s.sippCpuPct}%` : ''}, closed ${JSON.stringify(s.socketsClosed)}: ${s.pass.length ? `FAIL (${s.pass.join(', ')})` : 'pass'}`);
      fs.writeFileSync(path.join(a.out, 'result.json'), `${JSON.stringify(result, null, 1)}\n`);
      if (s.pass.length) break;
      best = s;
      await sleep(1500);
    }
    result.best.push({ room: room.name, step: best });
    await sleep(3000); // let a failed step's backlog drain before the next room
  }
  if (nice) setAutogroupNice(a.pid, 0);
  result.machine.loadavgEnd = loadavg();
  fs.writeFileSync(path.join(a.out, 'result.json'), `${JSON.stringify(result, null, 1)}\n`);
  fs.writeFileSync(path.join(a.out, 'summary.md'), markdown(result));
  await Promise.all(workers.map((w) => w.ask({ cmd: 'close' }, 'closed')));
  log(`wrote ${a.out}/summary.md`);
  process.exit(0);
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
