/**
 * loadConfig: defaults without a file, the file from --config or MAILWARD_CONFIG, --data-dir
 * overriding the file, and each kind of mistake named by key path.
 */
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { loadConfig } from './load.js';

let dir: string;
before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'mailward-config-'));
});
after(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function file(name: string, text: string): Promise<string> {
  const p = join(dir, name);
  await writeFile(p, text);
  return p;
}

test('without a file, the embedded defaults apply', () => {
  const r = loadConfig({ env: {}, cwd: '/srv' });
  assert.ok(r.ok);
  assert.equal(r.config.hostname, hostname());
  assert.equal(r.config.data_dir, '/srv/data');
  assert.deepEqual(r.config.trusted_networks, ['127.0.0.1/32', '::1/128']);
  assert.equal(r.config.log.level, 'info');
  assert.equal(r.file, null);
});

test('MAILWARD_CONFIG names the file; --data-dir overrides its data_dir', async () => {
  const p = await file('env.toml', 'hostname = "mx.example.test"\ndata_dir = "/var/lib/mailward"\n');
  const r = loadConfig({ env: { MAILWARD_CONFIG: p } });
  assert.ok(r.ok);
  assert.equal(r.config.hostname, 'mx.example.test');
  assert.equal(r.config.data_dir, '/var/lib/mailward');
  const o = loadConfig({ env: { MAILWARD_CONFIG: p }, dataDir: '/tmp/other' });
  assert.ok(o.ok);
  assert.equal(o.config.data_dir, '/tmp/other');
});

test('the result is deep-frozen', () => {
  const r = loadConfig({ env: {} });
  assert.ok(r.ok);
  assert.ok(Object.isFrozen(r.config));
  assert.ok(Object.isFrozen(r.config.log));
  assert.ok(Object.isFrozen(r.config.trusted_networks));
});

test('a TOML syntax error names the file and the line', async () => {
  const p = await file('syntax.toml', 'hostname = "a"\n[log\nlevel = "info"\n');
  const r = loadConfig({ file: p, env: {} });
  assert.equal(r.ok, false);
  assert.match(r.ok ? '' : r.errors.join('\n'), new RegExp(`^${p}: line 2, column \\d+: `));
});

test('a missing file is an error that names it', () => {
  const r = loadConfig({ file: join(dir, 'nope.toml'), env: {} });
  assert.deepEqual(r, { ok: false, errors: [`${join(dir, 'nope.toml')}: cannot read the config file (ENOENT)`] });
});

test('unknown keys are errors, with a suggestion', async () => {
  const p = await file('typo.toml', 'hostnme = "a"\n[log]\nlevl = "debug"\n');
  const r = loadConfig({ file: p, env: {} });
  assert.deepEqual(r, {
    ok: false,
    errors: ['hostnme: unknown key (did you mean "hostname"?)', 'log.levl: unknown key (did you mean "level"?)'],
  });
});

test('wrong types, values out of range and bad networks name the key path', async () => {
  const p = await file(
    'bad.toml',
    'hostname = 5\ntrusted_networks = ["127.0.0.1/32", "10.0.0.1/8", "::1/129"]\n[log]\nlevel = "loud"\n[delivery]\nsmtp_port = 70000\n',
  );
  const r = loadConfig({ file: p, env: {} });
  assert.deepEqual(r, {
    ok: false,
    errors: [
      'hostname: expected a string, got 5',
      'trusted_networks[1]: invalid network "10.0.0.1/8": host bits are set (did you mean 10.0.0.0/8?)',
      'trusted_networks[2]: invalid network "::1/129": prefix length must be from 0 to 128',
      'log.level: expected one of "trace", "debug", "info", "warn", "error", "fatal", "silent", got "loud"',
      'delivery.smtp_port: expected a number between 1 and 65535',
    ],
  });
});

test('typos are reported together with wrong values', async () => {
  const p = await file('both.toml', '[delivery]\nsmtp_port = 0\n[delivery.timeouts]\nconect = 3\n');
  const r = loadConfig({ file: p, env: {} });
  assert.deepEqual(r, {
    ok: false,
    errors: [
      'delivery.smtp_port: expected a number between 1 and 65535',
      'delivery.timeouts.conect: unknown key (did you mean "connect"?)',
    ],
  });
});

test('a listener port out of range is named with its index', async () => {
  const p = await file(
    'listeners.toml',
    '[[listeners]]\nrole = "mx"\nport = 25\n[[listeners]]\nrole = "submission"\nport = 70000\nprot = 1\n',
  );
  const r = loadConfig({ file: p, env: {} });
  assert.deepEqual(r, {
    ok: false,
    errors: [
      'listeners[1].port: expected a number between 0 and 65535',
      'listeners[1].prot: unknown key (did you mean "port"?)',
    ],
  });
});

test('trusted networks are stored in canonical form', async () => {
  const p = await file('nets.toml', 'trusted_networks = ["2001:0DB8::/32", "192.0.2.7"]\n');
  const r = loadConfig({ file: p, env: {} });
  assert.ok(r.ok);
  assert.deepEqual(r.config.trusted_networks, ['2001:db8::/32', '192.0.2.7/32']);
});
