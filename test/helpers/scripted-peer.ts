/**
 * A scripted remote SMTP server for tests: raw `net` (no engine of ours), on a chosen
 * 127.0.0.x address and port. It answers each command with the reply the test scripted
 * (greeting, EHLO keywords, per-RCPT replies, end of data), can drop the connection at a
 * chosen step, can offer STARTTLS and AUTH PLAIN, and records every command line and the
 * exact bytes of every DATA section (terminating ".CRLF" included), so tests can assert
 * what our client really sent.
 * RFC 5321 §4.1 (commands), §4.5.2 (end of data), RFC 2920 (pipelined commands are read in order).
 * The script may be changed between attempts (`peer.script = {...}`).
 */
import { createServer, type Server, type Socket } from 'node:net';
import { TLSSocket } from 'node:tls';

export type PeerStep = 'connect' | 'ehlo' | 'mail' | 'rcpt' | 'data' | 'end-of-data';

export interface PeerScript {
  /** Default "220 peer.test ESMTP scripted". A 421 greeting closes the connection after it. */
  greeting?: string;
  /** EHLO keywords after the first line. Default PIPELINING, SIZE 10240000, 8BITMIME. */
  extensions?: string[];
  /** Reply to EHLO as a whole (overrides extensions), e.g. ["502 5.5.1 no EHLO"]. */
  ehloReply?: string[];
  mail?: string;
  /** Reply to the n-th RCPT (0-based, counted per transaction). Default "250 2.1.5 Ok". */
  rcpt?: (address: string, n: number) => string | string[];
  data?: string;
  /** Reply at end of data; a function gets the message count on this connection (0-based). */
  endOfData?: string | string[] | ((n: number) => string | string[]);
  /** Close the connection instead of answering at this step. */
  drop?: PeerStep;
  /** Say nothing at this step (the client's timeout must fire). */
  hang?: PeerStep;
  /** Offer STARTTLS with this key and certificate. */
  tls?: { key: string; cert: string };
  /** Offer STARTTLS, say 220, then answer the handshake with plain text (a broken TLS stack). */
  brokenTls?: boolean;
  /** Offer AUTH PLAIN and accept only these credentials. */
  auth?: { username: string; password: string };
}

export interface PeerConnection {
  commands: string[];
  /** Exact bytes after each 354, through the final ".\r\n". */
  messages: Buffer[];
  tls: boolean;
}

export interface ScriptedPeer {
  host: string;
  port: number;
  script: PeerScript;
  connections: PeerConnection[];
  /** All commands of all connections, in order. */
  readonly commands: string[];
  /** Drops every open connection (a remote that closes idle sessions), and keeps listening. */
  kick(): void;
  close(): Promise<void>;
}

const TERMINATOR = Buffer.from('\r\n.\r\n', 'latin1');

export async function startScriptedPeer(
  script: PeerScript,
  opts: { host?: string; port?: number } = {},
): Promise<ScriptedPeer> {
  const host = opts.host ?? '127.0.0.1';
  const sockets = new Set<Socket>();
  const peer: ScriptedPeer = {
    host,
    port: 0,
    script,
    connections: [],
    get commands() {
      return this.connections.flatMap((c) => c.commands);
    },
    kick: () => {
      for (const s of sockets) s.destroy();
    },
    close: async () => {
      for (const s of sockets) s.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
  const server: Server = createServer((socket) => {
    sockets.add(socket);
    socket.setNoDelay(true);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => {});
    serve(socket, peer);
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port ?? 0, host, () => resolve());
  });
  peer.port = (server.address() as { port: number }).port;
  return peer;
}

function serve(raw: Socket, peer: ScriptedPeer): void {
  const conn: PeerConnection = { commands: [], messages: [], tls: false };
  peer.connections.push(conn);
  const s = () => peer.script;
  let socket: Socket = raw;
  let buf = Buffer.alloc(0);
  let inData = false;
  let rcptCount = 0;
  let closed = false;

  const send = (lines: string | string[]) => {
    if (closed) return;
    const list = Array.isArray(lines) ? lines : [lines];
    socket.write(list.map((l) => `${l}\r\n`).join(''));
    if (list[list.length - 1]?.startsWith('421')) {
      closed = true;
      socket.end();
    }
  };
  const drop = (step: PeerStep): boolean => {
    if (s().hang === step) return true;
    if (s().drop !== step) return false;
    closed = true;
    socket.destroy();
    return true;
  };

  // DATA is collected as a list of chunks, searching only the seam for the terminator, so a
  // large message costs linear time. `seam` starts as a virtual CRLF: data begins at a line start.
  let dataChunks: Buffer[] = [];
  let seam = Buffer.from('\r\n');

  const feedData = (chunk: Buffer) => {
    const joined = Buffer.concat([seam, chunk]);
    const at = joined.indexOf(TERMINATOR);
    if (at < 0) {
      dataChunks.push(chunk);
      seam = joined.subarray(Math.max(0, joined.length - 4));
      return;
    }
    const endInChunk = at + TERMINATOR.length - seam.length;
    dataChunks.push(chunk.subarray(0, endInChunk));
    conn.messages.push(Buffer.concat(dataChunks));
    dataChunks = [];
    seam = Buffer.from('\r\n');
    inData = false;
    rcptCount = 0;
    buf = Buffer.from(chunk.subarray(endInChunk));
    if (drop('end-of-data')) return;
    const eod = s().endOfData ?? '250 2.0.0 Ok: queued as SCRIPTED';
    send(typeof eod === 'function' ? eod(conn.messages.length - 1) : eod);
    processCommands();
  };

  const processCommands = () => {
    while (!closed && !inData) {
      const current = socket;
      const nl = buf.indexOf(10);
      if (nl < 0) return;
      const line = buf.subarray(0, nl).toString('utf8').replace(/\r$/, '');
      buf = buf.subarray(nl + 1);
      conn.commands.push(line);
      handle(line);
      // After STARTTLS the TLS socket feeds onData; nothing sent in plain text after it counts (RFC 3207 §4.2).
      if (socket !== current) return;
    }
    if (inData && buf.length > 0) {
      const rest = buf;
      buf = Buffer.alloc(0);
      feedData(rest);
    }
  };

  const onData = (chunk: Buffer) => {
    if (closed) return;
    if (inData) return feedData(chunk);
    buf = Buffer.concat([buf, chunk]);
    processCommands();
  };

  const handle = (line: string) => {
    const verb = line.split(/[ :]/)[0]?.toUpperCase() ?? '';
    const sc = s();
    switch (verb) {
      case 'EHLO': {
        if (drop('ehlo')) return;
        const ext = [...(sc.extensions ?? ['PIPELINING', 'SIZE 10240000', '8BITMIME'])];
        if ((sc.tls || sc.brokenTls) && !conn.tls) ext.push('STARTTLS');
        if (sc.auth) ext.push('AUTH PLAIN');
        const lines =
          sc.ehloReply ?? ['peer.test greets you', ...ext].map((l, i, a) => `250${i === a.length - 1 ? ' ' : '-'}${l}`);
        send(lines);
        return;
      }
      case 'HELO':
        send('250 peer.test');
        return;
      case 'STARTTLS': {
        if (sc.brokenTls) {
          send('220 2.0.0 Ready to start TLS');
          return send('this is not a TLS handshake');
        }
        if (!sc.tls) return send('502 5.5.1 not offered');
        send('220 2.0.0 Ready to start TLS');
        raw.off('data', onData);
        const t = new TLSSocket(raw, { isServer: true, key: sc.tls.key, cert: sc.tls.cert });
        t.on('error', () => {});
        t.on('data', onData);
        socket = t;
        conn.tls = true;
        buf = Buffer.alloc(0);
        return;
      }
      case 'AUTH': {
        const b64 = line.split(' ')[2] ?? '';
        const [, user, pass] = Buffer.from(b64, 'base64').toString('utf8').split('\0');
        const ok = sc.auth && user === sc.auth.username && pass === sc.auth.password;
        return send(ok ? '235 2.7.0 Authentication successful' : '535 5.7.8 Authentication credentials invalid');
      }
      case 'MAIL':
        if (drop('mail')) return;
        rcptCount = 0;
        return send(sc.mail ?? '250 2.1.0 Ok');
      case 'RCPT': {
        if (drop('rcpt')) return;
        const addr = /<([^>]*)>/.exec(line)?.[1] ?? '';
        return send(sc.rcpt ? sc.rcpt(addr, rcptCount++) : '250 2.1.5 Ok');
      }
      case 'DATA': {
        if (drop('data')) return;
        const r = sc.data ?? '354 End data with <CR><LF>.<CR><LF>';
        if (r.startsWith('354')) inData = true;
        return send(r);
      }
      case 'RSET':
        rcptCount = 0;
        return send('250 2.0.0 Ok');
      case 'NOOP':
        return send('250 2.0.0 Ok');
      case 'QUIT':
        send('221 2.0.0 Bye');
        closed = true;
        socket.end();
        return;
      default:
        return send('500 5.5.2 Error: command not recognized');
    }
  };

  raw.on('data', onData);
  if (drop('connect')) return;
  send(s().greeting ?? '220 peer.test ESMTP scripted');
}
