/**
 * Slowloris benchmark (issue #7): holds 500 slow connections open (each sends one byte a
 * second, spread over 127.0.0.2–127.0.0.251) while one normal client sends 1,000 messages,
 * and prints how many were accepted and their median latency, with and without the slow
 * clients. The normal client retries the connection every 0.5 s while the server answers 421
 * (no free slot), as a real MTA would, and the wait is printed: with the default limits the
 * slow clients fill every slot until stress mode (80% of the slots) cuts them loose after
 * stress_timeout_ms. Loopback only; bounded in count and time. Run: node --import tsx bench/slow-clients.ts
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { connect, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startMailwardProcess, writeTestConfig } from '../test/helpers/mailward-process.js';
import { SmtpClient } from '../test/helpers/smtp-dialogue.js';

const SLOW = Number(process.env.SLOW ?? 500);
const MESSAGES = Number(process.env.MESSAGES ?? 1000);

async function normalClient(port: number): Promise<{ accepted: number; latencies: number[] }> {
  const latencies: number[] = [];
  let accepted = 0;
  // like a real MTA, try again when the server has no slot (421 at the greeting): every 0.5 s, 60 s at most
  let c = await SmtpClient.connect(port);
  const tConnect = performance.now();
  for (let tries = 0; ; tries++) {
    const greeting = await c.reply(30_000);
    if (greeting?.startsWith('220 ')) break;
    c.close();
    if (tries >= 120) throw new Error(`Input: ${greeting}`);
    await new Promise((r) => setTimeout(r, 500));
    c = await SmtpClient.connect(port);
  }
  waitedMs = performance.now() - tConnect;
  c.write('EHLO bench.test\r\n');
  await c.expect(/^250[ -]/);
  for (let i = 0; i < MESSAGES; i++) {
    const t0 = performance.now();
    c.write('MAIL FROM:<>\r\nRCPT TO:<postmaster@example.test>\r\nDATA\r\n');
    await c.expect(/^250 /);
    await c.expect(/^250 /);
    await c.expect(/^354 /);
    c.write(`Subject: bench ${i}\r\n\r\n${'x'.repeat(4000)}\r\n.\r\n`);
    const r = await c.reply(30_000);
    if (r?.startsWith('250 ')) accepted++;
    latencies.push(performance.now() - t0);
  }
  c.close();
  return { accepted, latencies };
}

function openSlow(port: number, n: number): { sockets: Socket[]; refused: () => number; stop: () => void } {
  const sockets: Socket[] = [];
  let refused = 0;
  for (let i = 0; i < n; i++) {
    const s = connect({ port, host: '127.0.0.1', localAddress: `127.0.0.${2 + (i % 250)}` });
    s.on('data', (d) => {
      if (d.toString().startsWith('421')) refused++;
    });
    s.on('error', () => {});
    sockets.push(s);
  }
  const timer = setInterval(() => {
    for (const s of sockets) if (!s.destroyed) s.write('E');
  }, 1000);
  const stop = () => {
    clearInterval(timer);
    for (const s of sockets) s.destroy();
  };
  return { sockets, refused: () => refused, stop };
}

let waitedMs = 0;
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? 0;

async function scenario(label: string, extra: string, slow: number): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), 'mw-slow-'));
  const mw = await startMailwardProcess(dir, await writeTestConfig(dir, extra));
  try {
    const s = slow ? openSlow(mw.ports.mx, slow) : null;
    await new Promise((r) => setTimeout(r, 1500));
    const t0 = performance.now();
    const result = await normalClient(mw.ports.mx).catch((err: Error) => {
      const line =
        /Input:\s*(.*)/s.exec(err.message)?.[1]?.split('\r')[0]?.trim().replace(/^'|'$/g, '') ??
        err.message.split('\n')[0];
      const still = s ? s.sockets.filter((x) => !x.destroyed).length : 0;
      console.log(
        `${label.padEnd(44)} | normal client refused at greeting: "${line}" | slow open ${still}, refused 421 ${s ? s.refused() : 0}`,
      );
      return null;
    });
    if (!result) {
      s?.stop();
      return;
    }
    const { accepted, latencies } = result;
    const secs = (performance.now() - t0) / 1000;
    const still = s ? s.sockets.filter((x) => !x.destroyed).length : 0;
    console.log(
      `${label.padEnd(44)} | ${String(accepted).padStart(5)}/${MESSAGES} | median ${median(latencies).toFixed(1).padStart(6)} ms | ${(accepted / secs).toFixed(0).padStart(5)} msg/s | waited ${(waitedMs / 1000).toFixed(1)} s for a slot | slow open ${still}, refused 421 ${s ? s.refused() : 0}`,
    );
    s?.stop();
  } finally {
    await mw.stop();
    await rm(dir, { recursive: true, force: true });
  }
}

const roomy = '[smtp]\nmax_connections = 1000\nmax_connections_per_ip = 1000\ncommand_timeout_ms = 60000\n';
console.log(
  'scenario                                     | accepted   | latency           | rate       | slot wait | slow clients',
);
await scenario('no slow clients', roomy, 0);
await scenario(`${SLOW} slow clients, limits raised to 1000`, roomy, SLOW);
await scenario(`${SLOW} slow, default limits (200, 20/IP)`, '', SLOW);
