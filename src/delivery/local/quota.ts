/**
 * Mailbox usage for the optional per-user quota: the sum of the message sizes in new/ and
 * cur/. The size is read from the Maildir++ `,S=<bytes>` part of a file name where present
 * (our own deliveries, Dovecot's), else from stat. Simple and always right; it costs one
 * directory read per delivery to a user with a quota (no maildirsize cache to go stale).
 */
import { readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';

export async function maildirUsage(maildir: string): Promise<number> {
  let total = 0;
  for (const sub of ['new', 'cur']) {
    let names: string[];
    try {
      names = await readdir(join(maildir, sub));
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') continue;
      throw err;
    }
    for (const name of names) {
      const m = /,S=(\d+)/.exec(name);
      if (m) {
        total += Number(m[1]);
        continue;
      }
      try {
        total += (await stat(join(maildir, sub, name))).size;
      } catch {
        // Moved or expunged by the mail reader meanwhile: not counted.
      }
    }
  }
  return total;
}
