// A real SIP phone for the e2e tests: baresip 1.0.0 headless, registered
// through Parley as outbound proxy. The same setup as tests/interop/lib/
// baresip.sh (see its comments and /work/shared/peers/NOTES.md for the
// quirks), driven from Node: commands go to its stdin (stdio UI module),
// facts come from its output, which holds the full SIP trace (-s).
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { Proc } from './proc.js';
import { env, freePorts, log } from './harness.js';

// baresip logs an incoming MESSAGE as:  sip:FROM@HOST: "TEXT"
function escapeRe(s) {
  return s.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
}

export class Phone {
  // name: unique label; user/password: the SIP account; contact: the one URI
  // this phone can /message (baresip 1.0.0 only messages its current
  // contact, which must be in the contacts file at start).
  constructor(run, { name, user, password, server, contact, transport = 'udp' }) {
    this.run = run;
    this.name = name;
    this.user = user;
    this.password = password;
    this.server = server;
    this.contact = contact;
    this.transport = transport;
    this.proxy = server.sipProxy;
  }

  async start() {
    const wd = this.run.dir(this.name);
    const [port] = freePorts(1, 2);
    const rtpBase = 20000 + Math.floor(Math.random() * 100) * 100;
    fs.writeFileSync(
      path.join(wd, 'config'),
      [
        'poll_method epoll',
        `sip_listen 127.0.0.1:${port}`,
        'net_interface 127.0.0.1',
        `audio_player aubridge,null-${this.name}`,
        `audio_alert aubridge,alert-${this.name}`,
        `audio_source aubridge,src-${this.name}`,
        `rtp_ports ${rtpBase}-${rtpBase + 99}`,
        'module_path /usr/lib/baresip/modules',
        'module stdio.so',
        'module g711.so',
        'module aubridge.so',
        'module_tmp uuid.so',
        'module_tmp account.so',
        'module_app contact.so',
        'module_app menu.so',
        '',
      ].join('\n'),
    );
    const t = this.transport;
    fs.writeFileSync(
      path.join(wd, 'accounts'),
      `"${this.name}" <sip:${this.user}@${this.server.domain};transport=${t}>;answermode=auto;` +
        `audio_codecs=PCMU;regint=600;pubint=0;auth_user=${this.user};auth_pass=${this.password};` +
        `outbound="sip:${this.proxy};transport=${t}"\n`,
    );
    fs.writeFileSync(path.join(wd, 'contacts'), this.contact ? `<${this.contact}>\n` : '');
    if (this.contact) fs.writeFileSync(path.join(wd, 'current_contact'), this.contact);
    // stdin is a FIFO opened read-write, as in tests/interop: it never sees
    // EOF, even if this process dies (baresip 1.0.0 spins on a closed stdin
    // until its -t lifetime ends).
    this.fifo = path.join(wd, 'ctl.fifo');
    execFileSync('mkfifo', [this.fifo]);
    this.proc = new Proc(
      this.name,
      'bash',
      ['-c', 'exec baresip "$@" <>"$0"', this.fifo, '-4', '-s', '-f', wd, '-t', String(env.lifetime)],
      { cwd: wd, log: path.join(wd, 'baresip.log') },
    );
    this.run.track(this.proc);
    this.run.onCleanup(`baresip ${this.name}`, () => this.stop());
    const first = await this.proc.waitLine(/baresip is ready|init failed/, { timeoutMs: 10000 });
    if (/init failed/.test(first)) throw new Error(`baresip ${this.name} failed to start; log ${this.proc.logFile}`);
    const reg = await this.waitRegistered();
    if (reg !== 'ok') throw new Error(`baresip ${this.name} (${this.user}@${this.server.domain}) did not register: ${reg}`);
    log(`baresip ${this.name}: ${this.user}@${this.server.domain} via ${this.proxy}/${t}, sip 127.0.0.1:${port}`);
    return this;
  }

  mark() {
    return this.proc.mark();
  }

  // One entry per SIP message in the trace after since:
  // {src, dst, start (start line), cseq ("N METHOD")}.
  trace(since = 0) {
    const out = [];
    let cur = null;
    for (const line of this.proc.lines(since)) {
      const m = /^(UDP|TCP|TLS) ([0-9.:]+) -> ([0-9.:]+)$/.exec(line);
      if (m) {
        if (cur?.start) out.push(cur);
        cur = { src: m[2], dst: m[3], start: '', cseq: '' };
      } else if (cur && !cur.start) {
        cur.start = line;
      } else if (cur && /^CSeq:/i.test(line)) {
        cur.cseq = line.split(/\s+/).slice(1, 3).join(' ');
      } else if (cur && line === '') {
        out.push(cur);
        cur = null;
      }
    }
    if (cur?.start) out.push(cur);
    return out;
  }

  // Status codes of responses to METHOD from the server, oldest first.
  codes(method, since = 0) {
    return this.trace(since)
      .filter((e) => e.src === this.proxy && /^SIP\/2\.0 /.test(e.start) && e.cseq.endsWith(` ${method}`))
      .map((e) => Number(e.start.split(' ')[1]));
  }

  // ok | fail:CODES | pending -- baresip prints no line on a failed
  // REGISTER, so the trace decides: 2xx is success, a second 401/407 (the
  // credentials were refused) or another final code >= 300 is failure.
  regState(since = 0) {
    const codes = this.codes('REGISTER', since);
    if (codes.some((c) => c >= 200 && c < 300)) return 'ok';
    const challenges = codes.filter((c) => c === 401 || c === 407).length;
    if (challenges >= 2 || codes.some((c) => c >= 300 && c !== 401 && c !== 407)) return `fail:${codes.join(',')}`;
    return null;
  }

  async waitRegistered(timeoutMs = 10000) {
    try {
      return await this.proc.waitFor(() => this.regState(), { timeoutMs, what: 'a final REGISTER answer' });
    } catch (err) {
      return `pending (${err.message})`;
    }
  }

  // One command line to baresip's stdin. O_NONBLOCK: fails at once (ENXIO)
  // rather than hanging when baresip is gone.
  cmd(line) {
    if (!this.proc.alive()) throw new Error(`baresip ${this.name} is not running (cmd: ${line})`);
    const fd = fs.openSync(this.fifo, fs.constants.O_WRONLY | fs.constants.O_NONBLOCK);
    try {
      fs.writeSync(fd, `${line}\n`);
    } finally {
      fs.closeSync(fd);
    }
  }

  // Sends a MESSAGE to this phone's contact.
  message(text) {
    this.cmd(`/message ${text}`);
  }

  // Waits until a MESSAGE from sip:FROM_USER@… with exactly TEXT arrived.
  waitMessage(fromUser, text, { since = 0, timeoutMs = 10000 } = {}) {
    const re = new RegExp(`^sip:${escapeRe(fromUser)}@[^ ]*: "${escapeRe(text)}"$`);
    return this.proc.waitLine(re, { since, timeoutMs });
  }

  // How many times TEXT arrived (after since).
  countMessages(text, since = 0) {
    return this.proc.grep(new RegExp(`: "${escapeRe(text)}"$`), since).length;
  }

  // Waits for a final response to METHOD matching okRe; returns all codes.
  async waitCode(method, okRe, { since = 0, timeoutMs = 10000 } = {}) {
    const got = await this.proc.waitFor(
      () => {
        const codes = this.codes(method, since);
        const finals = codes.filter((c) => c >= 200 && c !== 401 && c !== 407);
        return finals.length ? codes : null;
      },
      { timeoutMs, what: `a final response to ${method}` },
    );
    if (!got.some((c) => okRe.test(String(c)))) throw new Error(`${this.name}: ${method} answered ${got.join(',')}`);
    return got;
  }

  // /quit (un-REGISTERs), then TERM/KILL if it lingers.
  async stop() {
    if (!this.proc || !this.proc.alive()) return null;
    try {
      this.cmd('/quit');
    } catch {
      // already gone
    }
    let timer;
    const late = new Promise((r) => {
      timer = setTimeout(() => r('late'), 3000);
    });
    const first = await Promise.race([this.proc.exited, late]);
    clearTimeout(timer);
    if (first === 'late') await this.proc.stop(2000);
    return null;
  }
}

export function startPhone(run, opts) {
  return new Phone(run, opts).start();
}
