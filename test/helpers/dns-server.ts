/**
 * A DNS server on loopback for tests (in-process, dns2 over UDP), serving a zone object:
 *   { 'remote.test': { MX: [{ exchange: 'mx1.remote.test', priority: 10 }], A: ['127.0.0.2'] },
 *     'broken.test': { SERVFAIL: true }, 'spf.test': { TXT: ['v=spf1 -all'] } }
 * Unknown names get NXDOMAIN; a known name without records of the asked type gets an empty
 * NOERROR answer (NODATA). Names are matched case-insensitively without a trailing dot.
 * TXT values are a string or an array of character-strings (kept as separate strings, as
 * DKIM keys longer than 255 octets need). The zone can be changed while the server runs.
 * RFC 1035 §4.1.1 (RCODE), RFC 2308 §2.2 (NODATA), RFC 7505 (null MX: `{ exchange: '.', priority: 0 }`).
 */
import { Resolver } from 'node:dns/promises';
import dns2 from 'dns2';

const { Packet } = dns2;

export interface ZoneRecords {
  MX?: Array<{ exchange: string; priority: number }>;
  A?: string[];
  AAAA?: string[];
  TXT?: Array<string | string[]>;
  CNAME?: string;
  PTR?: string[];
  /** Answer every query for this name with SERVFAIL. */
  SERVFAIL?: boolean;
}

export type Zone = Record<string, ZoneRecords>;

export interface TestDnsServer {
  port: number;
  /** A node:dns/promises Resolver already pointed at this server. */
  resolver: Resolver;
  /** The live zone: edit it to change answers. */
  zone: Zone;
  /** Every question asked, as "TYPE name". */
  queries: string[];
  close(): Promise<void>;
}

/** RFC 1035 §4.1.1 response codes (dns2's typings omit Packet.RCODE). */
const RCODE = { FORMERR: 1, SERVFAIL: 2, NXDOMAIN: 3 } as const;

const TYPE_NAMES = new Map<number, string>(Object.entries(Packet.TYPE).map(([k, v]) => [v as number, k]));

export async function startDnsServer(zone: Zone): Promise<TestDnsServer> {
  const live: Zone = {};
  for (const [name, recs] of Object.entries(zone)) live[normalise(name)] = recs;
  const queries: string[] = [];
  const server = dns2.createServer({
    udp: true,
    handle(request, send) {
      const response = Packet.createResponseFromRequest(request);
      response.header.aa = 1;
      const question = request.questions[0];
      if (!question) {
        response.header.rcode = RCODE.FORMERR;
        send(response);
        return;
      }
      const name = normalise(question.name);
      const type = TYPE_NAMES.get(question.type) ?? String(question.type);
      queries.push(`${type} ${name}`);
      const recs = live[name];
      if (!recs) {
        response.header.rcode = RCODE.NXDOMAIN;
      } else if (recs.SERVFAIL) {
        response.header.rcode = RCODE.SERVFAIL;
      } else {
        for (const answer of answersFor(question.name, type, recs)) response.answers.push(answer);
      }
      send(response);
    },
  });
  const addresses = await server.listen({ udp: { port: 0, address: '127.0.0.1' } });
  const port = (addresses as { udp: { port: number } }).udp.port;
  const resolver = new Resolver({ timeout: 1000, tries: 1 });
  resolver.setServers([`127.0.0.1:${port}`]);
  return {
    port,
    resolver,
    zone: new Proxy(live, {
      set(target, key, value) {
        target[normalise(String(key))] = value;
        return true;
      },
    }),
    queries,
    async close() {
      resolver.cancel();
      await server.close();
    },
  };
}

function normalise(name: string): string {
  return name.toLowerCase().replace(/\.$/, '');
}

// biome-ignore lint/suspicious/noExplicitAny: dns2's resource records are loosely typed objects
function answersFor(name: string, type: string, recs: ZoneRecords): any[] {
  const base = { name, class: Packet.CLASS.IN, ttl: 60 };
  switch (type) {
    case 'MX':
      return (recs.MX ?? []).map((mx) => ({
        ...base,
        type: Packet.TYPE.MX,
        exchange: mx.exchange,
        priority: mx.priority,
      }));
    case 'A':
      return (recs.A ?? []).map((address) => ({ ...base, type: Packet.TYPE.A, address }));
    case 'AAAA':
      return (recs.AAAA ?? []).map((address) => ({ ...base, type: Packet.TYPE.AAAA, address }));
    case 'TXT':
      return (recs.TXT ?? []).map((data) => ({
        ...base,
        type: Packet.TYPE.TXT,
        data: Array.isArray(data) ? data : [data],
      }));
    case 'PTR':
      return (recs.PTR ?? []).map((domain) => ({ ...base, type: Packet.TYPE.PTR, domain }));
    case 'CNAME':
      return recs.CNAME ? [{ ...base, type: Packet.TYPE.CNAME, domain: recs.CNAME }] : [];
    default:
      return [];
  }
}
