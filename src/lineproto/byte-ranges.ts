// Equality of two ranges of one body, compared four bytes at a time.

/** Whether buf[aStart, aEnd) and buf[bStart, bEnd) hold the same bytes (`view` is a DataView of `buf`). */
export function sameRange(view: DataView, buf: Uint8Array, aStart: number, aEnd: number, bStart: number, bEnd: number): boolean {
  const length = aEnd - aStart;
  if (length !== bEnd - bStart) return false;
  let k = 0;
  for (; k + 4 <= length; k += 4) if (view.getInt32(aStart + k, true) !== view.getInt32(bStart + k, true)) return false;
  for (; k < length; k++) if (buf[aStart + k] !== buf[bStart + k]) return false;
  return true;
}
