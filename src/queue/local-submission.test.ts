import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { prepareLocalSubmission } from './local-submission.js';

const base = {
  ignoreDots: true,
  extractRecipients: false,
  from: 'root@ours.test',
  fullName: null,
  hostname: 'mx.ours.test',
  now: Date.UTC(2026, 0, 1),
};
const DATE = 'Date: Thu, 01 Jan 2026 00:00:00 +0000\r\n';

describe('local submission', () => {
  it('turns LF into CRLF and adds From and Date, keeping a given Message-ID', () => {
    const r = prepareLocalSubmission(Buffer.from('Subject: hi\nMessage-ID: <a@b>\n\nline 1\n.\nline 3\n'), base);
    assert.equal(
      r.message.toString(),
      `Subject: hi\r\nMessage-ID: <a@b>\r\nFrom: root@ours.test\r\n${DATE}\r\nline 1\r\n.\r\nline 3\r\n`,
    );
  });
  it('ends the message at a lone dot without -i', () => {
    const r = prepareLocalSubmission(
      Buffer.from('Subject: x\nMessage-ID: <a@b>\nFrom: me@x.test\nDate: now\n\nbody\n.\nignored\n'),
      { ...base, ignoreDots: false },
    );
    assert.equal(
      r.message.toString(),
      'Subject: x\r\nMessage-ID: <a@b>\r\nFrom: me@x.test\r\nDate: now\r\n\r\nbody\r\n',
    );
  });
  it('with -t takes To, Cc and Bcc recipients and removes Bcc', () => {
    const r = prepareLocalSubmission(
      Buffer.from(
        'To: Bob <bob@remote.test>, ann@ours.test\nCc: "Doe, J" <j@x.test>\nBcc: secret@x.test\nFrom: me@x.test\nDate: d\nMessage-ID: <m@x>\n\nhi\n',
      ),
      { ...base, extractRecipients: true },
    );
    assert.deepEqual(r.headerRecipients, ['bob@remote.test', 'ann@ours.test', 'j@x.test', 'secret@x.test']);
    assert.equal(
      r.message.toString(),
      'To: Bob <bob@remote.test>, ann@ours.test\r\nCc: "Doe, J" <j@x.test>\r\nFrom: me@x.test\r\nDate: d\r\nMessage-ID: <m@x>\r\n\r\nhi\r\n',
    );
  });
  it('treats input without a header as body and writes the full name', () => {
    const r = prepareLocalSubmission(Buffer.from('just text\n'), { ...base, fullName: 'Cron Daemon' });
    assert.match(
      r.message.toString(),
      /^From: "Cron Daemon" <root@ours\.test>\r\nDate: [^\r]+\r\nMessage-ID: <[0-9a-z]+\.[0-9a-f]{12}@mx\.ours\.test>\r\n\r\njust text\r\n$/,
    );
  });
});
