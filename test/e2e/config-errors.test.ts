/**
 * A bad configuration file stops `mailward` with status 2 and a message naming the file, the
 * key path and the problem; through the real ./bin/mailward child process.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';

const BIN = join(import.meta.dirname, '../../bin/mailward');
let dir: string;

function mailward(
  args: string[],
  env: Record<string, string> = {},
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, ...args], {
      env: { ...process.env, MAILWARD_CONFIG: '', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => {
      stdout += d;
    });
    child.stderr.on('data', (d) => {
      stderr += d;
    });
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

async function configFile(name: string, text: string): Promise<string> {
  const p = join(dir, name);
  await writeFile(p, text);
  return p;
}

before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'mailward-config-e2e-'));
});
after(async () => {
  await rm(dir, { recursive: true, force: true });
});

test('values out of range and unknown keys are named by key path, status 2', async () => {
  const p = await configFile(
    'bad.toml',
    [
      `data_dir = "${join(dir, 'data')}"`,
      'trusted_networks = ["127.0.0.1/32", "10.1.2.3/8"]',
      '[[listeners]]',
      'role = "mx"',
      'port = 2525',
      '[[listeners]]',
      'role = "submission"',
      'port = 65536',
      '[delivery]',
      'smtp_port = 0',
      '',
    ].join('\n'),
  );
  assert.deepEqual(await mailward(['--config', p, 'domain', 'list']), {
    code: 2,
    stdout: '',
    stderr: [
      `mailward: invalid configuration (${p}):`,
      '  trusted_networks[1]: invalid network "10.1.2.3/8": host bits are set (did you mean 10.0.0.0/8?)',
      '  listeners[1].port: expected a number between 0 and 65535',
      '  delivery.smtp_port: expected a number between 1 and 65535',
      '',
    ].join('\n'),
  });
});

test('a typo in a key is an error, found through MAILWARD_CONFIG', async () => {
  const p = await configFile('typo.toml', `data_dir = "${join(dir, 'data')}"\n[log]\nlevle = "debug"\n`);
  assert.deepEqual(await mailward(['domain', 'list'], { MAILWARD_CONFIG: p }), {
    code: 2,
    stdout: '',
    stderr: `mailward: invalid configuration (${p}):\n  log.levle: unknown key (did you mean "level"?)\n`,
  });
});

test('a TOML syntax error names the line, status 2', async () => {
  const p = await configFile('syntax.toml', 'hostname = "mx.example.test"\ndata_dir = \n');
  const r = await mailward(['--config', p, 'domain', 'list']);
  assert.equal(r.code, 2);
  assert.equal(r.stdout, '');
  assert.match(
    r.stderr,
    new RegExp(`^mailward: invalid configuration \\(${p}\\):\\n  ${p}: line 2, column \\d+: .+\\n$`),
  );
});

test('a valid file is used: data_dir from the file, --data-dir overriding it', async () => {
  const p = await configFile('good.toml', `data_dir = "${join(dir, 'from-file')}"\n`);
  assert.deepEqual(await mailward(['--config', p, 'domain', 'add', 'a.test']), {
    code: 0,
    stdout: 'added domain a.test\n',
    stderr: '',
  });
  assert.deepEqual(await mailward(['--config', p, '--data-dir', join(dir, 'other'), 'domain', 'list']), {
    code: 0,
    stdout: '',
    stderr: '',
  });
  assert.deepEqual(await mailward(['--config', p, 'domain', 'list']), { code: 0, stdout: 'a.test\n', stderr: '' });
});
