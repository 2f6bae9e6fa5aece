/**
 * Finds e-mail addresses in free text: the matches of
 *   /[A-Za-z0-9.!#$%&'*+/=?^_`{|}~"-]+@[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?(?:\.[A-Za-z0-9-]+)+/g
 * (an RFC 5322 dot-atom-ish local part, a host name with at least one dot), found from each
 * "@" outwards instead of trying the pattern at every character: the same matches, in a
 * fraction of the time on long notices (address-scan.test.ts checks both agree).
 */

/** One address found in a text: the address as written and where it starts. */
export interface FoundAddress {
  address: string;
  index: number;
}

// Character classes as lookup tables over char codes 0-127.
const LOCAL = new Uint8Array(128);
const LABEL = new Uint8Array(128);
for (let c = 48; c <= 57; c++) LOCAL[c] = LABEL[c] = 2;
for (let c = 65; c <= 90; c++) LOCAL[c] = LABEL[c] = LOCAL[c + 32] = LABEL[c + 32] = 2;
LABEL[45] = 1; // "-": inside a label, not at its ends
for (const ch of '.!#$%&\'*+/=?^_`{|}~"-') LOCAL[ch.charCodeAt(0)] = 1;

const isLocal = (c: number): boolean => c < 128 && LOCAL[c] !== 0;
const isLabel = (c: number): boolean => c < 128 && LABEL[c] !== 0;
const isAlnum = (c: number): boolean => c < 128 && LABEL[c] === 2;

/** Every address in `text`, left to right, not overlapping. */
export function findAddresses(text: string): FoundAddress[] {
  const out: FoundAddress[] = [];
  let from = 0; // where the previous match ended: a local part may not start before it
  for (let at = text.indexOf('@'); at >= 0; at = text.indexOf('@', at + 1)) {
    let start = at;
    while (start > from && isLocal(text.charCodeAt(start - 1))) start--;
    if (start === at) continue;
    const end = domainEnd(text, at + 1);
    if (end < 0) continue;
    out.push({ address: text.slice(start, end), index: start });
    from = end;
    at = end - 1;
  }
  return out;
}

/** End of "label(.label)+" starting at `i` (first label alnum at both ends), or -1. */
function domainEnd(text: string, i: number): number {
  if (!isAlnum(text.charCodeAt(i))) return -1;
  let j = i + 1;
  while (isLabel(text.charCodeAt(j))) j++;
  // The first label must end on a letter or digit and be followed by a dot.
  if (!isAlnum(text.charCodeAt(j - 1)) || text.charCodeAt(j) !== 46) return -1;
  let end = -1;
  while (text.charCodeAt(j) === 46 && isLabel(text.charCodeAt(j + 1))) {
    j += 2;
    while (isLabel(text.charCodeAt(j))) j++;
    end = j;
  }
  return end;
}
