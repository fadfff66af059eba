// Starts the server under test (`parley serve`) for one e2e run: writes its
// config on free ports, provisions users and SIP accounts through the CLI,
// waits for `event=ready`, and stops it at the end, where anything but a
// clean exit 0 on SIGTERM is a failure.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { Proc } from './proc.js';
import { env, freePorts, log } from './harness.js';

export const kDomain = 'localhost';

// users: [{ name, password (web), sip: [{ user, password }] }]
// opts.rooms: [{ name, owner, title, topic, members: [user] }], made with
//   `parley room add` / `room member add` before the server starts.
// opts.chat: keys of the [chat] section (e.g. { burst: 200 }), so a test
//   may post more at once than a person would.
export async function startParley(run, users, opts = {}) {
  if (!fs.existsSync(path.join(env.appDir, 'index.html'))) {
    throw new Error(`no browser app at ${env.appDir} (build it: cd client && npm ci && npm run build)`);
  }
  const [sipPort, httpPort] = freePorts(2);
  const data = run.dir('data');
  const config = path.join(run.work, 'parley.toml');
  fs.writeFileSync(
    config,
    [
      `# written by tests/e2e for ${run.name}`,
      '[sip]',
      `domain = "${kDomain}"`,
      `listen = ["udp:127.0.0.1:${sipPort}", "tcp:127.0.0.1:${sipPort}"]`,
      '',
      '[http]',
      `listen = "127.0.0.1:${httpPort}"`,
      `app_dir = "${env.appDir}"`,
      '',
      '[log]',
      'level = "debug"',
      '',
      ...(opts.chat ? ['[chat]', ...Object.entries(opts.chat).map(([k, v]) => `${k} = ${JSON.stringify(v)}`), ''] : []),
    ].join('\n'),
  );
  const cli = (...args) => {
    try {
      execFileSync(env.parleyBin, ['--data', data, '--config', config, ...args], { stdio: 'pipe' });
    } catch (err) {
      throw new Error(`parley ${args.slice(0, 3).join(' ')} failed: ${err.stderr}`);
    }
  };
  for (const u of users) {
    cli('user', 'add', u.name, '--password', u.password);
    for (const s of u.sip || []) cli('identity', 'add', u.name, 'sip', s.user, '--password', s.password);
  }
  for (const r of opts.rooms || []) {
    const extra = [];
    if (r.title) extra.push('--title', r.title);
    if (r.topic) extra.push('--topic', r.topic);
    cli('room', 'add', r.name, '--owner', r.owner, ...extra);
    for (const m of r.members || []) cli('room', 'member', 'add', r.name, m);
  }
  const server = { proc: null, url: '', sipProxy: `127.0.0.1:${sipPort}`, domain: kDomain, data, config };
  let runs = 0;
  // Starts parley serve and waits for event=ready.
  const start = async () => {
    runs += 1;
    // timeout(1) bounds the lifetime if this process dies; --foreground makes
    // it pass our SIGTERM to parley once (not to the group twice).
    const proc = new Proc(
      'parley',
      'timeout',
      ['--foreground', '-k', '5', String(env.lifetime), env.parleyBin, '--data', data, 'serve', '--config', config],
      { log: path.join(run.work, runs === 1 ? 'server.log' : `server-${runs}.log`) },
    );
    run.track(proc);
    server.proc = proc;
    const ready = await proc.waitLine(/event=ready/, { timeoutMs: 15000 });
    const m = /http=(http:\/\/[0-9.:[\]]+)/.exec(ready);
    server.url = m ? m[1] : `http://127.0.0.1:${httpPort}`;
    log(`parley up: sip ${server.sipProxy} (udp+tcp), web ${server.url}, pid ${proc.pid}`);
  };
  // SIGTERM; returns what was wrong (died before, no clean exit 0) or null.
  const stop = async () => {
    const proc = server.proc;
    if (!proc) return null;
    server.proc = null;
    if (!proc.alive()) return `parley serve died during the test (${JSON.stringify(proc.exit)})`;
    const st = await proc.stop(5000);
    if (st.killed) return 'parley serve ignored SIGTERM for 5 s (killed)';
    if (st.code !== 0) return `parley serve exited ${JSON.stringify(st)} after SIGTERM (want 0)`;
    return null;
  };
  // Stops the server (which must exit 0) and starts it again on the same
  // ports and data dir: every browser session ends (they live in memory).
  server.restart = async () => {
    const problem = await stop();
    if (problem) throw new Error(problem);
    await start();
  };
  run.onCleanup('parley', stop);
  await start();
  return server;
}
