/**
 * openDatabase: pragmas, migrations applied once each in order, two schemas in one file,
 * a failing migration rolled back whole, and mismatches refused.
 */
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { type Migration, openDatabase } from './open.js';

let dir: string;
before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'mailward-open-'));
});
after(async () => {
  await rm(dir, { recursive: true, force: true });
});

const dirMigrations: Migration[] = [
  { version: 1, name: 'domains', up: 'CREATE TABLE d (name TEXT PRIMARY KEY)' },
  { version: 2, name: 'seed', up: (db) => db.prepare("INSERT INTO d VALUES ('a.test')").run() },
];
const queueMigrations: Migration[] = [{ version: 1, name: 'queue', up: 'CREATE TABLE q (id TEXT PRIMARY KEY)' }];

test('sets WAL, synchronous=FULL, foreign keys and a busy timeout', () => {
  const db = openDatabase(join(dir, 'p.db'), []);
  assert.equal(db.pragma('journal_mode', { simple: true }), 'wal');
  assert.equal(db.pragma('synchronous', { simple: true }), 2);
  assert.equal(db.pragma('foreign_keys', { simple: true }), 1);
  assert.equal(db.pragma('busy_timeout', { simple: true }), 5000);
  db.close();
});

test('applies each migration once, and two schemas share one file', () => {
  const file = join(dir, 'two.db');
  openDatabase(file, dirMigrations, { schema: 'directory' }).close();
  const db = openDatabase(file, dirMigrations, { schema: 'directory' });
  db.close();
  const db2 = openDatabase(file, queueMigrations, { schema: 'queue' });
  assert.deepEqual(db2.prepare('SELECT name FROM d').all(), [{ name: 'a.test' }]);
  assert.deepEqual(db2.prepare('SELECT schema, version, name FROM schema_migrations ORDER BY schema, version').all(), [
    { schema: 'directory', version: 1, name: 'domains' },
    { schema: 'directory', version: 2, name: 'seed' },
    { schema: 'queue', version: 1, name: 'queue' },
  ]);
  db2.close();
});

test('a failing migration leaves nothing behind', () => {
  const file = join(dir, 'fail.db');
  const broken: Migration[] = [
    { version: 1, name: 'ok', up: 'CREATE TABLE a (x)' },
    { version: 2, name: 'half', up: 'CREATE TABLE b (x); CREATE TABLE a (x)' },
  ];
  assert.throws(() => openDatabase(file, broken), /table a already exists/);
  const db = openDatabase(file, broken.slice(0, 1));
  const tables = db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name").all();
  assert.deepEqual(tables, [{ name: 'a' }, { name: 'schema_migrations' }]);
  db.close();
});

test('refuses a renamed migration and a database newer than the code', () => {
  const file = join(dir, 'mismatch.db');
  openDatabase(file, dirMigrations, { schema: 'directory' }).close();
  assert.throws(
    () => openDatabase(file, [{ ...dirMigrations[0]!, name: 'other' }, dirMigrations[1]!], { schema: 'directory' }),
    /directory migration 1 is "domains" in the database, "other" here/,
  );
  assert.throws(
    () => openDatabase(file, dirMigrations.slice(0, 1), { schema: 'directory' }),
    /database has directory migration 2 \(seed\) that this version does not know/,
  );
});

test('refuses versions out of order', () => {
  assert.throws(() => openDatabase(':memory:', [dirMigrations[1]!, dirMigrations[0]!]), /strictly increasing/);
});
