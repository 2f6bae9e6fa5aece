/**
 * Idle outbound sessions kept for a few seconds per remote (ip, port, TLS mode, login), so
 * that several messages to the same host share one connection. A session taken from the
 * pool is checked with RSET first (RFC 5321 §4.1.1.5): a remote that closed it while idle
 * (a 421 timeout, RFC 5321 §4.5.3.2) is noticed there and a fresh session is opened.
 */
import type { SmtpSession } from './session.js';

interface Idle {
  session: SmtpSession;
  timer: NodeJS.Timeout;
}

export class SessionPool {
  private idle = new Map<string, Idle[]>();
  private closed = false;

  constructor(
    private readonly idleMs: number,
    private readonly maxMessages: number,
  ) {}

  static key(o: { ip: string; port: number; tls: string; username?: string }): string {
    return `${o.ip}|${o.port}|${o.tls}|${o.username ?? ''}`;
  }

  /** A reusable session for this key, already RSET, or null. */
  async take(key: string, commandTimeoutMs: number): Promise<SmtpSession | null> {
    const list = this.idle.get(key);
    while (list && list.length > 0) {
      const entry = list.pop() as Idle;
      clearTimeout(entry.timer);
      entry.session.setIdle(false);
      if (list.length === 0) this.idle.delete(key);
      if (!entry.session.usable) {
        entry.session.destroy();
        continue;
      }
      const r = await entry.session.command('RSET', commandTimeoutMs);
      if (r.ok && r.reply.code === 250) return entry.session;
      entry.session.destroy();
    }
    return null;
  }

  /** Keeps the session for reuse when it is healthy, else ends it. */
  async release(key: string, session: SmtpSession): Promise<void> {
    if (session.spoiled) {
      // A remote that timed out or broke the session gets no QUIT to wait for.
      session.destroy();
      return;
    }
    if (this.closed || this.idleMs <= 0 || !session.usable || session.messages >= this.maxMessages) {
      await session.quit();
      return;
    }
    const entry: Idle = {
      session,
      timer: setTimeout(() => {
        const list = this.idle.get(key) ?? [];
        const i = list.indexOf(entry);
        if (i >= 0) list.splice(i, 1);
        if (list.length === 0) this.idle.delete(key);
        void session.quit();
      }, this.idleMs),
    };
    // An idle connection must not keep the process alive.
    entry.timer.unref();
    session.setIdle(true);
    const list = this.idle.get(key) ?? [];
    list.push(entry);
    this.idle.set(key, list);
  }

  /** Ends every idle session; sessions still in use are ended when they come back. */
  async closeAll(): Promise<void> {
    this.closed = true;
    const all = [...this.idle.values()].flat();
    this.idle.clear();
    await Promise.all(
      all.map((e) => {
        clearTimeout(e.timer);
        return e.session.quit();
      }),
    );
  }
}
