/**
 * parseBounce on small hand-written messages: an RFC 3464 report, an RFC 6533 global report,
 * a plain-text notice, a forwarded bounce, a relay refusal, an auto-reply and a plain mail.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseBounce } from './parse-bounce.js';

const dsn = (
  type: string,
  fields: string,
  notice = 'I am sorry to have to inform you that your message could not be delivered.',
) =>
  Buffer.from(
    [
      'From: MAILER-DAEMON@mx.example.org',
      'To: alice@example.org',
      'Subject: Undelivered Mail Returned to Sender',
      'Content-Type: multipart/report; report-type=delivery-status; boundary="B"',
      '',
      '--B',
      'Content-Type: text/plain',
      '',
      notice,
      '--B',
      `Content-Type: ${type}`,
      '',
      'Reporting-MTA: dns; mx.example.org',
      '',
      fields,
      '--B',
      'Content-Type: text/rfc822-headers',
      '',
      'From: Alice <alice@example.org>',
      'To: bob@example.net',
      'Subject: lunch?',
      'Message-ID: <m1@example.org>',
      '--B--',
      '',
    ].join('\r\n'),
  );

describe('parseBounce', () => {
  it('takes a disabled or full mailbox named in the notice over a bare "user unknown", not over a 5.1.1', () => {
    const notice =
      'The user(s) account is disabled.\r\n\r\n<bob@example.net>: 550 user unknown (in reply to RCPT TO command)';
    const fields = (status: string) =>
      `Final-Recipient: rfc822; bob@example.net\r\nAction: failed\r\nStatus: ${status}`;
    const bare = parseBounce(dsn('message/delivery-status', fields('5.0.0'), notice))?.recipients[0];
    assert.deepEqual([bare?.reason, bare?.hard, bare?.status, bare?.replyCode], ['suspend', false, '5.0.0', '550']);
    const exact = parseBounce(dsn('message/delivery-status', fields('5.1.1'), notice))?.recipients[0];
    assert.deepEqual([exact?.reason, exact?.hard], ['userunknown', true]);
    const full = parseBounce(
      dsn(
        'message/delivery-status',
        fields('5.0.0'),
        'Not enough disk space\r\n\r\n<bob@example.net>: 550 user unknown',
      ),
    )?.recipients[0];
    assert.equal(full?.reason, 'mailboxfull');
  });

  it('reads an RFC 3464 report: address, codes, remote host, step, original headers', () => {
    const report = parseBounce(
      dsn(
        'message/delivery-status',
        [
          'Final-Recipient: rfc822; bob@example.net',
          'Action: failed',
          'Status: 5.1.1',
          'Remote-MTA: dns; mx.example.net',
          'Diagnostic-Code: smtp; 550 5.1.1 <bob@example.net>: Recipient address rejected:',
          '    User unknown in virtual mailbox table (in reply to RCPT TO command)',
        ].join('\r\n'),
      ),
    );
    assert.deepEqual(report, {
      kind: 'bounce',
      mta: 'mx.example.org',
      recipients: [
        {
          address: 'bob@example.net',
          status: '5.1.1',
          replyCode: '550',
          reason: 'userunknown',
          hard: true,
          diagnostic:
            '550 5.1.1 <bob@example.net>: Recipient address rejected: User unknown in virtual mailbox table (in reply to RCPT TO command)',
          remoteMta: 'mx.example.net',
          command: 'RCPT',
          action: 'failed',
          parser: 'rfc3464',
        },
      ],
      original: {
        messageId: '<m1@example.org>',
        subject: 'lunch?',
        from: 'Alice <alice@example.org>',
        to: 'bob@example.net',
      },
    });
  });

  it('takes a local delivery program failure (X-Unix) as a mailer error unless its output names the cause', () => {
    const local = (output: string) =>
      parseBounce(
        dsn(
          'message/delivery-status',
          `Final-Recipient: rfc822; bob@example.net\r\nAction: failed\r\nStatus: 5.3.0\r\nDiagnostic-Code: x-unix; ${output}`,
          'The mail system',
        ),
      )?.recipients[0]?.reason;
    assert.equal(local('Command died with status 1: "/usr/bin/procmail"'), 'mailererror');
    assert.equal(local('Quota exceeded message delivery failed to /var/mail/box/bob/INBOX'), 'mailboxfull');
  });

  it("completes a multi-line reply of which the DSN gives the first line, from the notice's transcript", () => {
    const notice = [
      '   ----- The following addresses had permanent fatal errors -----',
      'bob@example.net',
      '    (reason: 552-5.7.0 This message was blocked because its content presents a potential)',
      '',
      '   ----- Transcript of session follows -----',
      '... while talking to mx.example.net.:',
      '>>> DATA',
      '<<< 552-5.7.0 This message was blocked because its content presents a potential',
      '<<< 552-5.7.0 security issue. Please review our message',
      '<<< 552 5.7.0 content and attachment content guidelines.',
      '554 5.0.0 Service unavailable',
    ].join('\r\n');
    const fields = [
      'Final-Recipient: RFC822; bob@example.net',
      'Action: failed',
      'Status: 5.7.0',
      'Diagnostic-Code: SMTP; 552-5.7.0 This message was blocked because its content presents a potential',
    ].join('\r\n');
    const r = parseBounce(dsn('message/delivery-status', fields, notice))?.recipients[0];
    assert.equal(
      r?.diagnostic,
      '552-5.7.0 This message was blocked because its content presents a potential 552-5.7.0 security issue. Please review our message 552 5.7.0 content and attachment content guidelines.',
    );
    assert.deepEqual([r?.reason, r?.replyCode, r?.status], ['virusdetected', '552', '5.7.0']);
  });

  it('reads message/global-delivery-status (RFC 6533) the same way', () => {
    const report = parseBounce(
      dsn(
        'message/global-delivery-status',
        'Final-Recipient: rfc822; bob@example.net\nAction: failed\nStatus: 5.2.2\nDiagnostic-Code: smtp; 552 5.2.2 Mailbox full',
      ),
    );
    assert.deepEqual(
      report?.recipients.map((r) => [r.address, r.reason, r.status, r.replyCode, r.hard]),
      [['bob@example.net', 'mailboxfull', '5.2.2', '552', false]],
    );
  });

  it('reads a plain-text notice and finds the relay refusal', () => {
    const raw = [
      'From: Mail Delivery System <MAILER-DAEMON@relay.example.org>',
      'To: alice@example.org',
      'Subject: Mail delivery failed: returning message to sender',
      '',
      'This message was created automatically by mail delivery software.',
      '',
      'A message that you sent could not be delivered to one or more of its',
      'recipients. This is a permanent error. The following address(es) failed:',
      '',
      '  carol@elsewhere.example',
      '    host mx.elsewhere.example [192.0.2.7]',
      '    SMTP error from remote mail server after RCPT TO:<carol@elsewhere.example>:',
      '    553 5.7.1 <carol@elsewhere.example>: Relay access denied',
      '',
      '------ This is a copy of the message, including all the headers. ------',
      '',
      'Return-path: <alice@example.org>',
      'Received: from alice by relay.example.org with local (Exim 4.96)',
      '\tid 1qAbCd-000123-Xy',
      'From: alice@example.org',
      'To: carol@elsewhere.example',
      'Subject: =?UTF-8?Q?caf=C3=A9?=',
      'Message-Id: <E1qAbCd-000123-Xy@relay.example.org>',
      '',
      'See you there.',
      '',
    ].join('\n');
    const report = parseBounce(Buffer.from(raw));
    const r = report?.recipients[0];
    assert.deepEqual(
      [r?.address, r?.reason, r?.status, r?.replyCode, r?.command, r?.remoteMta, r?.parser],
      ['carol@elsewhere.example', 'norelaying', '5.7.1', '553', 'RCPT', 'mx.elsewhere.example', 'exim'],
    );
    // The copy below the marker line is the original: the delivery log links the notice by its Message-ID.
    assert.deepEqual(report?.original, {
      messageId: '<E1qAbCd-000123-Xy@relay.example.org>',
      subject: 'café',
      from: 'alice@example.org',
      to: 'carol@elsewhere.example',
    });
  });

  it('takes the original from a header block that follows the notice without a marker line', () => {
    const raw = [
      'From: MAILER-DAEMON@mx.example.org',
      'Subject: failure notice',
      '',
      "Hi. This is the qmail-send program at mx.example.org. I'm afraid I wasn't able to deliver your message.",
      '',
      '<carol@elsewhere.example>:',
      'Sorry, no mailbox here by that name. (#5.1.1)',
      '',
      'Return-Path: <alice@example.org>',
      'Received: (qmail 1234 invoked by uid 1000); 1 Nov 2026 10:00:00 -0000',
      'Message-ID: <q1@example.org>',
      'To: carol@elsewhere.example',
      '',
      'body',
    ].join('\n');
    const report = parseBounce(Buffer.from(raw));
    assert.equal(report?.recipients[0]?.reason, 'userunknown');
    assert.deepEqual(report?.original, { messageId: '<q1@example.org>', to: 'carol@elsewhere.example' });
  });

  it('reads a bounce that a user forwarded as an attachment', () => {
    const inner = dsn(
      'message/delivery-status',
      'Final-Recipient: rfc822; bob@example.net\nAction: failed\nStatus: 5.1.1',
    );
    const raw = Buffer.concat([
      Buffer.from(
        'From: alice@example.org\nTo: help@example.org\nSubject: Fwd: what is this?\nContent-Type: multipart/mixed; boundary=F\n\n--F\nContent-Type: text/plain\n\nCan you explain this?\n--F\nContent-Type: message/rfc822\n\n',
      ),
      inner,
      Buffer.from('\n--F--\n'),
    ]);
    assert.deepEqual(
      parseBounce(raw)?.recipients.map((r) => [r.address, r.reason]),
      [['bob@example.net', 'userunknown']],
    );
  });

  it('reads Amazon SES bounce and complaint notifications sent as JSON inside SNS', () => {
    const note = (message: object) =>
      Buffer.from(
        `From: no-reply@sns.example\nSubject: AWS Notification Message\n\n${JSON.stringify({ Type: 'Notification', Message: JSON.stringify(message) })}\n`,
      );
    const bounce = parseBounce(
      note({
        notificationType: 'Bounce',
        bounce: {
          bounceType: 'Permanent',
          bounceSubType: 'General',
          reportingMTA: 'dsn; a1-2.smtp-out.example',
          bouncedRecipients: [
            {
              emailAddress: 'erin@example.net',
              action: 'failed',
              status: '5.1.1',
              diagnosticCode: 'smtp; 550 5.1.1 user unknown',
            },
          ],
        },
      }),
    );
    assert.deepEqual(
      bounce?.recipients.map((r) => [r.address, r.reason, r.status, r.replyCode, r.parser]),
      [['erin@example.net', 'userunknown', '5.1.1', '550', 'amazonses']],
    );
    const complaint = parseBounce(
      note({
        notificationType: 'Complaint',
        complaint: { complainedRecipients: [{ emailAddress: 'frank@example.net' }], complaintFeedbackType: 'abuse' },
      }),
    );
    assert.equal(complaint?.kind, 'feedback');
    assert.deepEqual(
      complaint?.recipients.map((r) => [r.address, r.feedbackType]),
      [['frank@example.net', 'abuse']],
    );
  });

  it('reads an ARF report whose feedback part is labelled text/plain', () => {
    const raw = [
      'From: fbl@isp.example',
      'Subject: report',
      'Content-Type: multipart/report; report-type=feedback-report; boundary=R',
      '',
      '--R',
      'Content-Type: text/plain',
      '',
      'This is an email abuse report.',
      '--R',
      'Content-Type: text/plain',
      '',
      'Feedback-Type: opt-out',
      'User-Agent: SomeFBL/1.0',
      'Version: 1',
      'Original-Rcpt-To: <gina@example.net>',
      '--R',
      'Content-Type: message/rfc822',
      '',
      'From: alice@example.org',
      'To: gina@example.net',
      '',
      'x',
      '--R--',
    ].join('\n');
    const report = parseBounce(Buffer.from(raw));
    assert.equal(report?.kind, 'feedback');
    assert.deepEqual(
      report?.recipients.map((r) => [r.address, r.reason, r.feedbackType]),
      [['gina@example.net', 'feedback', 'opt-out']],
    );
  });

  it('reports an auto-reply as vacation', () => {
    const raw =
      'From: dave@example.net\nTo: alice@example.org\nSubject: Out of office\nAuto-Submitted: auto-replied\n\nBack on Monday.\n';
    const report = parseBounce(Buffer.from(raw));
    assert.equal(report?.kind, 'vacation');
    assert.deepEqual(
      report?.recipients.map((r) => [r.address, r.reason, r.status, r.replyCode]),
      [['dave@example.net', 'vacation', '', '']],
    );
  });

  it('returns null for an ordinary message', () => {
    assert.equal(parseBounce(Buffer.from('From: a@example.org\nTo: b@example.net\nSubject: hi\n\nhello\n')), null);
  });

  it('does not throw on garbage', () => {
    for (const junk of ['', '\n\n\n', 'Content-Type: multipart/report\n\n--', '\u0000\u00ff'.repeat(1000)]) {
      assert.doesNotThrow(() => parseBounce(Buffer.from(junk, 'latin1')));
    }
  });
});
