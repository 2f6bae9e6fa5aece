/**
 * splitNotice: where the bounce's own words end and the quoted original begins (a marker line,
 * or a header block after some text), and the bound on lines.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { recipientsFromNotice, splitNotice } from './notice-text.js';

const noticeOnly = (text: string): string => splitNotice(text).notice;

describe('splitNotice', () => {
  it('cuts before a marker line, whatever white space leads it', () => {
    assert.equal(
      noticeOnly('Sorry.\n<a@b.example>: 550 no\n\n  ------ Original message ------\nSubject: x'),
      'Sorry.\n<a@b.example>: 550 no\n',
    );
    assert.equal(noticeOnly('Sorry.\n\toriginal message follows.  \nFrom: x'), 'Sorry.');
  });

  it('cuts before a header block of the original after the first three lines, not inside them', () => {
    const head = 'Return-Path: <a@b.example>\nReceived: from x\n';
    assert.equal(
      noticeOnly(`${head}\nfailed: <c@d.example>\nReceived: from y\n by z\nbody`),
      `${head}\nfailed: <c@d.example>`,
    );
    // a header line followed by neither a field nor a fold is text
    assert.equal(noticeOnly('a\nb\nc\nReceived: from y\nplain words'), 'a\nb\nc\nReceived: from y\nplain words');
    // nor is an empty line a fold
    assert.equal(noticeOnly('a\nb\nc\nReceived: from y\n\nwords'), 'a\nb\nc\nReceived: from y\n\nwords');
    // the marker wins when it comes first; a header line just before a folded marker line cuts there
    assert.equal(noticeOnly('a\nb\nc\nd\nReturn-Path: <x@y.example>\n  --  message text follows'), 'a\nb\nc\nd');
  });

  it('finds a marker after any white space, in any case, and a header line in any case', () => {
    assert.equal(noticeOnly('Sorry.\n\u00a0\u3000---- Original Message ----\nx'), 'Sorry.');
    assert.equal(noticeOnly('Sorry.\n  MESSAGE HEADERS FOLLOW\nx'), 'Sorry.');
    assert.equal(
      noticeOnly('Error: no valid recipients\n\nOriginal Message:\nTo: a@b.example'),
      'Error: no valid recipients\n',
    );
    assert.equal(noticeOnly('a\nb\nc\nRETURN-PATH: <x@y.example>\nReceived: z'), 'a\nb\nc');
    assert.equal(
      noticeOnly('a\nb\nc\n received: not at the line start\nX: y'),
      'a\nb\nc\n received: not at the line start\nX: y',
    );
  });

  it('keeps at most 600 lines', () => {
    const text = Array.from({ length: 700 }, (_, i) => `line ${i}`).join('\n');
    const kept = noticeOnly(text).split('\n');
    assert.equal(kept.length, 600);
    assert.equal(kept.at(-1), 'line 599');
  });

  it('gives the quoted original: after the marker line, or from its header block on; none at the line bound', () => {
    assert.deepEqual(splitNotice('Sorry.\n------ This is a copy of the message ------\n\nFrom: a@b.example'), {
      notice: 'Sorry.',
      copy: '\nFrom: a@b.example',
    });
    assert.deepEqual(splitNotice('a\nb\nc\nReturn-Path: <x@y.example>\nReceived: z'), {
      notice: 'a\nb\nc',
      copy: 'Return-Path: <x@y.example>\nReceived: z',
    });
    const long = `${Array.from({ length: 600 }, (_, i) => `line ${i}`).join('\n')}\nSubject: not a copy`;
    assert.equal(splitNotice(long).copy, undefined);
  });
});

describe('recipientsFromNotice', () => {
  it('ends the words of an address at a rule line: the next section is not about it', () => {
    const notice = [
      'Delivery to the following recipients was aborted after 5.0 hour(s):',
      '',
      '  * bob@example.net',
      '',
      '======================================',
      '             Technical details:',
      'Routing: could not find a gateway',
    ].join('\n');
    assert.deepEqual(recipientsFromNotice(notice, { exclude: new Set() }), [
      { address: 'bob@example.net', diagnostic: '' },
    ]);
  });
});
