/**
 * White space runs as one space, for texts that are matched or shown as one line. Only the
 * runs that are not already a single space are replaced: most are one space, and a replace
 * that finds nothing hands the string back as it is instead of building a new one.
 */
const RUNS = /\s\s+|[^\S ]/g;

export function collapseSpace(text: string): string {
  return text.replace(RUNS, ' ');
}
