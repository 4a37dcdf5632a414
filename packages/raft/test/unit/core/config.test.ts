import { describe, expect, it } from 'vitest';
import {
  type Config,
  isRaftError,
  MemoryStorage,
  type NodeId,
  newMessage,
  RawNode,
  seededRandom,
} from '../../../src/index.ts';

const base = (): Config => ({
  id: 1 as NodeId,
  electionTick: 10,
  heartbeatTick: 1,
  storage: new MemoryStorage(),
  random: seededRandom(1),
});

describe('Config validation', () => {
  it.each([
    [{ id: 0 as NodeId }, 'cannot use none as id'],
    [{ id: -1 as NodeId }, 'cannot use local target as id'],
    [{ heartbeatTick: 0 }, 'heartbeat tick must be greater than 0'],
    [{ electionTick: 1 }, 'election tick must be greater than heartbeat tick'],
    [{ maxInflightMsgs: 0 }, 'max inflight messages must be greater than 0'],
    [
      { maxSizePerMsg: 100, maxInflightBytes: 10 },
      'max inflight bytes must be >= max message size',
    ],
    [
      { readOnlyOption: 'ReadOnlyLeaseBased' as const },
      'CheckQuorum must be enabled when ReadOnlyOption is ReadOnlyLeaseBased',
    ],
  ])('refuses %j with a ConfigInvalid error', (patch, detail) => {
    let thrown: unknown;
    try {
      new RawNode({ ...base(), ...patch });
    } catch (e) {
      thrown = e;
    }

    expect(isRaftError(thrown)).toBe(true);
    expect(thrown).toMatchObject({ code: 'ConfigInvalid', detail });
  });

  it('refuses to step local messages from the network', () => {
    const rn = new RawNode(base());

    const err = rn.step(newMessage({ type: 'MsgHup', from: 2 as NodeId }));

    expect(err).toMatchObject({ code: 'StepLocalMsg' });
  });

  it('honours the applied index of a restarted node', () => {
    const storage = MemoryStorage.bootstrap(
      {
        voters: [1 as NodeId],
        learners: [],
        votersOutgoing: [],
        learnersNext: [],
        autoLeave: false,
      },
      { index: 5 as never, term: 1 as never },
    );

    const rn = new RawNode({ ...base(), storage, applied: 5 as never });

    expect(rn.basicStatus().applied).toBe(5);
  });
});

describe('seededRandom', () => {
  it('is deterministic per seed and stays in range', () => {
    const a = seededRandom(7);
    const b = seededRandom(7);
    const c = seededRandom(8);

    const xs = Array.from({ length: 100 }, () => a.intn(10));
    const ys = Array.from({ length: 100 }, () => b.intn(10));
    const zs = Array.from({ length: 100 }, () => c.intn(10));

    expect(xs).toEqual(ys);
    expect(xs).not.toEqual(zs);
    expect(xs.every((x) => x >= 0 && x < 10)).toBe(true);
    expect(new Set(xs).size).toBe(10);
  });
});
