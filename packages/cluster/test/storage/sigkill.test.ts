/**
 * Durability across SIGKILL: a child process writes to a durable store and announces each
 * `sync`; the test kills it with SIGKILL at varying moments (often in the middle of a batch),
 * reopens the store and checks that everything announced is there, byte for byte, and that the
 * store is consistent (each batch's entries and hard state land together or not at all).
 *
 * SIGKILL leaves the kernel's page cache intact, so this checks what the process must get
 * right (commit before announcing, atomic batches, recovery on open); surviving power loss
 * additionally rests on the fsync that `synchronous=FULL` issues at each commit.
 */

import { type ChildProcess, spawn } from 'node:child_process';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { LogIndex } from '@raftlens/raft';
import { afterAll, describe, expect, it } from 'vitest';
import { createDurableStorage } from '../../src/storage/durable.ts';
import { entryData, snapshotData, termAt } from './crash-plan.ts';
import { removeTempDirs, tempDir } from './harness.ts';

const here = dirname(fileURLToPath(import.meta.url));
const repoRoot = resolve(here, '../../../..');
const child = join(here, 'crash-child.ts');

afterAll(removeTempDirs);

/**
 * Runs the child on `dir` until it has announced `syncs` syncs, waits `extraMs` more, then kills
 * it with SIGKILL. Returns the last index it announced.
 */
async function runAndKill(dir: string, syncs: number, extraMs: number): Promise<number> {
  const proc: ChildProcess = spawn(process.execPath, ['--import', 'tsx', child, dir], {
    cwd: repoRoot,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  proc.stderr?.on('data', (d: Buffer) => {
    stderr += d.toString();
  });
  const exited = new Promise<NodeJS.Signals | null>((res) => {
    proc.on('exit', (_code, signal) => res(signal));
  });
  let announced = -1;
  let seen = 0;
  let pending = '';
  await new Promise<void>((res, rej) => {
    proc.stdout?.on('data', (d: Buffer) => {
      pending += d.toString();
      const lines = pending.split('\n');
      pending = lines.pop() ?? '';
      for (const line of lines) {
        announced = Number(line.split(' ')[1]);
        seen++;
      }
      if (seen >= syncs) res();
    });
    proc.on('exit', () => rej(new Error(`child exited early: ${stderr}`)));
  });
  await new Promise((r) => setTimeout(r, extraMs));
  proc.kill('SIGKILL');

  expect(await exited).toBe('SIGKILL');
  return announced;
}

/** Reopens the store and checks it against what the child writes. */
function verify(dir: string, announced: number): number {
  const s = createDurableStorage(dir);
  try {
    const first = s.firstIndex();
    const last = s.lastIndex();

    expect(last).toBeGreaterThanOrEqual(announced);
    expect(s.initialState().hardState).toEqual({ term: termAt(last), vote: 1, commit: last });
    expect(s.initialState().confState.voters).toEqual([1, 2, 3]);
    const snap = s.snapshot();
    if ('code' in snap) throw new Error(`snapshot: ${snap.code}`);
    expect(snap.metadata.index).toBe(first - 1);
    if (first > 1) {
      expect(snap.metadata.term).toBe(termAt(first - 1));
      expect(snap.data).toEqual(snapshotData(first - 1));
    }
    const ents = s.entries(first, (last + 1) as LogIndex, Infinity);
    if (!Array.isArray(ents)) throw new Error(`entries: ${ents.code}`);
    expect(ents.length).toBe(last - first + 1);
    for (const e of ents) {
      expect(e.term).toBe(termAt(e.index));
      expect(e.data).toEqual(entryData(e.index));
    }
    return last;
  } finally {
    s.close();
  }
}

describe('durable storage under SIGKILL', () => {
  it('keeps everything synced before the kill, across repeated kills and restarts', async () => {
    const dir = tempDir();
    let last = 0;

    for (const [syncs, extraMs] of [
      [30, 0],
      [25, 3],
      [40, 7],
      [20, 1],
    ] as const) {
      const announced = await runAndKill(dir, syncs, extraMs);

      expect(announced).toBeGreaterThan(last);
      last = verify(dir, announced);
    }
  }, 60_000);
});
