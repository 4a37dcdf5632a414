/**
 * A simulated cluster started from another cluster's state: every node's persisted Raft state
 * (hard state, log entries with their terms and data, snapshot, configuration) copied at one
 * cut of the run, so that what happens next can be replayed from a seed and changed at will.
 * This is how a live run, which cannot be forked (fork.ts), is carried into the simulator.
 *
 * The cut is the present: every node runs in this process, so reading every store in one
 * synchronous pass gives a consistent cut, at the trace's last event. A point in the past
 * would need the recording to hold what the stores held then, and it does not: a trace lists
 * entries by term, index, type and size (the first 16 of a message), never their data, and no
 * event carries a store's snapshot. See `simulateFrom`'s refusal.
 *
 * Each new node starts as a node restarting from its store does: the state machine is rebuilt
 * from the snapshot and the committed entries after it (so `applied` starts at the commit
 * index), the configuration from the snapshot and the committed conf changes.
 */

import type { Entry } from '@raftlens/raft';
import type { RaftCluster } from './cluster.ts';
import { createCluster } from './create.ts';
import { decodeCommand } from './kv/command.ts';
import type { RuntimeLogger } from './node/logger.ts';
import type { SimulatedClock } from './options.ts';
import { createMemoryStorage } from './storage/memory.ts';
import type { StorageFactory } from './storage/open.ts';
import type { NodeStorage } from './storage/types.ts';

export type SimulateFromErrorCode = 'StateNotRecorded' | 'SimulateFromUnsupported';

export class SimulateFromError extends Error {
  constructor(
    readonly code: SimulateFromErrorCode,
    message: string,
    readonly detail: Record<string, unknown> = {},
  ) {
    super(message);
    this.name = 'SimulateFromError';
  }
}

export interface SimulateFromInput {
  name: string;
  /** The event to start from: the source's last (the default); earlier ones are refused. */
  atSeq?: number;
  /** The new run's seed (default the source's). */
  seed?: number;
  /** How the new cluster's clock moves (default paced). */
  clock?: SimulatedClock;
  logger?: RuntimeLogger;
}

export interface SimulatedStart {
  cluster: RaftCluster;
  /** The source's last event when its state was read. */
  atSeq: number;
}

const decoder = new TextDecoder();

/** One replica's store, copied; the client request ids in it go to `ids`. */
function copyStore(src: NodeStorage, ids: Set<string>): NodeStorage {
  const snap = src.snapshot();
  if (!('metadata' in snap)) throw new Error(`a store gave no snapshot: ${snap.code}`);
  const { hardState, confState } = src.initialState();
  let copy: NodeStorage;
  if (snap.metadata.index > 0) {
    copy = createMemoryStorage(null);
    const err = copy.applySnapshot(structuredClone(snap));
    if (err !== null) throw new Error(`could not copy a snapshot: ${err.code}`);
  } else {
    copy = createMemoryStorage(confState);
  }
  const first = src.firstIndex();
  const last = src.lastIndex();
  if (last >= first) {
    const entries = src.entries(first, (last + 1) as typeof last, Number.MAX_SAFE_INTEGER);
    if (!Array.isArray(entries)) throw new Error('a store refused to list its entries');
    copy.append(structuredClone(entries as Entry[]));
    for (const e of entries as Entry[]) {
      const cmd = decodeCommand(e.data);
      if (cmd !== null && typeof cmd !== 'string') ids.add(cmd.id);
    }
  }
  if (snap.data.length > 0) {
    const recent = (JSON.parse(decoder.decode(snap.data)) as { recent?: unknown }).recent;
    if (Array.isArray(recent)) for (const id of recent) if (typeof id === 'string') ids.add(id);
  }
  copy.setHardState({ ...hardState });
  return copy;
}

/**
 * Starts a simulated cluster, paused, from `source`'s nodes' state now (see the file comment).
 * Refuses what it cannot copy faithfully rather than start something else.
 */
export async function simulateFrom(
  source: RaftCluster,
  input: SimulateFromInput,
): Promise<SimulatedStart> {
  const present = source.recorder.lastSeq();
  if (input.atSeq !== undefined && input.atSeq !== present) {
    throw new SimulateFromError(
      'StateNotRecorded',
      `the state at event ${input.atSeq} is not recorded: the trace lists log entries without ` +
        'their data and holds no snapshot of the stores, so only the present (event ' +
        `${present}) can be copied; fork a simulated run to reach a past point`,
      { atSeq: input.atSeq, lastSeq: present },
    );
  }
  const { size, groups } = source.options;
  const known = source.knownIds();
  const unsupported = (why: string) =>
    new SimulateFromError('SimulateFromUnsupported', `cannot start from ${source.name}: ${why}`);
  if (known.some((id) => !source.nodes.has(id))) {
    throw unsupported('some of its nodes run in other processes');
  }
  if (known.some((id) => id > size)) {
    throw unsupported('nodes were added to it; only its founding members can be started');
  }
  const stores = new Map<string, NodeStorage>();
  const ids = new Set<string>();
  for (const node of source.nodes.values()) {
    if (node.status !== 'running') {
      throw unsupported(`node ${node.id} is ${node.status}; restart it first`);
    }
    for (let g = 1; g <= groups; g++) {
      const group = node.group(g);
      if (group === undefined) throw unsupported(`node ${node.id} does not host group ${g}`);
      stores.set(`${node.id}/${g}`, copyStore(group.storage, ids));
    }
  }
  const storageFactory: StorageFactory = {
    create: (node, group, confState) => {
      const copied = stores.get(`${node}/${group}`);
      stores.delete(`${node}/${group}`);
      return copied ?? createMemoryStorage(confState);
    },
    reopen: (_node, _group, old) => old,
  };
  const { dataDir: _dataDir, secret: _secret, ...options } = source.options;
  const cluster = await createCluster({
    ...options,
    name: input.name,
    mode: 'simulated',
    storage: 'memory',
    seed: input.seed ?? source.options.seed,
    clock: 'manual',
    storageFactory,
    ...(input.logger !== undefined ? { logger: input.logger } : {}),
  });
  try {
    cluster.reserveRequestIds(ids);
    cluster.pause();
    // The network as it was: a partition and the rules on each link.
    const snapshot = source.snapshot();
    if (snapshot.partitions.length > 1) cluster.partition(snapshot.partitions);
    for (const link of snapshot.links) cluster.setLinkRule(link.from, link.to, link.rule);
    if ((input.clock ?? 'paced') === 'paced') cluster.pace();
    return { cluster, atSeq: present };
  } catch (err) {
    await cluster.close();
    throw err;
  }
}
