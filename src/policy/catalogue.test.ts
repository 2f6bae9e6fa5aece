/**
 * Golden table: every check × every reply style → the exact reply on the wire, each reached
 * by driving the policy into that check (not by rendering the template directly).
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { DATA_CHECKS, MAIL_CHECKS, RCPT_CHECKS, REPLY_NAMES } from '../config/sections/policy.js';
import type { Envelope } from '../core/envelope.js';
import { formatReply, type Reply } from '../core/reply.js';
import { buildReplyCatalogue, CATALOGUE, PolicyConfigError } from './catalogue.js';
import type { Policy } from './create-policy.js';
import { client, path, rcpt, testPolicy, view } from './test-world.js';

const outsider = client('mx', '127.0.0.2');
const alice = client('submission', '192.0.2.50', 'alice@example.test');
const spam = async () => ({ kind: 'verdict' as const, spam: true, score: 1000, threshold: 5, symbols: ['GTUBE'] });
const down = async () => ({ kind: 'error' as const, why: 'ECONNREFUSED' });
const envelope = { from: path('<x@remote.test>') } as unknown as Envelope;

type Trigger = (p: Policy) => Promise<Reply | undefined>;
const TRIGGERS: Record<string, Trigger> = {
  relay_denied: (p) => p.onRcpt(view(outsider), path('<>'), rcpt('<someone@remote.test>')),
  auth_required: (p) => p.onMail(view(outsider), path('<alice@example.test>')),
  sender_not_owned: (p) => p.onMail(view(alice), path('<bob@example.test>')),
  null_sender_denied: (p) => p.onMail(view(alice), path('<>')),
  sender_blocked: (p) => p.onMail(view(outsider), path('<spammer@blocked.test>')),
  sender_domain_unresolvable: (p) => p.onMail(view(outsider), path('<x@nxdomain.test>')),
  sender_domain_lookup_failed: (p) => p.onMail(view(outsider), path('<x@servfail.test>')),
  rcpt_unknown: (p) => p.onRcpt(view(outsider), path('<>'), rcpt('<nobody@example.test>')),
  rcpt_invalid: (p) => p.onRcpt(view(outsider), path('<>'), rcpt('<user%remote.test@example.test>')),
  suppressed: (p) => p.onRcpt(view(alice), path('<alice@example.test>'), rcpt('<gone@remote.test>')),
  content_filtered: (p) => p.checkContent(view(outsider), envelope, Buffer.from('x')),
  content_filter_unavailable: (p) => p.checkContent(view(outsider), envelope, Buffer.from('x')),
};

const URL = 'mailto:postmaster@mx.example.test';
const GOLDEN: Record<string, Record<'default' | 'qmail' | 'sendmail', string>> = {
  relay_denied: {
    default: '553 5.7.1 <someone@remote.test>: not an open relay',
    qmail: "553 sorry, that domain isn't in my list of allowed rcpthosts (#5.7.1)",
    sendmail: '553 5.7.1 <someone@remote.test>... Relaying denied',
  },
  auth_required: {
    default: '553 5.7.1 authentication is required to send mail as <alice@example.test>',
    qmail: '553 sorry, you are not authorized to send mail, authentication is required (#5.7.1)',
    sendmail: '553 5.7.1 authentication is required to send mail as <alice@example.test>',
  },
  sender_not_owned: {
    default: '553 5.7.1 <bob@example.test>: sender address is not owned by user <alice@example.test>',
    qmail: '553 Your email address is denied.',
    sendmail: '553 5.7.1 <bob@example.test>: sender address is not owned by user <alice@example.test>',
  },
  null_sender_denied: {
    default: '553 5.1.7 null sender is not allowed here',
    qmail: '553 Null Sender is not allowed.',
    sendmail: '553 5.1.7 null sender is not allowed here',
  },
  sender_blocked: {
    default: '553 5.7.1 <spammer@blocked.test>: sender address rejected',
    qmail: '553 sorry, your envelope sender is in my badmailfrom list (#5.7.1)',
    sendmail: '553 5.7.1 Your email address is denied.',
  },
  sender_domain_unresolvable: {
    default: '553 5.1.8 <x@nxdomain.test>: domain of sender address does not exist',
    qmail: '553 #5.1.8 Domain of sender address <x@nxdomain.test> does not exist',
    sendmail: '553 5.1.8 <x@nxdomain.test>: domain of sender address does not exist',
  },
  sender_domain_lookup_failed: {
    default: '451 4.4.3 <x@servfail.test>: cannot check the sender domain now, try again later',
    qmail: '451 4.4.3 <x@servfail.test>: cannot check the sender domain now, try again later',
    sendmail: '451 4.4.3 <x@servfail.test>: cannot check the sender domain now, try again later',
  },
  rcpt_unknown: {
    default: '553 5.1.1 <nobody@example.test>: no mailbox here by that name',
    qmail: '553 sorry, no mailbox here by that name. (#5.1.1)',
    sendmail: '553 5.3.0 <nobody@example.test>... User unknown',
  },
  rcpt_invalid: {
    default: '553 5.1.3 <user%remote.test@example.test>: bad recipient address syntax',
    qmail: '553 sorry, rcpt user invalid (#5.7.1)',
    sendmail: '553 5.1.3 <user%remote.test@example.test>: bad recipient address syntax',
  },
  suppressed: {
    default: '550 5.1.1 <gone@remote.test>: earlier delivery failed permanently on 2026-11-02: userunknown',
    qmail: '550 5.1.1 <gone@remote.test>: earlier delivery failed permanently on 2026-11-02: userunknown',
    sendmail: '550 5.1.1 <gone@remote.test>: earlier delivery failed permanently on 2026-11-02: userunknown',
  },
  content_filtered: {
    default: `553-5.7.1 message filtered as spam\n553 5.7.1 see ${URL}`,
    qmail: `553-Message filtered. Please see the FAQs section on spam\n553 see ${URL}`,
    sendmail: `553-5.7.1 message filtered as spam\n553 5.7.1 see ${URL}`,
  },
  content_filter_unavailable: {
    default: '451 4.7.1 content filter unavailable, try again later',
    qmail: '451 4.7.1 content filter unavailable, try again later',
    sendmail: '451 4.7.1 content filter unavailable, try again later',
  },
};

const wire = (r: Reply | undefined): string | undefined => r && formatReply(r).trimEnd().replace(/\r\n/g, '\n');

describe('the 553 catalogue, golden replies', () => {
  for (const style of ['default', 'qmail', 'sendmail'] as const) {
    for (const [name, expected] of Object.entries(GOLDEN)) {
      it(`${name} in ${style} style answers ${JSON.stringify(expected[style])}`, async () => {
        const { policy } = await testPolicy(
          {
            reply_style: style,
            null_sender: { submission: false },
            spamd: { enabled: true, on_error: name === 'content_filter_unavailable' ? 'tempfail' : 'accept' },
          },
          { spamd: name === 'content_filter_unavailable' ? down : spam },
        );
        assert.equal(wire(await (TRIGGERS[name] as Trigger)(policy)), expected[style]);
      });
    }
  }
  it('covers every reply name of the catalogue and of the config', () => {
    assert.deepEqual(Object.keys(GOLDEN).sort(), CATALOGUE.map((e) => e.name).sort());
    assert.deepEqual([...REPLY_NAMES].sort(), CATALOGUE.map((e) => e.name).sort());
  });
  it('keeps the config stage lists in step with the catalogue stages', () => {
    const stageOf = (stage: string) =>
      CATALOGUE.filter((e) => e.stage === stage && e.name === e.check)
        .map((e) => e.name)
        .sort();
    assert.deepEqual([...MAIL_CHECKS].sort(), stageOf('mail'));
    assert.deepEqual([...RCPT_CHECKS].sort(), stageOf('rcpt'));
    assert.deepEqual([...DATA_CHECKS].sort(), stageOf('data'));
  });
});

describe('reply overrides from config', () => {
  it('substitutes {rcpt}, {from} and {login} without angle brackets', async () => {
    const { policy } = await testPolicy({
      replies: {
        relay_denied: { text: 'no relaying to {rcpt} for {from}' },
        sender_not_owned: { code: 550, text: ['{from} is not yours,', '{login}'] },
      },
    });
    assert.equal(
      wire(await policy.onRcpt(view(outsider), path('<me@remote.test>'), rcpt('<someone@remote.test>'))),
      '553 5.7.1 no relaying to someone@remote.test for me@remote.test',
    );
    assert.equal(
      wire(await policy.onMail(view(alice), path('<bob@example.test>'))),
      '550-5.7.1 bob@example.test is not yours,\n550 5.7.1 alice@example.test',
    );
  });
  it('refuses a 4xx code with the default 5.x.x enhanced code at start', () => {
    assert.throws(
      () => buildReplyCatalogue({ style: 'default', overrides: { relay_denied: { code: 451 } }, policyUrl: '' }),
      (e: unknown) => e instanceof PolicyConfigError && /relay_denied: class mismatch: 451 with 5.7.1/.test(e.message),
    );
  });
  it('allows a 4xx code when the enhanced code changes with it, and the decision becomes a defer', async () => {
    const { policy } = await testPolicy({ replies: { relay_denied: { code: 451, enhanced: '4.7.1' } } });
    const d = await policy.evaluate({
      stage: 'rcpt',
      client: outsider,
      from: path('<>'),
      rcpt: rcpt('<someone@remote.test>'),
    });
    assert.equal(d.kind, 'defer');
    assert.equal(d.kind === 'defer' && d.rule, 'relay_denied');
  });
  it('refuses unknown placeholders and a 5xx for a temporary reply', () => {
    assert.throws(
      () =>
        buildReplyCatalogue({
          style: 'default',
          overrides: { rcpt_unknown: { text: 'no {recipient}' } },
          policyUrl: '',
        }),
      /rcpt_unknown: unknown placeholder \{recipient\}/,
    );
    assert.throws(
      () =>
        buildReplyCatalogue({
          style: 'default',
          overrides: { sender_domain_lookup_failed: { code: 553, enhanced: '5.1.8' } },
          policyUrl: '',
        }),
      /must keep a 4xx code/,
    );
  });
});
