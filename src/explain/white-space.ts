/**
 * White space as JavaScript's \s and String.prototype.trim see it: for the scanners that look
 * at characters one by one, and for texts that are matched or shown as one line.
 */

/** Whether a character code is white space for \s and trim(). */
export function isWhiteSpace(c: number): boolean {
  if (c === 32 || (c >= 9 && c <= 13) || c === 160) return true;
  return c > 255 && /\s/.test(String.fromCharCode(c));
}

/**
 * White space runs as one space. Only the runs that are not already a single space are
 * replaced: most are one space, and a replace that finds nothing hands the string back as it
 * is instead of building a new one.
 */
const RUNS = /\s\s+|[^\S ]/g;

export function collapseSpace(text: string): string {
  return text.replace(RUNS, ' ');
}
