/**
 * A whole Raft group driven by hand, one step at a time: the nodes, the messages in flight
 * between them, and each node's pending storage work. Each method is one operation of the
 * interaction scripts (handle a Ready, deliver messages, run the append thread, ...), writing
 * what it does to the shared output. Errors the scripts expect to see are returned as text;
 * faults of the harness itself throw.
 */
import type { Config } from '../../src/config.ts';
import { isStorageError } from '../../src/errors.ts';
import { seededRandom } from '../../src/random.ts';
import { RawNode } from '../../src/rawnode.ts';
import { MemoryStorage } from '../../src/storage.ts';
import {
  type LogIndex,
  type Message,
  type MessageType,
  type NodeId,
  newMessage,
  nodeId,
  type Snapshot,
  type Term,
} from '../../src/types.ts';
import { LOCAL_APPEND_THREAD, LOCAL_APPLY_THREAD } from '../../src/util.ts';
import { errorText, HarnessError } from './errors.ts';
import {
  describeEntries,
  describeMessage,
  describeReady,
  describeTraceEvent,
  type LocalTargets,
} from './format.ts';
import {
  HistoryStorage,
  lastSnapshot,
  processAppend,
  processApply,
  type StorageSide,
} from './node-storage.ts';
import { InteractionOutput } from './output.ts';
import { describeProgressMap, describeRaftState } from './status-format.ts';

/** Configuration options a script may set for new nodes; id, storage and logger are added. */
export type NodeTemplate = Omit<Config, 'id' | 'storage' | 'logger' | 'random'>;

/** etcd's test defaults: short timeouts, no size or inflight limits. */
export function defaultTemplate(): NodeTemplate {
  return {
    electionTick: 3,
    heartbeatTick: 1,
    maxSizePerMsg: Number.MAX_SAFE_INTEGER,
    maxInflightMsgs: 2 ** 31 - 1,
  };
}

export interface InteractionNode extends StorageSide {
  id: NodeId;
  config: Config;
  /** MsgStorageAppend messages waiting for the append thread, oldest first. */
  appendWork: Message[];
  /** MsgStorageApply messages waiting for the apply thread, oldest first. */
  applyWork: Message[];
}

export interface Recipient {
  id: NodeId;
  drop: boolean;
}

export class InteractionEnv {
  readonly output = new InteractionOutput();
  readonly nodes: InteractionNode[] = [];
  /** Messages sent and not yet delivered or dropped, in send order. */
  messages: Message[] = [];
  /**
   * Names of the core's trace events to print as `TRACE` lines (the `trace` command). They
   * are structural, unlike log prose: scripts use them to pin down why a proposal was dropped
   * or a node could not campaign, which etcd's output does not say.
   */
  readonly tracedEvents = new Set<string>();
  readonly local: LocalTargets = {
    appendThread: LOCAL_APPEND_THREAD,
    applyThread: LOCAL_APPLY_THREAD,
  };

  /** The node with the given 0-based index; a script naming a missing node is a fault. */
  node(idx: number): InteractionNode {
    const n = this.nodes[idx];
    if (n === undefined) throw new HarnessError(`node ${idx + 1} does not exist`);
    return n;
  }

  /**
   * Adds `count` nodes with consecutive ids. A non-empty `snap` bootstraps each of them: it is
   * applied to the fresh storage (at term 1), so every node starts with the same configuration
   * and a log that begins after the snapshot's index.
   */
  addNodes(count: number, template: NodeTemplate, snap: Snapshot): string | null {
    const bootstrap = !isZeroSnapshot(snap);
    for (let i = 0; i < count; i++) {
      const id = nodeId(this.nodes.length + 1);
      const own = cloneSnapshot(snap);
      const history: Snapshot[] = [own];
      const mem = new MemoryStorage();
      const storage = new HistoryStorage(mem, () => lastSnapshot(history));
      if (bootstrap) {
        if (own.metadata.index <= 1) return 'index must be specified as > 1 due to bootstrap';
        own.metadata.term = 1 as Term;
        const err = mem.applySnapshot(own);
        if (err !== null) return err.message;
        const fi = storage.firstIndex();
        if (fi !== own.metadata.index + 1) {
          return `failed to establish first index ${own.metadata.index + 1}; got ${fi}`;
        }
      }
      const config: Config = {
        ...template,
        id,
        storage,
        logger: this.output.logger,
        random: seededRandom(id),
        traceSink: (ev) => {
          if (this.tracedEvents.has(ev.name)) this.output.write(`${describeTraceEvent(ev)}\n`);
        },
      };
      let rawNode: RawNode;
      try {
        rawNode = new RawNode(config);
      } catch (err) {
        return errorText(err);
      }
      this.nodes.push({ id, config, storage, rawNode, history, appendWork: [], applyWork: [] });
    }
    return null;
  }

  /**
   * Handles one Ready of a node as an application would: print it; without async storage
   * writes, persist and apply it right away; queue the messages (local storage work to the
   * node's threads, the rest to the network); then advance.
   */
  processReady(idx: number): string | null {
    const n = this.node(idx);
    const rd = n.rawNode.ready();
    this.output.write(describeReady(rd, this.local));
    const async = n.config.asyncStorageWrites === true;
    if (!async) {
      const err = processAppend(n, rd.hardState, rd.entries, rd.snapshot);
      if (err !== null) return err;
      processApply(n, rd.committedEntries);
    }
    for (const m of rd.messages) {
      if (this.isLocalTarget(m.to)) {
        if (!async) throw new HarnessError(`unexpected local message target in ${m.type}`);
        if (m.type === 'MsgStorageAppend') n.appendWork.push(m);
        else if (m.type === 'MsgStorageApply') n.applyWork.push(m);
        else throw new HarnessError(`unexpected message type ${m.type} to a local thread`);
      } else {
        this.messages.push(m);
      }
    }
    if (!async) n.rawNode.advance(rd);
    return null;
  }

  /**
   * Delivers (or drops) the in-flight messages of each recipient in turn, printing each one,
   * and any error the recipient's `step` returns. Only messages of type `type` are handled
   * when it is given. Local storage messages are never dropped. Returns how many were handled.
   */
  deliverMsgs(type: MessageType | null, recipients: Recipient[]): number {
    let handled = 0;
    for (const r of recipients) {
      const msgs = this.takeMessages(r.id, type, r.drop);
      handled += msgs.length;
      for (const m of msgs) {
        if (r.drop) this.output.write('dropped: ');
        this.output.write(`${describeMessage(m, this.local)}\n`);
        // Dropping is allowed for nodes that do not exist yet; delivering is not.
        if (r.drop) continue;
        const err = this.node(m.to - 1).rawNode.step(m);
        if (err !== null && err !== undefined) this.output.write(`${errorText(err)}\n`);
      }
    }
    return handled;
  }

  /** Runs one MsgStorageAppend of the node's append thread and releases its responses. */
  processAppendThread(idx: number): string | null {
    const n = this.node(idx);
    const m = n.appendWork.shift();
    if (m === undefined) {
      this.output.write('no append work to perform');
      return null;
    }
    this.output.write('Processing:\n');
    this.output.write(`${describeMessage({ ...m, responses: [] }, this.local)}\n`);
    const hs = { term: m.term, vote: m.vote, commit: m.commit };
    const err = processAppend(n, hs, m.entries, m.snapshot);
    if (err !== null) return err;
    this.releaseResponses(m);
    return null;
  }

  /** Runs one MsgStorageApply of the node's apply thread and releases its responses. */
  processApplyThread(idx: number): string | null {
    const n = this.node(idx);
    const m = n.applyWork.shift();
    if (m === undefined) {
      this.output.write('no apply work to perform');
      return null;
    }
    this.output.write('Processing:\n');
    this.output.write(`${describeMessage({ ...m, responses: [] }, this.local)}\n`);
    processApply(n, m.entries);
    this.releaseResponses(m);
    return null;
  }

  /**
   * Repeats, until nothing is left to do among the given nodes (all nodes when none given):
   * handle every pending Ready, deliver every message addressed to them, drain their append
   * threads, then their apply threads, printing a header before each node's part.
   */
  stabilize(idxs: number[]): string | null {
    const nodes =
      idxs.length > 0 ? idxs.map((i) => this.node(i)) : this.nodes.map((_, i) => this.node(i));
    for (;;) {
      let done = true;
      for (const n of nodes) {
        if (!n.rawNode.hasReady()) continue;
        this.output.write(`> ${n.id} handling Ready\n`);
        const err = this.output.withIndent(() => this.processReady(n.id - 1));
        if (err !== null) return err;
        done = false;
      }
      for (const n of nodes) {
        if (!this.messages.some((m) => m.to === n.id)) continue;
        this.output.write(`> ${n.id} receiving messages\n`);
        this.output.withIndent(() => this.deliverMsgs(null, [{ id: n.id, drop: false }]));
        done = false;
      }
      for (const n of nodes) {
        if (n.appendWork.length === 0) continue;
        this.output.write(`> ${n.id} processing append thread\n`);
        while (n.appendWork.length > 0) {
          const err = this.output.withIndent(() => this.processAppendThread(n.id - 1));
          if (err !== null) return err;
        }
        done = false;
      }
      for (const n of nodes) {
        if (n.applyWork.length === 0) continue;
        this.output.write(`> ${n.id} processing apply thread\n`);
        while (n.applyWork.length > 0) {
          this.output.withIndent(() => this.processApplyThread(n.id - 1));
        }
        done = false;
      }
      if (done) return null;
    }
  }

  /** Prints the node's stable log (what its storage holds). */
  raftLog(idx: number): string | null {
    const storage = this.node(idx).storage;
    const fi = storage.firstIndex();
    const li = storage.lastIndex();
    if (li < fi) {
      this.output.write(`log is empty: first index=${fi}, last index=${li}`);
      return null;
    }
    const ents = storage.entries(fi, (li + 1) as typeof li, Number.MAX_SAFE_INTEGER);
    if (isStorageError(ents)) return ents.message;
    this.output.write(describeEntries(ents));
    return null;
  }

  /** Compacts the node's storage so that `newFirstIndex` becomes its first index. */
  compact(idx: number, newFirstIndex: number): string | null {
    const n = this.node(idx);
    const err = n.storage.mem.compact(newFirstIndex as LogIndex);
    if (err !== null) return err.message;
    return this.raftLog(idx);
  }

  /** Prints the progress of every peer as the node (a leader) tracks it. */
  status(idx: number): void {
    this.output.write(describeProgressMap(this.node(idx).rawNode));
  }

  /** One line per node: its role, whether it is a voter in its own view, term and leader. */
  raftState(): void {
    for (const n of this.nodes) this.output.write(`${describeRaftState(n.rawNode)}\n`);
  }

  /** Queues a MsgSnap carrying the sender's latest snapshot, without delivering it. */
  sendSnapshot(fromIdx: number, toIdx: number): string | null {
    const from = this.node(fromIdx);
    const snap = from.storage.snapshot();
    if (isStorageError(snap)) return snap.message;
    const m = newMessage({
      type: 'MsgSnap',
      term: from.rawNode.basicStatus().hardState.term,
      from: nodeId(fromIdx + 1),
      to: nodeId(toIdx + 1),
      snapshot: snap,
    });
    this.messages.push(m);
    this.output.write(describeMessage(m, this.local));
    return null;
  }

  tick(idx: number, count: number): void {
    const n = this.node(idx);
    for (let i = 0; i < count; i++) n.rawNode.tick();
  }

  private isLocalTarget(id: NodeId): boolean {
    return id === this.local.appendThread || id === this.local.applyThread;
  }

  /** A storage message, or one a node sends itself: these need reliable delivery. */
  private isLocalMsg(m: Message): boolean {
    return m.from === m.to || this.isLocalTarget(m.from) || this.isLocalTarget(m.to);
  }

  /** Removes and returns the messages for `to` (of `type`, if given), keeping send order. */
  private takeMessages(to: NodeId, type: MessageType | null, drop: boolean): Message[] {
    const taken: Message[] = [];
    const rest: Message[] = [];
    for (const m of this.messages) {
      const match =
        m.to === to && !(drop && this.isLocalMsg(m)) && (type === null || m.type === type);
      (match ? taken : rest).push(m);
    }
    this.messages = rest;
    return taken;
  }

  private releaseResponses(m: Message): void {
    this.output.write('Responses:\n');
    for (const r of m.responses) this.output.write(`${describeMessage(r, this.local)}\n`);
    this.messages.push(...m.responses);
  }
}

function isZeroSnapshot(s: Snapshot): boolean {
  const cs = s.metadata.confState;
  return (
    s.data.length === 0 &&
    s.metadata.index === 0 &&
    s.metadata.term === 0 &&
    cs.voters.length === 0 &&
    cs.learners.length === 0 &&
    cs.votersOutgoing.length === 0 &&
    cs.learnersNext.length === 0 &&
    !cs.autoLeave
  );
}

function cloneSnapshot(s: Snapshot): Snapshot {
  const cs = s.metadata.confState;
  return {
    data: s.data.slice(),
    metadata: {
      index: s.metadata.index,
      term: s.metadata.term,
      confState: {
        voters: [...cs.voters],
        learners: [...cs.learners],
        votersOutgoing: [...cs.votersOutgoing],
        learnersNext: [...cs.learnersNext],
        autoLeave: cs.autoLeave,
      },
    },
  };
}
