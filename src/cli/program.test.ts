/**
 * The whole `mailward` program run in-process (runCli with captured streams): every command,
 * its exact output, error messages and exit statuses. test/e2e/cli-*.test.ts repeat the
 * key failures through the real ./bin/mailward child process.
 */
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { after, describe, test } from 'node:test';
import { withIo } from './io.js';
import { commandName, runCli } from './program.js';

delete process.env.MAILWARD_CONFIG;
const dirs: string[] = [];

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

async function run(args: string[], stdin?: string): Promise<Run> {
  let stdout = '';
  let stderr = '';
  const code = await withIo(
    {
      stdin: Readable.from([stdin ?? '']),
      writeOut: (t) => {
        stdout += t;
      },
      writeErr: (t) => {
        stderr += t;
      },
    },
    () => runCli(['node', 'mailward', ...args]),
  );
  return { code, stdout, stderr };
}

async function admin(): Promise<(args: string[], stdin?: string) => Promise<Run>> {
  const dir = await mkdtemp(join(tmpdir(), 'mailward-cli-'));
  dirs.push(dir);
  return (args, stdin) => run(['--data-dir', dir, ...args], stdin);
}

after(async () => {
  for (const d of dirs) await rm(d, { recursive: true, force: true });
});

describe('mailward CLI (in-process)', () => {
  test('domain add, list and remove; duplicates and malformed names are refused', async () => {
    const mw = await admin();
    assert.deepEqual(await mw(['domain', 'add', 'Example.COM']), {
      code: 0,
      stdout: 'added domain example.com\n',
      stderr: '',
    });
    assert.deepEqual(await mw(['domain', 'add', 'example.com']), {
      code: 1,
      stdout: '',
      stderr: 'mailward: domain example.com already exists\n',
    });
    assert.deepEqual(await mw(['domain', 'add', 'bad_domain!']), {
      code: 2,
      stdout: '',
      stderr: 'mailward: invalid domain "bad_domain!": invalid domain\n',
    });
    assert.deepEqual(await mw(['domain', 'list']), { code: 0, stdout: 'example.com\n', stderr: '' });
    assert.deepEqual(await mw(['domain', 'remove', 'nowhere.test']), {
      code: 1,
      stdout: '',
      stderr: 'mailward: unknown domain nowhere.test\n',
    });
    assert.deepEqual(await mw(['domain', 'remove', 'example.com']), {
      code: 0,
      stdout: 'removed domain example.com\n',
      stderr: '',
    });
    assert.deepEqual(await mw(['domain', 'list']), { code: 0, stdout: '', stderr: '' });
  });

  test('user add reads the password from stdin; unknown domain, duplicate and bad address fail', async () => {
    const mw = await admin();
    await mw(['domain', 'add', 'example.com']);
    assert.deepEqual(await mw(['user', 'add', 'Bob@example.com', '--password-stdin'], 's3cret\n'), {
      code: 0,
      stdout: 'added user bob@example.com\n',
      stderr: '',
    });
    assert.deepEqual(await mw(['user', 'add', 'bob@example.com', '--password-stdin'], 'x\n'), {
      code: 1,
      stdout: '',
      stderr: 'mailward: user bob@example.com already exists\n',
    });
    assert.deepEqual(await mw(['user', 'add', 'bob@nowhere.test', '--password-stdin'], 'x\n'), {
      code: 1,
      stdout: '',
      stderr: 'mailward: unknown domain nowhere.test\n',
    });
    assert.deepEqual(await mw(['user', 'add', 'not-an-address', '--password-stdin'], 'x\n'), {
      code: 2,
      stdout: '',
      stderr: 'mailward: invalid address "not-an-address": missing local part or @\n',
    });
    assert.deepEqual(await mw(['user', 'add', 'carol@example.com'], ''), {
      code: 2,
      stdout: '',
      stderr: 'mailward: no password given: use --password-stdin, or run in a terminal to be prompted\n',
    });
    assert.deepEqual(await mw(['user', 'add', 'carol@example.com', '--password-stdin'], '\n'), {
      code: 2,
      stdout: '',
      stderr: 'mailward: the password must not be empty\n',
    });
    assert.deepEqual(await mw(['user', 'list']), { code: 0, stdout: 'bob@example.com\n', stderr: '' });
  });

  test('user passwd, list with quota, remove; the domain cannot go while a user remains', async () => {
    const mw = await admin();
    await mw(['domain', 'add', 'example.com']);
    await mw(['user', 'add', 'a@example.com', '--password-stdin', '--quota', '10M'], 'one\n');
    assert.deepEqual(await mw(['user', 'passwd', 'a@example.com', '--password-stdin'], 'two\n'), {
      code: 0,
      stdout: 'changed the password of a@example.com\n',
      stderr: '',
    });
    assert.deepEqual(await mw(['user', 'passwd', 'z@example.com', '--password-stdin'], 'two\n'), {
      code: 1,
      stdout: '',
      stderr: 'mailward: unknown user z@example.com\n',
    });
    assert.deepEqual(await mw(['user', 'list', 'example.com']), {
      code: 0,
      stdout: 'a@example.com\tquota 10485760\n',
      stderr: '',
    });
    assert.deepEqual(await mw(['domain', 'remove', 'example.com']), {
      code: 1,
      stdout: '',
      stderr: 'mailward: domain example.com still has 1 user(s) and 0 alias(es)\n',
    });
    assert.deepEqual(await mw(['user', 'remove', 'a@example.com']), {
      code: 0,
      stdout: 'removed user a@example.com\n',
      stderr: '',
    });
    assert.deepEqual(await mw(['user', 'remove', 'a@example.com']), {
      code: 1,
      stdout: '',
      stderr: 'mailward: unknown user a@example.com\n',
    });
  });

  test('aliases, including a catch-all; unknown domain and bad targets fail', async () => {
    const mw = await admin();
    await mw(['domain', 'add', 'example.com']);
    assert.deepEqual(await mw(['alias', 'add', 'info@example.com', 'a@example.com', 'b@remote.test']), {
      code: 0,
      stdout: 'added alias info@example.com -> a@example.com, b@remote.test\n',
      stderr: '',
    });
    assert.equal((await mw(['alias', 'add', '@example.com', 'postmaster@example.com'])).code, 0);
    assert.deepEqual(await mw(['alias', 'add', 'x@nowhere.test', 'a@example.com']), {
      code: 1,
      stdout: '',
      stderr: 'mailward: unknown domain nowhere.test\n',
    });
    assert.deepEqual(await mw(['alias', 'add', 'y@example.com', 'nobody']), {
      code: 2,
      stdout: '',
      stderr: 'mailward: invalid address "nobody": missing local part or @\n',
    });
    assert.deepEqual(await mw(['alias', 'list']), {
      code: 0,
      stdout: '@example.com -> postmaster@example.com\ninfo@example.com -> a@example.com, b@remote.test\n',
      stderr: '',
    });
    assert.deepEqual(await mw(['alias', 'remove', '@example.com']), {
      code: 0,
      stdout: 'removed alias @example.com\n',
      stderr: '',
    });
  });

  test('badmailfrom: the three kinds, a bad regex and a duplicate', async () => {
    const mw = await admin();
    assert.deepEqual(await mw(['badmailfrom', 'add', '/a(b/']), {
      code: 2,
      stdout: '',
      stderr: 'mailward: invalid badmailfrom pattern "/a(b/": Invalid regular expression: /a(b/i: Unterminated group\n',
    });
    assert.equal((await mw(['badmailfrom', 'add', 'Spammer@Example.com'])).code, 0);
    assert.equal((await mw(['badmailfrom', 'add', '@spam.test'])).code, 0);
    assert.deepEqual(await mw(['badmailfrom', 'add', '/^bulk-/']), {
      code: 0,
      stdout: 'added badmailfrom /^bulk-/\n',
      stderr: '',
    });
    assert.deepEqual(await mw(['badmailfrom', 'add', '@SPAM.test']), {
      code: 1,
      stdout: '',
      stderr: 'mailward: badmailfrom @spam.test already exists\n',
    });
    assert.deepEqual(await mw(['badmailfrom', 'list']), {
      code: 0,
      stdout: '/^bulk-/\tregex\n@spam.test\tdomain\nspammer@example.com\taddress\n',
      stderr: '',
    });
  });

  test('trusted networks: malformed CIDRs fail, the config ones are listed and cannot be removed here', async () => {
    const mw = await admin();
    assert.deepEqual(await mw(['trusted', 'add', '10.0.0.1/8']), {
      code: 2,
      stdout: '',
      stderr: 'mailward: invalid network "10.0.0.1/8": host bits are set (did you mean 10.0.0.0/8?)\n',
    });
    assert.deepEqual(await mw(['trusted', 'add', '2001:db8::/129']), {
      code: 2,
      stdout: '',
      stderr: 'mailward: invalid network "2001:db8::/129": prefix length must be from 0 to 128\n',
    });
    assert.deepEqual(await mw(['trusted', 'add', '192.0.2.0/24']), {
      code: 0,
      stdout: 'added trusted network 192.0.2.0/24\n',
      stderr: '',
    });
    assert.deepEqual(await mw(['trusted', 'list']), {
      code: 0,
      stdout: '127.0.0.1/32\t(config)\n::1/128\t(config)\n192.0.2.0/24\n',
      stderr: '',
    });
    assert.deepEqual(await mw(['trusted', 'remove', '127.0.0.1/32']), {
      code: 1,
      stdout: '',
      stderr: 'mailward: trusted network 127.0.0.1/32 comes from the config file (trusted_networks); edit the file\n',
    });
  });

  test('usage errors exit 2; help exits 0', async () => {
    const mw = await admin();
    assert.deepEqual(await mw(['bogus']), {
      code: 2,
      stdout: '',
      stderr: "mailward: unknown command 'bogus'\n(run with --help for usage)\n",
    });
    assert.deepEqual(await mw(['user', 'add']), {
      code: 2,
      stdout: '',
      stderr: "mailward: missing required argument 'address'\n(run with --help for usage)\n",
    });
    const help = await mw(['--help']);
    assert.equal(help.code, 0);
    assert.match(help.stdout, /^Usage: mailward \[options\] \[command\]\n/);
  });

  test('a run loads only the command it names; help and a mistyped name still see every command', async () => {
    assert.equal(commandName(['node', 'mailward', '--config', 'x.toml', '--data-dir', 'd', 'explain', '-']), 'explain');
    assert.equal(commandName(['node', 'mailward', '--config=x.toml', 'queue', 'list']), 'queue');
    assert.equal(commandName(['node', 'mailward', '--help']), undefined);
    const mw = await admin();
    const help = await mw(['--help']);
    for (const name of [
      'domain',
      'user',
      'alias',
      'badmailfrom',
      'trusted',
      'vacation',
      'suppression',
      'queue',
      'log',
      'sendmail',
      'explain',
      'dkim',
    ]) {
      assert.match(help.stdout, new RegExp(`\\n  ${name}\\b`), name);
    }
    const typo = await mw(['explian']);
    assert.equal(typo.code, 2);
    assert.match(typo.stderr, /\(Did you mean explain\?\)/);
  });
});
