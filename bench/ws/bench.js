// Coordinator of the WebSocket load benchmark (bench/ws/run.sh starts it
// against a running parley): logs N users in, hands the sessions to worker
// processes (worker.js) that open and hold the WebSockets, measures the
// server's memory before and after, then runs one step per offered message
// rate and writes results (JSON + a markdown table) to --out.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { performance } from 'node:perf_hooks';
import { kTick, memOf, cpuTicks, threadTicks, runqueueWaitNs, renice, setAutogroupNice, loadavg, summarize, loginAll, startWorkers } from './common.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const now = () => performance.now();
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

function parseArgs(argv) {
  const a = {
    base: null,
    pid: 0,
    users: 1000,
    password: 'bench-pw',
    workers: 2,
    rates: [1000, 2000, 5000],
    duration: 20,
    drain: 12,
    loginConcurrency: 8,
    loginBudget: 0, // seconds; 0 = log everybody in
    openConcurrency: 200,
    out: null,
  };
  for (let i = 2; i < argv.length; i += 2) {
    const k = argv[i].replace(/^--/, '');
    const v = argv[i + 1];
    if (k === 'rates') a.rates = v.split(',').map(Number);
    else if (['pid', 'users', 'workers', 'duration', 'drain', 'login-concurrency', 'open-concurrency', 'login-budget'].includes(k))
      a[k.replace(/-(\w)/g, (_, c) => c.toUpperCase())] = Number(v);
    else a[k] = v;
  }
  if (!a.base || !a.pid || !a.out) throw new Error('usage: bench.js --base URL --pid PID --users N --out DIR [...]');
  return a;
}

// ---- workers ----

const workerTicks = (workers) => workers.map((w) => cpuTicks(`/proc/${w.child.pid}/stat`));

async function counters(workers) {
  const all = await Promise.all(workers.map((w) => w.ask({ cmd: 'counters' }, 'counters')));
  const sum = { open: 0, presence: 0, hello: 0, errors: {}, closes: {}, outCopies: 0 };
  for (const c of all) {
    sum.open += c.open;
    sum.presence += c.presence;
    sum.hello += c.hello;
    sum.outCopies += c.outCopies;
    for (const [k, v] of Object.entries(c.errors)) sum.errors[k] = (sum.errors[k] || 0) + v;
    for (const [k, v] of Object.entries(c.closes)) sum.closes[k] = (sum.closes[k] || 0) + v;
  }
  return sum;
}

// Waits until the server is quiet: the presence frames stop coming and the
// server uses under 5% of a core over a second.
async function settle(a, workers, maxS) {
  const t0 = now();
  let last = -1;
  while (now() - t0 < maxS * 1000) {
    const c0 = cpuTicks(`/proc/${a.pid}/stat`);
    await sleep(1000);
    const c1 = cpuTicks(`/proc/${a.pid}/stat`);
    const c = await counters(workers);
    if (c.presence === last && c1 - c0 <= 5) return { ms: now() - t0, ...c };
    last = c.presence;
  }
  return { ms: now() - t0, timedOut: true, ...(await counters(workers)) };
}

async function runStep(a, workers, step, rate) {
  const perWorker = rate / workers.length;
  const srv0 = cpuTicks(`/proc/${a.pid}/stat`);
  const thr0 = threadTicks(a.pid);
  const wk0 = workerTicks(workers);
  const wait0 = runqueueWaitNs(a.pid);
  const load0 = loadavg();
  const t0 = now();
  // CPU is measured over the sending window: it ends when every worker has
  // sent its share (then they wait for the last statuses).
  const sendDone = Promise.all(workers.map((w) => w.expect('sendDone'))).then(() => ({
    t: now(),
    srv: cpuTicks(`/proc/${a.pid}/stat`),
    thr: threadTicks(a.pid),
    wk: workerTicks(workers),
    wait: runqueueWaitNs(a.pid),
  }));
  const results = await Promise.all(
    workers.map((w) => w.ask({ cmd: 'step', step, rate: perWorker, durationS: a.duration, drainS: a.drain }, 'stepDone')),
  );
  const sendEndTicks = await sendDone;
  const recv = await Promise.all(workers.map((w) => w.ask({ cmd: 'recv', step }, 'recv')));
  const e = sendEndTicks;
  const secs = (e.t - t0) / 1000;
  const sent = results.reduce((x, r) => x + r.sent, 0);
  const sendMs = Math.max(...results.map((r) => r.sendMs));
  const received = recv.reduce((x, r) => x + r.received, 0);
  const failedCodes = {};
  for (const r of results) for (const [k, v] of Object.entries(r.failedCodes)) failedCodes[k] = (failedCodes[k] || 0) + v;
  const thr = {};
  for (const [k, v] of Object.entries(e.thr)) thr[k] = Math.round(((v - (thr0[k] || 0)) / kTick / secs) * 1000) / 10;
  return {
    step,
    offeredPerS: rate,
    sent,
    sentPerS: Math.round((sent * 1000) / sendMs),
    received,
    receivedPerS: Math.round((received * 1000) / sendMs),
    delivered: results.reduce((x, r) => x + r.delivered, 0),
    failed: results.reduce((x, r) => x + r.failed, 0),
    failedCodes,
    missingStatus: results.reduce((x, r) => x + r.missing, 0),
    notReceived: sent - received,
    sendErrors: results.reduce((x, r) => x + r.sendErrors, 0),
    lateStatus: recv.reduce((x, r) => x + r.lateStatus, 0),
    latencyMessageMs: summarize(recv.flatMap((r) => r.recvLat)),
    latencyStatusMs: summarize(results.flatMap((r) => r.statusLat)),
    serverCpuPct: Math.round(((e.srv - srv0) / kTick / secs) * 1000) / 10,
    serverRunqueueWaitPct: Math.round(((e.wait - wait0) / 1e9 / secs) * 1000) / 10,
    serverThreadsCpuPct: Object.fromEntries(Object.entries(thr).filter(([, v]) => v >= 0.5)),
    generatorCpuPct: e.wk.map((v, i) => Math.round(((v - wk0[i]) / kTick / secs) * 1000) / 10),
    loadavgBefore: load0,
    loadavgAfter: loadavg(),
  };
}

function markdown(r) {
  const L = [];
  const kib = (x) => `${(x / 1024).toFixed(1)} MiB`;
  L.push(`# WebSocket benchmark run ${r.run} (N = ${r.users.toLocaleString('en')})`, '');
  L.push(`Machine: ${r.machine.cpus} CPUs, load average at start ${r.machine.loadavgStart.join(' ')}, at end ${r.machine.loadavgEnd.join(' ')}.`);
  L.push(`Generator: ${r.workers} Node worker processes + coordinator, everything on 127.0.0.1.`, '');
  const lg = r.logins;
  L.push(`Logins: ${lg.ok.toLocaleString('en')} of ${r.users.toLocaleString('en')} in ${(lg.ms / 1000).toFixed(1)} s = ${lg.perSecond.toFixed(1)}/s ` +
    `(concurrency ${r.loginConcurrency}${lg.stoppedByBudget ? `; **stopped by the login time budget of ${r.loginBudget} s**` : ''}; latency p50 ${lg.latency.p50} ms, p99 ${lg.latency.p99} ms; 429/503 retries ${lg.retries429}; failures ${JSON.stringify(lg.failures)}).`);
  const o = r.open;
  L.push(`WebSockets: ${o.opened.toLocaleString('en')} opened with hello in ${(o.ms / 1000).toFixed(1)} s; settled after ${(r.settle.ms / 1000).toFixed(1)} s more; ` +
    `presence frames received while opening: ${r.settle.presence.toLocaleString('en')}; failures ${JSON.stringify(o.failures)}.`, '');
  const m0 = r.memory.before;
  const m1 = r.memory.idle;
  L.push('| server memory | RSS | PSS |', '|---|---|---|');
  L.push(`| before logins (users loaded) | ${kib(m0.rssKiB)} | ${kib(m0.pssKiB)} |`);
  L.push(`| ${r.memory.sessions.toLocaleString('en')} idle sessions with open WebSocket | ${kib(m1.rssKiB)} | ${kib(m1.pssKiB)} |`);
  L.push(`| **per idle session** | ${r.memory.perSessionRssB.toLocaleString('en')} B | ${r.memory.perSessionPssB.toLocaleString('en')} B |`, '');
  if (r.nice !== undefined) L.push(`Message steps with the server and the generator (threads and autogroup) at nice ${r.nice}: the machine is shared with other people's builds.`, '');
  L.push('| offered msg/s | sent/s | received/s | send→message p50 / p99 (ms) | send→status p50 / p99 (ms) | delivered | failed | missing | server CPU | server waiting for a CPU | generator CPU (per process) | sessions held after | load avg |');
  L.push('|---|---|---|---|---|---|---|---|---|---|---|---|---|');
  for (const s of r.steps) {
    L.push(`| ${s.offeredPerS} | ${s.sentPerS} | ${s.receivedPerS} | ${s.latencyMessageMs.p50} / ${s.latencyMessageMs.p99} | ` +
      `${s.latencyStatusMs.p50} / ${s.latencyStatusMs.p99} | ${s.delivered} | ${s.failed}${Object.keys(s.failedCodes).length ? ` ${JSON.stringify(s.failedCodes)}` : ''} | ` +
      `${s.missingStatus} status, ${s.notReceived} message | ${s.serverCpuPct}% | ${s.serverRunqueueWaitPct}% | ${s.generatorCpuPct.map((x) => `${x}%`).join(' + ')} | ${s.heldAfter} | ${s.loadavgBefore[0]}→${s.loadavgAfter[0]} |`);
  }
  L.push('', 'Server threads during each step (% of a core): ');
  for (const s of r.steps) L.push(`- ${s.offeredPerS}/s: ${JSON.stringify(s.serverThreadsCpuPct)}`);
  return `${L.join('\n')}\n`;
}

async function main() {
  const a = parseArgs(process.argv);
  fs.mkdirSync(a.out, { recursive: true });
  const log = (s) => console.log(`[bench ${new Date().toISOString().slice(11, 19)}] ${s}`);
  const result = {
    run: path.basename(a.out),
    users: a.users,
    workers: a.workers,
    loginConcurrency: a.loginConcurrency,
    loginBudget: a.loginBudget,
    durationS: a.duration,
    machine: { cpus: os.cpus().length, loadavgStart: loadavg() },
  };
  const before = memOf(a.pid);
  log(`server memory before logins: RSS ${before.rssKiB} KiB, PSS ${before.pssKiB} KiB`);

  log(`logging in ${a.users} users, concurrency ${a.loginConcurrency}`);
  const srvLogin0 = cpuTicks(`/proc/${a.pid}/stat`);
  const lg = await loginAll(a, log);
  result.logins = { ok: lg.sessions.length, stoppedByBudget: lg.stoppedByBudget, ms: lg.ms, perSecond: lg.perSecond, latency: lg.latency, failures: lg.failures, retries429: lg.retries429,
    serverCpuPct: Math.round(((cpuTicks(`/proc/${a.pid}/stat`) - srvLogin0) / kTick / (lg.ms / 1000)) * 1000) / 10 };
  log(`logins: ${lg.sessions.length} in ${(lg.ms / 1000).toFixed(1)} s (${lg.perSecond.toFixed(1)}/s), failures ${JSON.stringify(lg.failures)}`);

  const workers = startWorkers(path.join(here, 'worker.js'), a, lg.sessions);
  const base = { base: a.base, origin: a.base, userAgent: 'parley-e2e/1', targets: lg.sessions.map((x) => x.user), openConcurrency: Math.ceil(a.openConcurrency / a.workers) };
  log(`opening ${lg.sessions.length} WebSockets in ${a.workers} workers`);
  const opened = await Promise.all(workers.map((w) => w.ask({ cmd: 'init', cfg: { ...base, sessions: w.slice } }, 'opened')));
  result.open = { opened: opened.reduce((x, o) => x + o.opened, 0), ms: Math.max(...opened.map((o) => o.ms)), failures: {} };
  for (const o of opened) for (const [k, v] of Object.entries(o.failures)) result.open.failures[k] = (result.open.failures[k] || 0) + v;
  log(`opened ${result.open.opened} (hello) in ${(result.open.ms / 1000).toFixed(1)} s; failures ${JSON.stringify(result.open.failures)}; settling`);
  result.settle = await settle(a, workers, 600);
  log(`settled after ${(result.settle.ms / 1000).toFixed(1)} s: ${JSON.stringify(result.settle)}`);

  const idle = memOf(a.pid);
  const held = result.settle.open;
  result.memory = {
    before,
    idle,
    sessions: held,
    perSessionRssB: Math.round(((idle.rssKiB - before.rssKiB) * 1024) / held),
    perSessionPssB: Math.round(((idle.pssKiB - before.pssKiB) * 1024) / held),
  };
  log(`memory per idle session: RSS ${result.memory.perSessionRssB} B, PSS ${result.memory.perSessionPssB} B`);

  const nice = process.env.PARLEY_BENCH_NICE;
  if (nice) {
    const n = renice([a.pid, process.pid, ...workers.map((w) => w.child.pid)], Number(nice));
    result.nice = Number(nice);
    log(`reniced ${n} threads (server, generator) and their autogroup to ${nice} for the message steps`);
  }
  result.steps = [];
  for (let i = 0; i < a.rates.length; i++) {
    log(`step ${i + 1}: ${a.rates[i]} msg/s for ${a.duration} s`);
    const s = await runStep(a, workers, i + 1, a.rates[i]);
    s.heldAfter = (await counters(workers)).open;
    result.steps.push(s);
    log(`  sent ${s.sentPerS}/s, received ${s.receivedPerS}/s, message p50/p99 ${s.latencyMessageMs.p50}/${s.latencyMessageMs.p99} ms, ` +
      `status p50/p99 ${s.latencyStatusMs.p50}/${s.latencyStatusMs.p99} ms, failed ${s.failed}, missing ${s.missingStatus}, server CPU ${s.serverCpuPct}% (waited ${s.serverRunqueueWaitPct}%), generator ${s.generatorCpuPct.join('+')}%, held ${s.heldAfter}`);
    fs.writeFileSync(path.join(a.out, 'result.json'), `${JSON.stringify(result, null, 1)}\n`);
    await sleep(2000);
  }
  if (nice) setAutogroupNice(a.pid, 0);
  result.finalCounters = await counters(workers);
  result.memory.afterSteps = memOf(a.pid);
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
