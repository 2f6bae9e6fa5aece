import assert from 'node:assert/strict';
import type { Socket } from 'node:net';
import { PassThrough } from 'node:stream';
import { describe, it } from 'node:test';
import { ReplyReader } from './reply-reader.js';

/** A stream standing in for the socket: the test writes what the remote would send. */
function remote(): { stream: PassThrough; reader: ReplyReader } {
  const stream = new PassThrough();
  return { stream, reader: new ReplyReader(stream as unknown as Socket) };
}

describe('ReplyReader', () => {
  it('joins a multi-line reply, split across packets, into one Reply with its raw lines', async () => {
    const { stream, reader } = remote();
    stream.write('250-mx.example greets you\r\n250-PIPE');
    stream.write('LINING\r\n250 DSN\r\n');
    const r = await reader.read(1000);
    assert.ok(r.ok);
    assert.deepEqual(r.raw, ['250-mx.example greets you', '250-PIPELINING', '250 DSN']);
    assert.equal(r.reply.code, 250);
  });
  it('gives pipelined replies in order, and a bare-LF line end is read too', async () => {
    const { stream, reader } = remote();
    stream.write('250 2.1.0 Ok\n550 5.1.1 no such user\r\n354 go ahead\r\n');
    const codes = [];
    for (let i = 0; i < 3; i++) {
      const r = await reader.read(1000);
      codes.push(r.ok ? r.reply.code : r.kind);
    }
    assert.deepEqual(codes, [250, 550, 354]);
  });
  it('turns a line that is not a reply into a 554 instead of throwing', async () => {
    const { stream, reader } = remote();
    stream.write('HTTP/1.1 400 Bad Request\r\n');
    const r = await reader.read(1000);
    assert.ok(r.ok);
    assert.equal(r.reply.code, 554);
    assert.deepEqual(r.reply.lines, ['HTTP/1.1 400 Bad Request']);
  });
  it('reports a timeout, and a closed connection to every waiting reader', async () => {
    const { stream, reader } = remote();
    assert.deepEqual(await reader.read(20), { ok: false, kind: 'timeout', detail: 'no reply within 0.02s' });
    const waiting = reader.read(1000);
    stream.end();
    stream.resume();
    assert.deepEqual(await waiting, { ok: false, kind: 'closed', detail: 'connection closed by remote' });
    assert.equal(reader.closed, true);
  });
  it('gives up on a reply line longer than 4096 octets', async () => {
    const { stream, reader } = remote();
    stream.write(`250 ${'x'.repeat(5000)}`);
    const r = await reader.read(1000);
    assert.equal(r.ok, false);
  });
});
