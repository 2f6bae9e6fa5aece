/**
 * Rules about getting there: DNS, connections, queue lifetime, the remote's own faults,
 * rate limits and SMTP syntax. RFC 3463 §3.5 (X.4.X network and routing), §3.6 (X.5.X
 * protocol), §3.3 (X.3.X mail system); RFC 7505 (null MX).
 */
import type { TextRule } from './rule.js';

export const transportRules: TextRule[] = [
  // 550 5.7.27 Sender address has null MX
  // 556 5.1.10 Recipient address has null MX
  {
    reason: 'notaccept',
    example: '556 5.1.10 Recipient address has null MX',
    text: /null mx|does not accept (?:any )?(?:e-?)?mail|not accepting (?:any )?(?:e-?)?mail|accepts no mail|no mail (?:service|exchanger)|mail is not accepted|(?:server|service) (?:is )?(?:under maintenance|in maintenance|overloaded)/,
  },
  // Sorry, I couldn't find any host named cx.example.com. (#5.1.2)
  // 550 5.1.2 Host unknown (Name server: example.net: host not found)
  {
    reason: 'hostunknown',
    example: "Sorry, I couldn't find any host named cx.example.com. (#5.1.2)",
    text: /(?:host|domain)(?: name)? (?:not found|unknown|does not exist|lookup failed|name not found|is invalid)|unknown (?:host|domain)|(?:couldn'?t|could not|unable to) (?:find|resolve) (?:any )?(?:host|domain|the domain|mx)|no such (?:host|domain)|(?:domain|host) (?:\S+ )?(?:does not|doesn'?t) exist|name service error|nxdomain|unrouteable mail domain|invalid domain|domain .*not (?:exist|found)|no mx (?:record|host)|mx (?:record )?(?:lookup|not found)|dns (?:error|failure).*(?:domain|host)|all relevant mx records point to non-existent hosts|no valid host|unknown host|(?:^|[:>] )(?:[a-z0-9-]+\.)+[a-z]{2,} does not exist/,
  },
  // 452 4.4.5 Insufficient disk space; try again later
  {
    reason: 'systemfull',
    example: '452 4.4.5 Insufficient disk space; try again later',
    text: /insufficient (?:system )?(?:disk )?(?:space|storage)(?!.*mailbox)|(?:disk|spool|queue|file ?system) (?:is )?full|no space left|system (?:storage|resources)/,
  },
  // 421 4.7.0 Too many concurrent SMTP connections from this IP address; please try again later.
  // 452 4.5.3 Too many recipients
  {
    reason: 'toomanyconn',
    example: '421 4.7.0 Too many concurrent SMTP connections from this IP address; please try again later.',
    text: /too many (?:concurrent |simultaneous )?(?:smtp )?(?:connections|sessions|recipients|rcpt)|connection limit|recipients? (?:limit|count) exceeded|max(?:imum)? (?:number of )?(?:connections|recipients)|too many messages in|exceeded the maximum number of recipients/,
  },
  // 554 neko-22.nyaan.r.example.net : CAT : neko22 : CAT : You've reached your daily relay quota - 203.0.113.0
  // A quota per hour or day is a sending rate, not a full mailbox: tried before the mailbox rules
  // (classify.ts), whose "exceeded ... quota" would take it.
  {
    reason: 'speeding',
    example:
      "554 neko-22.nyaan.r.example.net : CAT : neko22 : CAT : You've reached your daily relay quota - 203.0.113.0",
    text: /(?:reached|exceeded) (?:your |the |its )?(?:hourly|daily|sending|relay) (?:\w+ )?(?:limit|quota)/,
  },
  // 450 4.7.1 Sending rate exceeded; please slow down
  // 550 Ip frequency limited [...] (Tencent QQ: too many messages from one address in a while)
  {
    reason: 'speeding',
    example: '450 4.7.1 Sending rate exceeded; please slow down',
    text: /rate (?:limit(?:ed)?|exceeded)|too (?:fast|many messages)|slow down|(?:sending|message) rate|throttl|frequency limit/,
  },
  // 554 5.4.6 Too many hops
  // [554 5.4.6 Hop count exceeded - possible mail loop]
  // A routing loop (RFC 3463 X.4.6), whatever else the reply says ("refused to accept your message"):
  // tried before the refusal rules (classify.ts). Not a connection limit either.
  {
    reason: 'networkerror',
    example: '554 5.4.6 Hop count exceeded - possible mail loop',
    text: /routing loop|mail (?:forwarding )?loop|mail (?:loops|loop) back|loop(?:s)? (?:back )?(?:detected|to myself)|too many hops|hop count exceeded|exceeded (?:the )?maximum hop count|forwarded more than the maximum/,
  },
  // 550 5.4.312 Message expired, DNS query failed
  // Deferred: Name server: example.co.jp.: host name lookup failure
  {
    reason: 'networkerror',
    example: '550 5.4.312 Message expired, DNS query failed',
    text: /dns (?:query|lookup|resolution) (?:failed|failure|error|timed out)|(?:host ?name|name server|mx) lookup (?:failure|failed|error)|name server: [^ ]+: host name lookup/,
  },
  // 451 4.4.7 Retry timeout exceeded
  // 554 4.4.7 Message expired: unable to deliver in 840 minutes.
  {
    reason: 'expired',
    example: '451 4.4.7 Retry timeout exceeded',
    text: /retry time(?:out)? (?:was |has been )?(?:exceeded|reached|expired)|(?:message|envelope|delivery) (?:time |period )?(?:has )?expired|delivery (?:time ?out|timeout)|lifetime exceeded|unable to deliver (?:this |the )?message (?:after|for|in) \d+|undeliverable for \d+|max(?:imum)? (?:queue|retry) (?:time|lifetime)|will be retried for|did not accept our requests to connect/,
  },
  // I'm not going to try again; this message has been in the queue too long.
  // Delevery to the following recipients was aborted after 5.0 hour(s):
  {
    reason: 'expired',
    example: "451 I'm not going to try again; this message has been in the queue too long.",
    text: /(?:message|mail) (?:has been |was )?(?:in the queue|queued) too long|aborted after [\d.]+ (?:hour|day|minute)|too long in (?:the )?queue|could not be delivered (?:for|within|after) \d+|(?:has|have) (?:been )?(?:tried|retried).*(?:given up|giving up)|(?:giving|given) up on|gave up|undeliverable for \d|(?:delivery )?attempts? (?:expired|exceeded|failed after)|exceeded (?:the )?(?:maximum )?(?:time|retries|retry)|delivery failed \d+ attempts|unable to deliver .* for \d+ (?:hours|days)|not be delivered .* retry|deferred.*(?:too long|expired)/,
  },
  // Sorry, I wasn't able to establish an SMTP connection. (#4.4.1)
  // 421 example.org (smtp)... Deferred: Connection timed out
  {
    reason: 'networkerror',
    example: "Sorry, I wasn't able to establish an SMTP connection. (#4.4.1)",
    text: /connection (?:timed out|refused|reset|closed|lost|dropped)|(?:establish|open) (?:an )?(?:smtp )?connection|network (?:is )?unreachable|no route to host|(?:host|server) (?:is )?unreachable|dns (?:lookup|query|resolution) (?:failed|error|timed out)|temporary dns|could not connect|failed to connect|conversation with .* timed out|lost connection|timeout (?:while|waiting)|read timeout|timed out while|unable to connect|not reachable|malformed (?:or unexpected )?name server reply|name server (?:timeout|failure)/,
  },
  // 554 5.3.0 Mailer error
  // 550 5.0.0 mailbox delivery failed: pipe to |/usr/local/bin/procmail exited with status 1
  {
    reason: 'mailererror',
    example: '550 5.0.0 pipe to |/usr/bin/procmail failed with exit status 1',
    text: /\bpipe to\b|procmail|mailer error|delivery program|local delivery failed|returned (?:non-zero|nonzero) status|exited with (?:status|code)|exit (?:code|status) \d|command (?:died|failed|output)|x-unix|mail(?:drop|er) (?:failed|error)|unknown mailer/,
  },
  // 451 4.3.0 Temporary system problem; try later
  {
    reason: 'systemerror',
    example: '554 5.3.0 Internal server error',
    text: /system (?:error|problem|failure)|service (?:is )?(?:currently |temporarily )?unavailable|internal (?:server |system )?error|(?:server|system|configuration) (?:mis)?configuration|misconfigur|local configuration error|ldap|database (?:error|failure)|temporary (?:local )?(?:failure|problem|error)|(?:server|service) (?:failure|error)|i\/o error|unexpected error|resources temporarily unavailable|local error in processing|too many (?:bounces|hops)|mail loop|loop detected|forwarding loop/,
  },
  // 503 5.5.0 Bad sequence of commands
  {
    reason: 'syntaxerror',
    example: '503 5.5.1 Bad sequence of commands',
    text: /bad sequence of commands|syntax error|command (?:not )?(?:recognized|unrecognized|not implemented)|unrecognized command|line too long|parameter not implemented|invalid command/,
    code: /^50[0-4]$/,
  },
];
