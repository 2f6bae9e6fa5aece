import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseSendmailArgs } from './sendmail-args.js';

const parse = (...a: string[]) => {
  const r = parseSendmailArgs(a);
  assert.ok(r.ok, r.ok ? '' : r.error);
  return r.args;
};

describe('sendmail command line', () => {
  it('reads what PHP mail() and cron pass: -t -i, -f, recipients', () => {
    const a = parse('-t', '-i', '-fwww-data@ours.test');
    assert.deepEqual([a.extractRecipients, a.ignoreDots, a.from, a.recipients], [true, true, 'www-data@ours.test', []]);
    const b = parse('-oi', '-f', '<root@ours.test>', '-F', 'Cron Daemon', 'bob@remote.test', 'ann@ours.test');
    assert.deepEqual(
      [b.ignoreDots, b.from, b.fullName, b.recipients],
      [true, 'root@ours.test', 'Cron Daemon', ['bob@remote.test', 'ann@ours.test']],
    );
  });
  it('takes options after recipients, clustered flags, and stops at --', () => {
    const a = parse('bob@remote.test', '-ti', '-oem', '-odb', '--', '-odd@x.test');
    assert.deepEqual(
      [a.extractRecipients, a.ignoreDots, a.recipients],
      [true, true, ['bob@remote.test', '-odd@x.test']],
    );
  });
  it('reads the DSN options', () => {
    const a = parse('-N', 'failure,delay', '-Rhdrs', '-V', 'env42', 'x@y.test');
    assert.deepEqual([a.notify, a.ret, a.envid], [['FAILURE', 'DELAY'], 'HDRS', 'env42']);
    assert.equal(parse('-Nnever', 'x@y.test').notify, 'NEVER');
  });
  it('refuses what it cannot do, with a reason', () => {
    assert.deepEqual(parseSendmailArgs(['-bp']), {
      ok: false,
      error: '-bp: only message mode (-bm) is supported; use mailward queue',
    });
    assert.deepEqual(parseSendmailArgs(['-f']), { ok: false, error: 'option -f requires a value' });
    assert.deepEqual(parseSendmailArgs(['-k']), { ok: false, error: 'unknown option -k' });
    assert.deepEqual(parseSendmailArgs(['-N', 'sometimes']), {
      ok: false,
      error: '-N sometimes: expected never, or success,failure,delay',
    });
  });
});
