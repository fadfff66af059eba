// Shared by the WebSocket load generators (bench/ws, bench/rooms,
// bench/presence): /proc readings of the server and the generator, latency
// percentiles, renicing for shared machines, logging N users in, and the
// generator processes.
import { execFileSync, fork } from 'node:child_process';
import fs from 'node:fs';
import { performance } from 'node:perf_hooks';
import { rawRequest, sendRaw } from '../../tests/e2e/lib/signer.js';

const now = () => performance.now();
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

// ---- /proc readings ----

export const kTick = 100; // USER_HZ on Linux

export function memOf(pid) {
  const t = fs.readFileSync(`/proc/${pid}/smaps_rollup`, 'utf8');
  const kb = (name) => Number((t.match(new RegExp(`^${name}:\\s+(\\d+) kB`, 'm')) || [0, 0])[1]);
  return { rssKiB: kb('Rss'), pssKiB: kb('Pss'), anonKiB: kb('Anonymous') };
}

export function cpuTicks(statPath) {
  try {
    const s = fs.readFileSync(statPath, 'utf8');
    const f = s.slice(s.lastIndexOf(')') + 2).split(' ');
    return Number(f[11]) + Number(f[12]); // utime + stime (fields 14, 15)
  } catch {
    return 0;
  }
}

// Per-thread CPU ticks of a process: {"comm/tid": ticks}.
export function threadTicks(pid) {
  const out = {};
  for (const tid of fs.readdirSync(`/proc/${pid}/task`)) {
    let comm = '?';
    try {
      comm = fs.readFileSync(`/proc/${pid}/task/${tid}/comm`, 'utf8').trim();
    } catch {
      continue;
    }
    out[`${comm}/${tid}`] = cpuTicks(`/proc/${pid}/task/${tid}/stat`);
  }
  return out;
}

// Nanoseconds the process's threads spent runnable but waiting for a CPU
// (/proc/PID/task/TID/schedstat, second field): how much a busy machine
// held the server back.
export function runqueueWaitNs(pid) {
  let sum = 0;
  for (const tid of fs.readdirSync(`/proc/${pid}/task`)) {
    try {
      sum += Number(fs.readFileSync(`/proc/${pid}/task/${tid}/schedstat`, 'utf8').split(' ')[1]);
    } catch {
      // thread gone
    }
  }
  return sum;
}

// Gives the server's and the generator's threads the nice value `nice`
// (PARLEY_BENCH_NICE) for the message steps, so other people's batch jobs on
// a shared machine do not decide the latencies. Needs root for values < 0.
export function renice(pids, nice) {
  const tids = [];
  for (const pid of pids) for (const tid of fs.readdirSync(`/proc/${pid}/task`)) tids.push(tid);
  execFileSync('renice', ['-n', String(nice), '-p', ...tids], { stdio: 'ignore' });
  // With autogroup scheduling, CPU is first shared between sessions (each
  // build someone started is one): the nice of the server's group counts.
  setAutogroupNice(pids[0], nice);
  return tids.length;
}

export function setAutogroupNice(pid, nice) {
  try {
    fs.writeFileSync(`/proc/${pid}/autogroup`, String(nice));
  } catch {
    // no autogroup scheduling, or not allowed
  }
}

export function loadavg() {
  return fs.readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).map(Number);
}

export function pct(sorted, p) {
  if (sorted.length === 0) return null;
  const i = Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1);
  return sorted[Math.max(0, i)];
}

export function summarize(lat) {
  const s = Float64Array.from(lat).sort();
  const r = (x) => (x === null ? null : Math.round(x * 100) / 100);
  return { n: s.length, p50: r(pct(s, 50)), p90: r(pct(s, 90)), p99: r(pct(s, 99)), max: r(pct(s, 100)) };
}

// ---- logins ----

export async function loginAll(a, log) {
  const sessions = new Array(a.users);
  const lat = [];
  const failures = {};
  let retries429 = 0;
  let next = 0;
  const t0 = now();
  let lastReport = t0;
  const one = async (i) => {
    const user = a.userNames ? a.userNames[i] : `u${i + 1}`;
    const body = JSON.stringify({ user, password: a.password });
    for (let attempt = 0; attempt < 20; attempt++) {
      const t = now();
      let res;
      try {
        res = await sendRaw(a.base, rawRequest(a.base, 'POST', '/api/v1/login', {}, body), 120000);
      } catch (err) {
        failures[err.code || err.message] = (failures[err.code || err.message] || 0) + 1;
        await sleep(500);
        continue;
      }
      if (res.status === 200) {
        lat.push(now() - t);
        sessions[i] = { user, id: res.json.session_id, key: res.json.session_key };
        return;
      }
      if (res.status === 429 || res.status === 503) {
        retries429 += 1;
        await sleep(1000 * Number(res.headers['retry-after'] || 1));
        continue;
      }
      failures[`HTTP ${res.status}`] = (failures[`HTTP ${res.status}`] || 0) + 1;
      return;
    }
  };
  const runner = async () => {
    while (next < a.users) {
      if (a.loginBudget > 0 && now() - t0 > a.loginBudget * 1000) return;
      const i = next++;
      await one(i);
      const t = now();
      if (t - lastReport > 10000) {
        lastReport = t;
        const done = sessions.filter(Boolean).length;
        log(`  logins: ${done}/${a.users} (${((done * 1000) / (t - t0)).toFixed(1)}/s)`);
      }
    }
  };
  await Promise.all(Array.from({ length: a.loginConcurrency }, runner));
  const ms = now() - t0;
  const ok = sessions.filter(Boolean);
  return { sessions: ok, ms, perSecond: (ok.length * 1000) / ms, latency: summarize(lat), failures, retries429, stoppedByBudget: next < a.users };
}

// ---- generator processes ----

// Forks `a.workers` copies of the worker script `script`, worker w getting
// every a.workers-th session from w; ask(cmd, ev) sends a command and
// resolves with the worker's next `ev` message. A worker's `fatal` ends the
// run.
export function startWorkers(script, a, sessions) {
  return Array.from({ length: a.workers }, (_, w) => {
    const child = fork(script, [], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
    const waiters = [];
    child.on('message', (m) => {
      if (m.ev === 'fatal') {
        console.error(`worker ${w}: ${m.error}`);
        process.exit(1);
      }
      const k = waiters.findIndex((x) => x.ev === m.ev);
      if (k >= 0) waiters.splice(k, 1)[0].resolve(m);
    });
    const expect = (ev) => new Promise((resolve) => waiters.push({ ev, resolve }));
    const ask = (cmd, ev) => {
      const p = expect(ev);
      child.send(cmd);
      return p;
    };
    return { child, ask, expect, slice: sessions.filter((_, i) => i % a.workers === w) };
  });
}
