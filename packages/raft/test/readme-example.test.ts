import { expect, it } from 'vitest';
import {
  emptyConfState,
  MemoryStorage,
  type Message,
  type NodeId,
  nodeId,
  RawNode,
  seededRandom,
} from '../src/index.ts';

// The README's example, kept compiling and running here so that it stays true.
it('bootstraps three nodes and commits a proposal through the Ready loop', () => {
  // README:begin
  const voters = [1, 2, 3].map(nodeId);
  const nodes = new Map<NodeId, { rn: RawNode; storage: MemoryStorage }>();
  for (const id of voters) {
    // Every founding member starts from the same ConfState.
    const storage = MemoryStorage.bootstrap({ ...emptyConfState(), voters });
    const rn = new RawNode({
      id,
      electionTick: 10,
      heartbeatTick: 1,
      storage,
      random: seededRandom(id),
    });
    nodes.set(id, { rn, storage });
  }

  const inFlight: Message[] = [];
  const applied: string[] = [];
  const handleReadies = () => {
    for (const [id, { rn, storage }] of nodes) {
      while (rn.hasReady()) {
        const rd = rn.ready();
        if (rd.snapshot) storage.applySnapshot(rd.snapshot); // 1. persist
        storage.append(rd.entries);
        if (rd.hardState) storage.setHardState(rd.hardState);
        inFlight.push(...rd.messages); // 2. send
        for (const e of rd.committedEntries) {
          if (e.data.length > 0) applied.push(`n${id}: ${new TextDecoder().decode(e.data)}`); // 3. apply
        }
        rn.advance(rd); // 4. advance
      }
    }
  };
  const deliverAll = () => {
    while (inFlight.length > 0) {
      const m = inFlight.shift() as Message;
      nodes.get(m.to)?.rn.step(m);
      handleReadies();
    }
  };

  nodes.get(nodeId(1))?.rn.campaign();
  handleReadies();
  deliverAll();
  nodes.get(nodeId(1))?.rn.propose(new TextEncoder().encode('x=1'));
  handleReadies();
  deliverAll();
  // README:end

  expect(nodes.get(nodeId(1))?.rn.basicStatus().softState.raftState).toBe('StateLeader');
  expect(applied.sort()).toEqual(['n1: x=1', 'n2: x=1', 'n3: x=1']);
});
