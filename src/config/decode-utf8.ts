/** Lab files are UTF-8. Bytes that are not must be an error at their line, never replaced by U+FFFD. Pure. */
export type Decoded = { ok: true; text: string } | { ok: false; line: number; col: number };

export function decodeUtf8(bytes: Uint8Array): Decoded {
  try {
    // fatal: a bad byte throws instead of silently becoming U+FFFD; a leading BOM is dropped.
    return { ok: true, text: new TextDecoder('utf-8', { fatal: true }).decode(bytes) };
  } catch {
    const at = firstBadByte(bytes);
    const before = bytes.subarray(0, at);
    const lineStart = before.lastIndexOf(0x0a) + 1;
    const line = before.filter((b) => b === 0x0a).length + 1;
    // The column counts characters of the valid text before the bad byte on its line.
    const col = new TextDecoder('utf-8').decode(bytes.subarray(lineStart, at)).length + 1;
    return { ok: false, line, col };
  }
}

/** Offset of the first byte that does not start a valid UTF-8 sequence (RFC 3629 §4). */
function firstBadByte(b: Uint8Array): number {
  let i = 0;
  while (i < b.length) {
    const c = b[i]!;
    const n = c < 0x80 ? 1 : c >= 0xc2 && c <= 0xdf ? 2 : c >= 0xe0 && c <= 0xef ? 3 : c >= 0xf0 && c <= 0xf4 ? 4 : 0;
    if (n === 0 || i + n > b.length) return i;
    for (let k = 1; k < n; k++) if ((b[i + k]! & 0xc0) !== 0x80) return i;
    const c1 = b[i + 1]!;
    // Overlong, surrogate and beyond-U+10FFFF forms of 3- and 4-byte sequences.
    if (
      (c === 0xe0 && c1 < 0xa0) ||
      (c === 0xed && c1 > 0x9f) ||
      (c === 0xf0 && c1 < 0x90) ||
      (c === 0xf4 && c1 > 0x8f)
    )
      return i;
    i += n;
  }
  return b.length;
}
