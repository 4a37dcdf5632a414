/** What the SIGKILL test's child writes, so that the parent can check every byte after. */

export const BATCH_ENTRIES = 8;

/** Terms grow every 50 entries, so that entries of several terms are stored. */
export const termAt = (index: number): number => 1 + Math.floor(index / 50);

/** A 64-byte payload that names its index. */
export function entryData(index: number): Uint8Array {
  return new TextEncoder().encode(`entry ${index} `.padEnd(64, '.'));
}

export function snapshotData(index: number): Uint8Array {
  return new TextEncoder().encode(`state machine at ${index}`);
}
