/**
 * Test spool sink: an onData hook that writes each body to a file in a directory, fsyncs the
 * file and the directory, and answers `250 2.0.0 Ok: queued as <id>` — the durability the
 * real queue gives, without the queue. A destroyed stream leaves no file behind.
 */
import { createHash, randomBytes } from 'node:crypto';
import { open, readdir, readFile, rename, unlink } from 'node:fs/promises';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import type { Envelope } from '../../src/core/envelope.js';
import { type Reply, reply } from '../../src/core/reply.js';
import type { SessionView } from '../../src/smtp/hooks.js';

export interface SpooledMessage {
  readonly id: string;
  readonly envelope: Envelope;
  readonly path: string;
}

export interface SpoolSink {
  readonly dir: string;
  readonly messages: SpooledMessage[];
  onData(view: SessionView, envelope: Envelope, body: Readable): Promise<Reply>;
  /** Bodies in arrival order. */
  bodies(): Promise<Buffer[]>;
  /** Files actually in the directory (never a half-written one). */
  files(): Promise<string[]>;
}

export function sha256(b: Buffer | string): string {
  return createHash('sha256').update(b).digest('hex');
}

export function createSpoolSink(dir: string): SpoolSink {
  const messages: SpooledMessage[] = [];
  return {
    dir,
    messages,
    async onData(_view, envelope, body) {
      const id = randomBytes(8).toString('hex');
      const tmp = join(dir, `${id}.tmp`);
      const path = join(dir, `${id}.eml`);
      const fh = await open(tmp, 'w');
      try {
        for await (const chunk of body) await fh.write(chunk as Buffer);
        await fh.sync();
      } catch (err) {
        await fh.close();
        await unlink(tmp);
        throw err;
      }
      await fh.close();
      await rename(tmp, path);
      const d = await open(dir, 'r');
      await d.sync();
      await d.close();
      messages.push({ id, envelope, path });
      return reply(250, '2.0.0', `Ok: queued as ${id}`);
    },
    async bodies() {
      return Promise.all(messages.map((m) => readFile(m.path)));
    },
    async files() {
      return (await readdir(dir)).sort();
    },
  };
}
