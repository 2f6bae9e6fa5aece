import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { ClientInfo } from '../core/envelope.js';
import { protocolName, smtpReceived } from './received-header.js';

const client: ClientInfo = {
  ip: '::ffff:192.0.2.1',
  port: 1,
  localIp: '127.0.0.1',
  localPort: 587,
  role: 'submission',
  helo: 'evil (forged)\tname',
  esmtp: true,
  tls: true,
  authUser: 'ann@ours.test',
};

describe('Received header', () => {
  it('names the protocol as RFC 3848 and RFC 6531 do', () => {
    assert.equal(protocolName({ esmtp: false, tls: false, authUser: null }), 'SMTP');
    assert.equal(protocolName({ esmtp: true, tls: false, authUser: null }), 'ESMTP');
    assert.equal(protocolName({ esmtp: true, tls: true, authUser: null }), 'ESMTPS');
    assert.equal(protocolName({ esmtp: true, tls: false, authUser: 'a' }), 'ESMTPA');
    assert.equal(protocolName({ esmtp: true, tls: true, authUser: 'a' }), 'ESMTPSA');
    assert.equal(protocolName({ esmtp: true, tls: true, authUser: 'a' }, true), 'UTF8SMTPSA');
  });
  it('neutralises the HELO name, leaves out the login and the for clause with several recipients', () => {
    const h = smtpReceived(client, false, {
      hostname: 'mx.ours.test',
      queueId: 'Q1',
      time: Date.UTC(2026, 0, 1),
      rcpts: [],
    });
    assert.equal(
      h,
      'Received: from evil??forged??name ([192.0.2.1])\r\n\tby mx.ours.test (mailward) with ESMTPSA id Q1;\r\n\tThu, 01 Jan 2026 00:00:00 +0000\r\n',
    );
    const v6 = smtpReceived({ ...client, ip: '::1', helo: 'h' }, false, {
      hostname: 'm',
      queueId: 'Q',
      time: 0,
      rcpts: ['a@b.test'],
    });
    assert.match(
      v6,
      /^Received: from h \(\[IPv6:::1\]\)\r\n\tby m \(mailward\) with ESMTPSA id Q\r\n\tfor <a@b\.test>;\r\n/,
    );
  });
});
