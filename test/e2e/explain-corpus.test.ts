/**
 * Runs every labelled bounce of test/fixtures/bounce-corpus through parseBounce and checks,
 * per recipient and order-insensitively, the reason, the status and the reply code that the
 * labels expect. Status values x.0.9NN are sisimai's own pseudo codes (nothing a bounce
 * says), so for those only the class digit is compared.
 * A file we cannot get right yet is listed in KNOWN_MISSES with the reason; the test fails
 * if a listed file starts passing (so the list stays honest) or an unlisted file fails.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { parseBounce } from '../../src/explain/parse-bounce.js';

const DIR = join(fileURLToPath(new URL('.', import.meta.url)), '../fixtures/bounce-corpus');

interface Expected {
  reason: string;
  status: string;
  replycode: string;
  hardbounce: boolean;
  feedbacktype?: string;
}
interface Label {
  file: string;
  expected: Expected[];
}

/**
 * Files whose label we do not reproduce, and why. Issue #5 asks for fewer than 10; most
 * of these are labels that only a provider-specific rule keyed to that wording could
 * reproduce, which we do not write; one has the reason right and differs only in a reply
 * code the label leaves out. The list may shrink, never grow (the issue allows fewer than 10).
 */
const KNOWN_MISSES: Record<string, string> = {
  'lhost-dragonfly-18.eml':
    '"Recipient address rejected: Policy violation" is labelled securityerror; the words say policy',
  'lhost-exchange2003-04.eml':
    '"Recipient Not Found" is labelled filtered; nothing in the message says a filter refused it',
  'lhost-ezweb-02.eml':
    'reason right (suspend: the notice says "The user(s) account is disabled"); the label has no reply code though the notice gives "550 user unknown"',
  'lhost-interscanmss-03.eml': '"Unable to deliver message to <x>" is labelled userunknown; the notice gives no cause',
  'lhost-zoho-03.eml': 'the standard 550 text "mailbox unavailable" is labelled filtered',
  'rfc3464-01.eml':
    'the DSN says "550 5.1.1 ... User Unknown" for this recipient; the label follows the notice\'s "Not enough disk space", which names another address (<nekochan>)',
  'rhost-franceptt-10.eml':
    '"550 5.5.0 Service refuse ... refused to talk to me" is labelled undefined; we say blocked',
  'rhost-nttdocomo-02.eml':
    '"550 Unknown user" after DATA is labelled rejected (docomo sender filter); we say filtered',
  'rhost-nttdocomo-03.eml':
    '"550 Unknown user" after DATA is labelled rejected (docomo sender filter); we say filtered',
};

function statusKey(status: string): string {
  // sisimai's pseudo codes ("5.0.911"): the class is all the bounce itself says.
  return /^[245]\.0\.9\d\d$/.test(status) ? `${status[0]}.0.9xx` : status;
}

function mismatch(file: string, expected: Expected[]): string | null {
  const report = parseBounce(readFileSync(join(DIR, file)));
  if (!report) return 'not parsed';
  const key = (r: { reason: string; status: string; replycode: string }) =>
    `${r.reason} ${statusKey(r.status)} ${r.replycode}`;
  const want = expected.map(key).sort();
  const got = report.recipients.map((r) => key({ reason: r.reason, status: r.status, replycode: r.replyCode })).sort();
  return JSON.stringify(want) === JSON.stringify(got)
    ? null
    : `expected ${JSON.stringify(want)}, got ${JSON.stringify(got)}`;
}

const labels: Label[] = readFileSync(join(DIR, 'labels.jsonl'), 'utf8')
  .split('\n')
  .filter((l) => l.trim())
  .map((l) => JSON.parse(l) as Label);

describe('bounce corpus (dev split)', () => {
  it('keeps the known-miss list from growing', () => {
    assert.ok(Object.keys(KNOWN_MISSES).length < 10, `${Object.keys(KNOWN_MISSES).length} known misses`);
  });
  for (const label of labels) {
    const why = KNOWN_MISSES[label.file];
    it(`${label.file}${why ? ' (known miss)' : ''}`, () => {
      const problem = mismatch(label.file, label.expected);
      if (why) assert.notEqual(problem, null, `${label.file} passes now: remove it from KNOWN_MISSES`);
      else assert.equal(problem, null, problem ?? '');
    });
  }
  it('reports the feedback type of ARF reports', () => {
    const report = parseBounce(readFileSync(join(DIR, 'arf-21.eml')));
    assert.equal(report?.kind, 'feedback');
    assert.equal(report?.recipients[0]?.feedbackType, 'abuse');
  });
  it('reports auto-replies as vacation, not as bounces', () => {
    const report = parseBounce(readFileSync(join(DIR, 'rfc3834-02.eml')));
    assert.equal(report?.kind, 'vacation');
    assert.equal(report?.recipients[0]?.reason, 'vacation');
  });
});
