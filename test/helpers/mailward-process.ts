/**
 * Starts `mailward serve` as a child process on loopback port 0 listeners with a temp data
 * dir, and reads the real ports from what it prints. For e2e tests that need the whole
 * server, including `kill -9` crash tests.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startDnsServer } from './dns-server.js';
import { type PeerScript, type ScriptedPeer, startScriptedPeer } from './scripted-peer.js';

export interface MailwardProcess {
  readonly child: ChildProcess;
  readonly ports: Record<'mx' | 'submission' | 'submissions', number>;
  readonly firstStart: { user: string; password: string } | null;
  readonly output: () => string;
  stop(signal?: NodeJS.Signals): Promise<void>;
}

export const ROOT = new URL('../..', import.meta.url).pathname;

/** Writes a config for tests: three listeners on 127.0.0.1 port 0, a fast queue poll. */
export async function writeTestConfig(dataDir: string, extra = ''): Promise<string> {
  const file = join(dataDir, 'mailward.toml');
  await writeFile(
    file,
    `hostname = "mx.mailward.test"
log = { level = "warn" }
[[listeners]]
role = "mx"
port = 0
tls = "starttls"
[[listeners]]
role = "submission"
port = 0
tls = "starttls"
auth_offered = true
[[listeners]]
role = "submissions"
port = 0
tls = "implicit"
auth_offered = true
[queue]
poll_interval = "200ms"
${extra}`,
  );
  return file;
}

export async function startMailwardProcess(dataDir: string, configFile: string): Promise<MailwardProcess> {
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', join(ROOT, 'src/cli/main.ts'), 'serve', '--data-dir', dataDir, '--config', configFile],
    {
      cwd: ROOT,
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  let out = '';
  child.stdout?.on('data', (d) => {
    out += d;
  });
  child.stderr?.on('data', (d) => {
    out += d;
  });
  const ports = await new Promise<Record<string, number>>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`mailward did not start:\n${out}`)), 30_000);
    const check = () => {
      const found: Record<string, number> = {};
      for (const m of out.matchAll(/listening: (\w+) on [\d.]+:(\d+)/g)) found[m[1] as string] = Number(m[2]);
      if (Object.keys(found).length === 3 && /try: /.test(out)) {
        clearTimeout(timer);
        resolve(found);
      }
    };
    child.stdout?.on('data', check);
    child.on('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`mailward exited with ${code}:\n${out}`));
    });
  });
  const fs = /created domain \S+ and user (\S+) with password (\S+)/.exec(out);
  return {
    child,
    ports: ports as MailwardProcess['ports'],
    firstStart: fs ? { user: fs[1] as string, password: fs[2] as string } : null,
    output: () => out,
    stop: (signal: NodeJS.Signals = 'SIGTERM') =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null || child.signalCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.kill(signal);
      }),
  };
}

/**
 * `mailward serve` whose DNS gives remote.test an MX on `peerHost`, where a scripted peer
 * answers: the set-up of the e2e tests that deliver to a remote. `close` stops all three and
 * removes the data directory.
 */
export async function startMailwardWithRemote(
  script: PeerScript,
  peerHost: string,
  prefix: string,
  /**
   * TOML placed right after the `[queue]` table's own keys: more `[queue]` keys first
   * (`defer_domains = ["remote.test"]`), then any other tables (`[bounce]\naddresses = [...]`).
   */
  extraToml = '',
): Promise<{ dataDir: string; peer: ScriptedPeer; mw: MailwardProcess; close(): Promise<void> }> {
  const dataDir = await mkdtemp(join(tmpdir(), prefix));
  const peer = await startScriptedPeer(script, { host: peerHost });
  const dns = await startDnsServer({
    'remote.test': { MX: [{ exchange: 'mx.remote.test', priority: 10 }] },
    'mx.remote.test': { A: [peerHost] },
  });
  const config = await writeTestConfig(
    dataDir,
    `${extraToml ? `${extraToml}\n` : ''}[dns]\nservers = ["127.0.0.1:${dns.port}"]\n[delivery]\nsmtp_port = ${peer.port}\n`,
  );
  const mw = await startMailwardProcess(dataDir, config);
  return {
    dataDir,
    peer,
    mw,
    async close() {
      await mw.stop();
      await peer.close();
      await dns.close();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}
