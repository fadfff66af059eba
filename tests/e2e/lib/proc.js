// A child process whose output (stdout + stderr) is kept in memory and in a
// log file, with waits on that output: "wait until a line matching RE was
// written after MARK", bounded by a timeout and cut short when the process
// dies. Owned by the test file that starts it; everything runs on Node's one
// thread, so no locking.
import { spawn } from 'node:child_process';
import fs from 'node:fs';

export class Proc {
  // cmd, args: as for spawn. opts.log: file that receives the output.
  constructor(name, cmd, args, { log, cwd, env } = {}) {
    this.name = name;
    this.text = '';
    this.exit = null; // {code, signal} once the process has ended
    this.logFile = log;
    this.logFd = log ? fs.openSync(log, 'a') : null;
    this.waiters = new Set();
    this.child = spawn(cmd, args, { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
    this.pid = this.child.pid;
    const take = (chunk) => {
      const s = chunk.toString('utf8');
      this.text += s.replace(/\r/g, '');
      if (this.logFd !== null) fs.writeSync(this.logFd, s);
      this.wake();
    };
    this.child.stdout.on('data', take);
    this.child.stderr.on('data', take);
    this.exited = new Promise((resolve) => {
      this.child.on('error', (err) => {
        this.text += `\n[spawn error: ${err.message}]\n`;
        this.exit = { code: -1, signal: null };
        this.wake();
        resolve(this.exit);
      });
      this.child.on('close', (code, signal) => {
        this.exit = { code, signal };
        if (this.logFd !== null) fs.closeSync(this.logFd);
        this.logFd = null;
        this.wake();
        resolve(this.exit);
      });
    });
  }

  alive() {
    return this.exit === null;
  }

  // The current output length: a "from here on" marker for wait()/lines().
  mark() {
    return this.text.length;
  }

  lines(since = 0) {
    return this.text.slice(since).split('\n');
  }

  grep(re, since = 0) {
    return this.lines(since).filter((l) => re.test(l));
  }

  wake() {
    for (const w of [...this.waiters]) w();
  }

  // Waits until check(textSinceMark) returns a truthy value, which it
  // resolves with. Rejects after timeoutMs or when the process has ended
  // without the check passing.
  waitFor(check, { since = 0, timeoutMs = 10000, what = 'output' } = {}) {
    return new Promise((resolve, reject) => {
      let timer = null;
      const done = (fn, v) => {
        this.waiters.delete(probe);
        clearTimeout(timer);
        fn(v);
      };
      const probe = () => {
        const got = check(this.text.slice(since));
        if (got) return done(resolve, got);
        if (!this.alive()) {
          return done(reject, new Error(`${this.name} exited (${JSON.stringify(this.exit)}) before ${what}; log: ${this.logFile}`));
        }
        return undefined;
      };
      timer = setTimeout(
        () => done(reject, new Error(`${this.name}: no ${what} within ${timeoutMs} ms; log: ${this.logFile}`)),
        timeoutMs,
      );
      this.waiters.add(probe);
      probe();
    });
  }

  // Waits for a line matching re (written after since); resolves with it.
  waitLine(re, opts = {}) {
    return this.waitFor((t) => t.split('\n').find((l) => re.test(l)), { what: `a line matching ${re}`, ...opts });
  }

  // SIGTERM, then SIGKILL after graceMs. Resolves with {code, signal, killed}.
  async stop(graceMs = 3000) {
    if (!this.alive()) return { ...this.exit, killed: false };
    this.child.kill('SIGTERM');
    let timer;
    const late = new Promise((r) => {
      timer = setTimeout(() => r('late'), graceMs);
    });
    const first = await Promise.race([this.exited, late]);
    clearTimeout(timer);
    if (first === 'late') {
      this.child.kill('SIGKILL');
      await this.exited;
      return { ...this.exit, killed: true };
    }
    return { ...this.exit, killed: false };
  }

  // Last resort from a synchronous 'exit' handler.
  killNow() {
    if (this.alive()) this.child.kill('SIGKILL');
  }
}
