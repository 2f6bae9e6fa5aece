/**
 * Keeps docs/replies.md in step with the catalogue (STYLE.md §2): every reply name has one
 * table row whose stage and texts are exactly the catalogue's. Run with UPDATE_DOCS=1 to
 * print the rows.
 */
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { it } from 'node:test';
import { CATALOGUE, type CatalogueEntry, type ReplyTemplate } from './catalogue.js';

const show = (t: ReplyTemplate): string =>
  t.lines
    .map((l, i) => `\`${t.code}${i === t.lines.length - 1 ? ' ' : '-'}${t.enhanced ? `${t.enhanced} ` : ''}${l}\``)
    .join(' / ');

export function docRow(e: CatalogueEntry): string {
  const d = show(e.styles.default);
  const q = e.styles.qmail ? show(e.styles.qmail) : '(default)';
  const s = e.styles.sendmail ? show(e.styles.sendmail) : '(default)';
  return `| ${e.name} | ${e.stage.toUpperCase()} | ${d} | ${q} | ${s} |`;
}

it('docs/replies.md has exactly one up-to-date row per catalogue reply', async () => {
  const doc = await readFile(new URL('../../docs/replies.md', import.meta.url), 'utf8');
  if (process.env.UPDATE_DOCS) console.log(CATALOGUE.map(docRow).join('\n'));
  const rows = doc.split('\n').filter((l) => /^\| [a-z_]+ \| [A-Z]+ \|/.test(l));
  assert.deepEqual(rows, CATALOGUE.map(docRow));
});
