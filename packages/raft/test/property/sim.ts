/**
 * A deterministic in-memory cluster for property tests: every node runs the real RawNode over a
 * MemoryStorage; the network is a list of messages in flight that the test delivers, drops,
 * duplicates or reorders on command; a restart rebuilds a node from what it persisted.
 *
 * Every step checks Raft's safety properties and throws the moment one breaks, naming it.
 */

import {
  type ConfState,
  type Entry,
  MemoryStorage,
  type Message,
  type NodeId,
  RawNode,
  seededRandom,
} from '../../src/index.ts';

export type Action =
  | { t: 'tick'; node: number }
  | { t: 'tickAll' }
  | { t: 'deliver'; pick: number }
  | { t: 'deliverMany'; count: number }
  | { t: 'drop'; pick: number }
  | { t: 'duplicate'; pick: number }
  | { t: 'propose'; node: number }
  | { t: 'restart'; node: number };

interface SimNode {
  id: NodeId;
  storage: MemoryStorage;
  rn: RawNode;
  /** Highest commit index this node ever persisted; it must never go down. */
  persistedCommit: number;
  wasLeader: boolean;
}

export class SafetyViolation extends Error {}

const decoder = new TextDecoder();

export class SimCluster {
  readonly nodes: SimNode[] = [];
  inFlight: Message[] = [];
  /** Every entry known committed anywhere: index -> `term:data`. */
  readonly committed = new Map<number, string>();
  /** Leader of each term. */
  readonly leaders = new Map<number, number>();
  /** Payloads whose entry was applied on the node that proposed them. */
  readonly acknowledged = new Set<string>();
  private readonly proposedBy = new Map<string, number>();
  private proposals = 0;
  private restarts = 0;

  constructor(
    readonly size: number,
    readonly options: { preVote: boolean; checkQuorum: boolean; seed: number },
  ) {
    const voters = Array.from({ length: size }, (_, i) => (i + 1) as NodeId);
    const cs: ConfState = {
      voters,
      learners: [],
      votersOutgoing: [],
      learnersNext: [],
      autoLeave: false,
    };
    for (const id of voters) {
      const storage = MemoryStorage.bootstrap(cs);
      this.nodes.push({
        id,
        storage,
        rn: this.newRawNode(id, storage),
        persistedCommit: 0,
        wasLeader: false,
      });
    }
  }

  private newRawNode(id: NodeId, storage: MemoryStorage): RawNode {
    return new RawNode({
      id,
      electionTick: 6,
      heartbeatTick: 1,
      storage,
      preVote: this.options.preVote,
      checkQuorum: this.options.checkQuorum,
      maxSizePerMsg: 1024,
      maxInflightMsgs: 8,
      random: seededRandom(this.options.seed * 31 + id + this.restarts * 1009),
    });
  }

  apply(a: Action): void {
    switch (a.t) {
      case 'tick':
        this.node(a.node).rn.tick();
        break;
      case 'tickAll':
        for (const n of this.nodes) n.rn.tick();
        break;
      case 'deliver': {
        const m = this.take(a.pick);
        if (m) this.nodes[m.to - 1]?.rn.step(m);
        break;
      }
      case 'deliverMany':
        // In send order, as a quiet network would; handle Readies between deliveries.
        for (let i = 0; i < a.count && this.inFlight.length > 0; i++) {
          const m = this.inFlight.shift() as Message;
          this.nodes[m.to - 1]?.rn.step(m);
          for (const n of this.nodes) this.handleReady(n);
        }
        break;
      case 'drop':
        this.take(a.pick);
        break;
      case 'duplicate': {
        const m = this.inFlight[a.pick % Math.max(1, this.inFlight.length)];
        if (m) this.inFlight.push(m);
        break;
      }
      case 'propose': {
        const n = this.node(a.node);
        const payload = `p${++this.proposals}`;
        this.proposedBy.set(payload, n.id);
        n.rn.propose(new TextEncoder().encode(payload));
        break;
      }
      case 'restart': {
        const n = this.node(a.node);
        this.restarts++;
        // Whatever was not persisted is lost; messages to the node stay in flight.
        n.rn = this.newRawNode(n.id, n.storage);
        n.wasLeader = false;
        break;
      }
    }
    for (const n of this.nodes) this.handleReady(n);
  }

  private node(i: number): SimNode {
    return this.nodes[i % this.nodes.length] as SimNode;
  }

  private take(pick: number): Message | undefined {
    if (this.inFlight.length === 0) return undefined;
    return this.inFlight.splice(pick % this.inFlight.length, 1)[0];
  }

  private handleReady(n: SimNode): void {
    while (n.rn.hasReady()) {
      const rd = n.rn.ready();
      if (rd.snapshot) n.storage.applySnapshot(rd.snapshot);
      if (rd.entries.length > 0) n.storage.append(rd.entries);
      if (rd.hardState) {
        if (rd.hardState.commit < n.persistedCommit) {
          throw new SafetyViolation(
            `monotonic commit: node ${n.id} persisted commit ${rd.hardState.commit} ` +
              `after ${n.persistedCommit}`,
          );
        }
        n.persistedCommit = rd.hardState.commit;
        n.storage.setHardState(rd.hardState);
      }
      this.inFlight.push(...rd.messages);
      for (const e of rd.committedEntries) this.checkCommitted(n, e);
      n.rn.advance(rd);
    }
    this.checkLeader(n);
  }

  /** Committed entries never change: every node commits the same entry at each index. */
  private checkCommitted(n: SimNode, e: Entry): void {
    const data = decoder.decode(e.data);
    const key = `${e.term}:${data}`;
    const known = this.committed.get(e.index);
    if (known !== undefined && known !== key) {
      throw new SafetyViolation(
        `state machine safety: node ${n.id} applied ${key} at ${e.index}, others applied ${known}`,
      );
    }
    this.committed.set(e.index, key);
    if (this.proposedBy.get(data) === n.id) this.acknowledged.add(data);
  }

  /** At most one leader per term, and a new leader holds every committed entry. */
  private checkLeader(n: SimNode): void {
    const st = n.rn.basicStatus();
    const isLeader = st.softState.raftState === 'StateLeader';
    if (isLeader && !n.wasLeader) {
      const term = st.hardState.term;
      const other = this.leaders.get(term);
      if (other !== undefined && other !== n.id) {
        throw new SafetyViolation(`election safety: nodes ${other} and ${n.id} lead term ${term}`);
      }
      this.leaders.set(term, n.id);
      this.checkCompleteness(n);
    }
    n.wasLeader = isLeader;
  }

  private checkCompleteness(n: SimNode): void {
    const first = n.storage.firstIndex();
    for (const [index, key] of this.committed) {
      if (index < first) continue;
      const term = n.storage.term(index as Parameters<MemoryStorage['term']>[0]);
      if (typeof term !== 'number' || `${term}` !== key.slice(0, key.indexOf(':'))) {
        throw new SafetyViolation(
          `leader completeness: leader ${n.id} lacks committed entry ${index} (${key})`,
        );
      }
    }
  }

  /** Log matching: where two logs hold an entry of the same index and term, they agree before it. */
  checkLogMatching(): void {
    for (const a of this.nodes) {
      for (const b of this.nodes) {
        if (a.id >= b.id) continue;
        const lo = Math.max(a.storage.firstIndex(), b.storage.firstIndex());
        const hi = Math.min(a.storage.lastIndex(), b.storage.lastIndex());
        if (hi < lo) continue;
        const ea = a.storage.entries(lo as never, (hi + 1) as never, Number.MAX_SAFE_INTEGER);
        const eb = b.storage.entries(lo as never, (hi + 1) as never, Number.MAX_SAFE_INTEGER);
        if (!Array.isArray(ea) || !Array.isArray(eb)) continue;
        let agreeFrom = -1;
        for (let i = ea.length - 1; i >= 0; i--) {
          if (ea[i]?.term === eb[i]?.term) {
            agreeFrom = i;
            break;
          }
        }
        for (let i = 0; i <= agreeFrom; i++) {
          const x = ea[i] as Entry;
          const y = eb[i] as Entry;
          if (x.term !== y.term || decoder.decode(x.data) !== decoder.decode(y.data)) {
            throw new SafetyViolation(
              `log matching: nodes ${a.id} and ${b.id} agree at ${lo + agreeFrom} but differ at ${x.index}`,
            );
          }
        }
      }
    }
  }

  /** Every acknowledged proposal is committed. */
  checkAcknowledged(): void {
    const committedData = new Set(
      [...this.committed.values()].map((k) => k.slice(k.indexOf(':') + 1)),
    );
    for (const p of this.acknowledged) {
      if (!committedData.has(p))
        throw new SafetyViolation(`acknowledged proposal ${p} is not committed`);
    }
  }
}
