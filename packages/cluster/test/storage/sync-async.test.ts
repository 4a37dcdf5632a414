/**
 * The durable store's non-blocking barrier (`syncAsync`) and its commit without a barrier
 * (`writeBack`): what each makes visible, durable, and safe to close under.
 */

import type { LogIndex, NodeId, Term } from '@raftlens/raft';
import { afterAll, describe, expect, it } from 'vitest';
import { createDurableStorage } from '../../src/storage/durable.ts';
import { ent, removeTempDirs, tempDir } from './harness.ts';

afterAll(removeTempDirs);

const hs = (term: number, commit: number) => ({
  term: term as Term,
  vote: 1 as NodeId,
  commit: commit as LogIndex,
});

describe('durable storage syncAsync', () => {
  it('returns null with nothing written, a promise that resolves once synced otherwise', async () => {
    const s = createDurableStorage(tempDir());

    const idle = s.syncAsync?.();
    s.append([ent(1, 1), ent(2, 1)]);
    const first = s.syncAsync?.();
    // Nothing new since: the caller joins the fdatasync already running.
    const joined = s.syncAsync?.();
    await first;
    const after = s.syncAsync?.();

    expect(idle).toBeNull();
    expect(first).toBeInstanceOf(Promise);
    expect(joined).toBe(first);
    expect(after).toBeNull();
    s.close();
  });

  it('commits at once: a crash right after keeps the writes, even before the disk answered', async () => {
    const dir = tempDir();
    const s = createDurableStorage(dir);
    s.append([ent(1, 1), ent(2, 1), ent(3, 2)]);
    s.setHardState(hs(2, 3));

    const pending = s.syncAsync?.();
    s.close({ discardUnsynced: true });
    await pending;

    const again = createDurableStorage(dir);
    expect(again.lastIndex()).toBe(3);
    expect(again.initialState().hardState).toEqual(hs(2, 3));
    again.close();
  });

  it('writeBack commits without a barrier; the next sync makes it durable', () => {
    const dir = tempDir();
    const s = createDurableStorage(dir);
    s.append([ent(1, 1)]);
    s.sync();
    s.setHardState(hs(1, 1));
    s.writeBack?.();
    s.append([ent(2, 1)]);

    s.close({ discardUnsynced: true });

    const again = createDurableStorage(dir);
    expect(again.lastIndex()).toBe(1);
    expect(again.initialState().hardState.commit).toBe(1);
    again.close();
  });
});
