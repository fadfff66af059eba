// The frame of one e2e test file: settings from the environment, a fresh work
// dir, free ports, the list of things to stop at the end (even on failure),
// and steps that record failure and leave screenshots and log tails behind.
// One E2ERun per test file (node --test runs each file in its own process).
import { test } from 'node:test';
import { execFileSync } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));

// Settings (environment; CTest sets the first two):
//   PARLEY_BIN     the parley binary (required)
//   PARLEY_REPO    the source tree (default: two levels above tests/e2e)
//   PARLEY_APP_DIR the built browser app (default: REPO/client/dist)
//   E2E_ARTIFACTS  where screenshots go (default: ./e2e-artifacts)
//   E2E_RUN_DIR    parent of the work dirs (default: $TMPDIR or /tmp)
//   E2E_KEEP=1     keep the work dir on success too (always kept on failure)
//   E2E_LIFETIME   seconds any started process may live (default 150)
//   CHROMIUM       the browser (default /usr/bin/chromium)
export const env = {
  parleyBin: process.env.PARLEY_BIN || '',
  repo: process.env.PARLEY_REPO || path.resolve(here, '../../..'),
  get appDir() {
    return process.env.PARLEY_APP_DIR || path.join(this.repo, 'client', 'dist');
  },
  artifacts: path.resolve(process.env.E2E_ARTIFACTS || 'e2e-artifacts'),
  runDir: process.env.E2E_RUN_DIR || os.tmpdir(),
  keep: process.env.E2E_KEEP === '1',
  lifetime: Number(process.env.E2E_LIFETIME || 150),
  chromium: process.env.CHROMIUM || '/usr/bin/chromium',
};

// COUNT ports free on 127.0.0.1 for UDP and TCP, each with SPAN-1 free
// ports after it (baresip 1.0.0 also binds SIP/TLS on port+1). Shared with
// the interop suite.
export function freePorts(count, span = 1) {
  const script = path.join(env.repo, 'tests', 'interop', 'lib', 'freeports.py');
  const out = execFileSync('python3', [script, String(count), '--span', String(span)], { encoding: 'utf8' });
  return out.trim().split('\n').map(Number);
}

export function log(...args) {
  process.stderr.write(`[e2e] ${args.join(' ')}\n`);
}

export class E2ERun {
  constructor(name) {
    this.name = name;
    this.token = crypto.randomBytes(4).toString('hex'); // texts unique to this run
    this.work = '';
    this.failed = false;
    this.cleanups = []; // run last-added first
    this.procs = new Set(); // for the synchronous last-resort kill
    this.pages = new Map(); // label -> page, screenshotted on failure
    this.logs = []; // files whose tails are printed on failure
    this.onExit = () => {
      for (const p of this.procs) p.killNow();
    };
  }

  begin() {
    if (!env.parleyBin || !fs.existsSync(env.parleyBin)) {
      throw new Error(`PARLEY_BIN '${env.parleyBin}' is not a file (set it to build/parley)`);
    }
    fs.mkdirSync(env.runDir, { recursive: true });
    this.work = fs.mkdtempSync(path.join(env.runDir, `${this.name}.`));
    fs.mkdirSync(env.artifacts, { recursive: true });
    process.on('exit', this.onExit);
    log(`${this.name}: work dir ${this.work}`);
  }

  dir(sub) {
    const d = path.join(this.work, sub);
    fs.mkdirSync(d, { recursive: true });
    return d;
  }

  track(proc) {
    this.procs.add(proc);
    if (proc.logFile) this.logs.push(proc.logFile);
  }

  onCleanup(label, fn) {
    this.cleanups.push({ label, fn });
  }

  // A node:test test that marks the run failed when it throws or takes
  // longer than timeoutMs (node's own timeout would leave fn running).
  step(name, { timeoutMs = 30000 } = {}, fn) {
    test(name, { timeout: timeoutMs + 5000 }, async (t) => {
      let timer;
      const late = new Promise((_, reject) => {
        timer = setTimeout(() => reject(new Error(`step '${name}' took longer than ${timeoutMs} ms`)), timeoutMs);
      });
      try {
        await Promise.race([fn(t), late]);
      } catch (err) {
        this.failed = true;
        await this.saveFailureEvidence(name);
        throw err;
      } finally {
        clearTimeout(timer);
      }
    });
  }

  async saveFailureEvidence(stepName) {
    const slug = stepName.replace(/[^a-z0-9]+/gi, '-').toLowerCase();
    for (const [label, page] of this.pages) {
      const file = path.join(env.artifacts, `${this.name}-FAILED-${slug}-${label}.png`);
      try {
        await page.screenshot({ path: file, fullPage: true, timeout: 3000 });
        log(`failure screenshot: ${file}`);
      } catch {
        // page already closed
      }
    }
  }

  // Stops everything (last started first). Returns problems found while
  // stopping (a server that died or did not exit 0), as strings.
  async end() {
    const problems = [];
    for (const { label, fn } of this.cleanups.reverse()) {
      try {
        const note = await fn();
        if (note) problems.push(note);
      } catch (err) {
        problems.push(`${label}: ${err.message}`);
      }
    }
    this.cleanups = [];
    process.off('exit', this.onExit);
    if (problems.length) this.failed = true;
    if (this.failed) {
      for (const f of this.logs) {
        try {
          const lines = fs.readFileSync(f, 'utf8').split('\n');
          log(`--- last lines of ${f}:\n${lines.slice(-25).join('\n')}`);
        } catch {
          // never written
        }
      }
      log(`${this.name}: FAILED, work dir kept: ${this.work}`);
    } else if (!env.keep && this.work) {
      fs.rmSync(this.work, { recursive: true, force: true });
    }
    return problems;
  }
}
