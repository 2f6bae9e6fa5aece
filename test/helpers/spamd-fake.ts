/**
 * A loopback server speaking spamd's protocol (SpamAssassin spamd/PROTOCOL) for tests where
 * a real spamd is not wanted: GTUBE in the body scores 1000 (spam), anything else 0.5.
 * Modes play the failures a client must survive: silence, garbage, a protocol error.
 * Security: test support; binds 127.0.0.1 only and caps what it buffers.
 */
import { createServer, type Server, type Socket } from 'node:net';

export const GTUBE = 'XJS*C4JDBQADN1.NSBN3*2IDNEN*GTUBE-STANDARD-ANTI-UBE-TEST-EMAIL*C.34X';

export type FakeSpamdMode = 'normal' | 'hang' | 'garbage' | 'protocol-error';

export interface FakeSpamdRequest {
  readonly verb: string;
  readonly headers: Record<string, string>;
  readonly body: Buffer;
}

export interface FakeSpamd {
  readonly port: number;
  readonly requests: FakeSpamdRequest[];
  mode: FakeSpamdMode;
  close(): Promise<void>;
}

export async function startFakeSpamd(mode: FakeSpamdMode = 'normal'): Promise<FakeSpamd> {
  const sockets = new Set<Socket>();
  const state = { mode, requests: [] as FakeSpamdRequest[] };
  const server: Server = createServer((socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => {});
    let buf = Buffer.alloc(0);
    socket.on('data', (chunk: Buffer) => {
      buf = Buffer.concat([buf, chunk]);
      if (buf.length > 10_000_000) socket.destroy();
      const end = buf.indexOf('\r\n\r\n');
      if (end < 0) return;
      const [first = '', ...lines] = buf.subarray(0, end).toString('latin1').split('\r\n');
      const headers: Record<string, string> = {};
      for (const l of lines) {
        const i = l.indexOf(':');
        headers[l.slice(0, i).toLowerCase()] = l.slice(i + 1).trim();
      }
      const need = Number(headers['content-length'] ?? 0);
      if (buf.length - end - 4 < need) return;
      const body = buf.subarray(end + 4, end + 4 + need);
      buf = Buffer.alloc(0);
      state.requests.push({ verb: first, headers, body });
      answer(socket, first, body);
    });
  });
  function answer(socket: Socket, first: string, body: Buffer): void {
    if (state.mode === 'hang') return;
    if (state.mode === 'garbage') return void socket.end('HTTP/1.0 200 OK\r\n\r\nhello');
    if (state.mode === 'protocol-error' || !/^(CHECK|SYMBOLS) SPAMC\/1\.\d$/.test(first)) {
      return void socket.end(`SPAMD/1.0 76 Bad header line: ${first}\r\n`);
    }
    const spam = body.includes(GTUBE);
    const score = spam ? '1000.0' : '0.5';
    const symbols = first.startsWith('SYMBOLS') ? (spam ? 'GTUBE,MISSING_DATE' : 'MISSING_DATE') : '';
    const len = symbols ? `Content-length: ${symbols.length}\r\n` : '';
    socket.end(`SPAMD/1.1 0 EX_OK\r\n${len}Spam: ${spam ? 'True' : 'False'} ; ${score} / 5.0\r\n\r\n${symbols}`);
  }
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  return {
    port,
    requests: state.requests,
    get mode() {
      return state.mode;
    },
    set mode(m: FakeSpamdMode) {
      state.mode = m;
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}
