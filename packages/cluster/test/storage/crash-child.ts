/**
 * The child process of the SIGKILL durability test. It appends to a durable store in `dir`
 * forever, in batches: entries, hard state, and every tenth batch a snapshot and compaction,
 * then `sync`, then a line `synced <lastIndex>` on stdout. The parent kills it with SIGKILL at
 * a moment of its choosing and checks that everything announced survived.
 *
 * Usage: node --import tsx crash-child.ts <dir>
 */

import { writeSync } from 'node:fs';
import type { LogIndex, NodeId, Term } from '@raftlens/raft';
import { createDurableStorage } from '../../src/storage/durable.ts';
import { BATCH_ENTRIES, entryData, snapshotData, termAt } from './crash-plan.ts';

const dir = process.argv[2];
if (dir === undefined) throw new Error('usage: crash-child.ts <dir>');

const voters = [1, 2, 3] as NodeId[];
const s = createDurableStorage(dir, {
  bootstrap: {
    confState: { voters, learners: [], votersOutgoing: [], learnersNext: [], autoLeave: false },
  },
});

for (let batch = 1; ; batch++) {
  const first = s.lastIndex() + 1;
  const entries = Array.from({ length: BATCH_ENTRIES }, (_, k) => {
    const index = first + k;
    return {
      index: index as LogIndex,
      term: termAt(index) as Term,
      type: 'EntryNormal' as const,
      data: entryData(index),
    };
  });
  s.append(entries);
  const last = s.lastIndex();
  s.setHardState({ term: termAt(last) as Term, vote: 1 as NodeId, commit: last });
  if (batch % 10 === 0) {
    const at = (last - 4) as LogIndex;
    s.createSnapshot(at, null, snapshotData(at));
    s.compact(at);
  }
  s.sync();
  writeSync(1, `synced ${last}\n`);
}
