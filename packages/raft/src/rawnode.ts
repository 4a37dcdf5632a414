/**
 * `RawNode`: the application's handle on one Raft node (etcd raft's RawNode).
 *
 * The application drives it: `tick` on a timer, `step` for every message received, `propose`
 * and friends for its own requests. Whenever `hasReady` is true it takes a `Ready`, persists
 * what it says, sends its messages, applies its committed entries, and calls `advance`. With
 * `asyncStorageWrites`, persistence and application instead go through messages to the local
 * threads inside the Ready's messages, and their responses are stepped back in.
 */
import { encodeConfChange, encodeConfChangeV2 } from './confchange/codec.ts';
import { asV2, isConfChangeV2 } from './confchange/conv.ts';
import { type Config, resolveConfig } from './config.ts';
import { type RaftError, stepLocalMsg, stepPeerNotFound } from './errors.ts';
import { Raft } from './raft.ts';
import { acceptReady, hasReady, type Ready, type ReadyState, readyWithoutAccept } from './ready.ts';
import { applyConfChange } from './reconfig.ts';
import { type BasicStatus, getBasicStatus, getStatus, type Status } from './status.ts';
import type {
  ConfChange,
  ConfChangeV2,
  ConfState,
  Entry,
  LogIndex,
  Message,
  NodeId,
  Term,
} from './types.ts';
import { NONE } from './types.ts';
import { blankMsg, EMPTY_BYTES, isLocalMsg, isLocalMsgTarget, isResponseMsg, msg } from './util.ts';

/** How a snapshot sent to a follower ended, for `reportSnapshot`. */
export type SnapshotStatus = 'finish' | 'failure';

export class RawNode {
  /** The state machine itself, for inspection and tests. Do not drive it directly. */
  readonly raft: Raft;
  private readonly ready_: ReadyState;

  /** Creates a node from `config`; throws a `ConfigInvalid` RaftError if it is invalid. */
  constructor(config: Config) {
    const resolved = resolveConfig(config);
    this.raft = new Raft(resolved);
    this.ready_ = {
      asyncStorageWrites: resolved.asyncStorageWrites,
      prevSoftSt: this.raft.softState(),
      prevHardSt: this.raft.hardState(),
      stepsOnAdvance: [],
    };
  }

  /** Advances the logical clock by one tick (elections, heartbeats, CheckQuorum). */
  tick(): void {
    this.raft.tick();
  }

  /**
   * Advances only the election timer, without heartbeats or elections: for groups known to
   * be quiescent. It subverts the Raft state machine; prefer `tick`.
   */
  tickQuiesced(): void {
    this.raft.electionElapsed++;
  }

  /** Starts an election now (with PreVote first, if configured). */
  campaign(): RaftError | null {
    return this.raft.step(msg('MsgHup', NONE));
  }

  /**
   * Proposes `data` for the log. `ProposalDropped` (with its reason) if it cannot be accepted
   * here; success means appended (leader) or forwarded (follower), not committed.
   */
  propose(data: Uint8Array): RaftError | null {
    const entry: Entry = { term: 0 as Term, index: 0 as LogIndex, type: 'EntryNormal', data };
    const m = blankMsg('MsgProp', NONE);
    m.from = this.raft.id;
    m.entries = [entry];
    return this.raft.step(m);
  }

  /**
   * Proposes a configuration change. A V1 `ConfChange` becomes an `EntryConfChange`, a
   * `ConfChangeV2` an `EntryConfChangeV2`. Once committed, the application must call
   * `applyConfChange` when it applies the entry.
   */
  proposeConfChange(cc: ConfChange | ConfChangeV2): RaftError | null {
    return this.raft.step(confChangeToMsg(cc));
  }

  /**
   * Applies a committed configuration change to this node and returns the new ConfState (to
   * persist with the next snapshot). Call it for every conf change entry applied, unless the
   * application rejects the change.
   */
  applyConfChange(cc: ConfChange | ConfChangeV2): ConfState {
    return applyConfChange(this.raft, asV2(cc));
  }

  /**
   * Steps a message received from the network or from a local storage thread. Local-only
   * messages from the network are refused (`StepLocalMsg`), as are responses from nodes with
   * no progress here (`StepPeerNotFound`: typically nodes removed from the configuration).
   */
  step(m: Message): RaftError | null {
    if (isLocalMsg(m.type) && !isLocalMsgTarget(m.from)) return stepLocalMsg();
    if (isResponseMsg(m.type) && !isLocalMsgTarget(m.from) && !this.raft.trk.progress.has(m.from)) {
      return stepPeerNotFound();
    }
    return this.raft.step(m);
  }

  /** True if there is work in a Ready (cheaper than building one). */
  hasReady(): boolean {
    return hasReady(this.raft, this.ready_);
  }

  /**
   * The outstanding work: state to persist, messages to send, entries to apply. It must be
   * handled, and (without async storage writes) acknowledged with `advance`, before the next.
   */
  ready(): Ready {
    const rd = readyWithoutAccept(this.raft, this.ready_);
    acceptReady(this.raft, this.ready_, rd);
    return rd;
  }

  /**
   * Acknowledges the last Ready: its state is persisted, its entries applied. The argument is
   * accepted for compatibility and not used: what to do was recorded when the Ready was taken.
   * Must not be called with `asyncStorageWrites`.
   */
  advance(_rd?: Ready): void {
    if (this.ready_.asyncStorageWrites) {
      throw new Error('Advance must not be called when using AsyncStorageWrites');
    }
    const steps = this.ready_.stepsOnAdvance;
    this.ready_.stepsOnAdvance = [];
    for (const m of steps) this.raft.step(m);
  }

  /** The full status, with every peer's progress on the leader. */
  status(): Status {
    return getStatus(this.raft);
  }

  /** The status without progress (cheap). */
  basicStatus(): BasicStatus {
    return getBasicStatus(this.raft);
  }

  /** Reports that the last message to `id` could not be delivered. */
  reportUnreachable(id: NodeId): void {
    this.raft.step(msg('MsgUnreachable', NONE, { from: id }));
  }

  /**
   * Reports how the snapshot sent to `id` ended. The leader waits for this (or for the
   * follower to answer) before it replicates to `id` again.
   */
  reportSnapshot(id: NodeId, status: SnapshotStatus): void {
    this.raft.step(msg('MsgSnapStatus', NONE, { from: id, reject: status === 'failure' }));
  }

  /** Asks the leader (this node or, forwarded, another) to hand leadership to `transferee`. */
  transferLeader(transferee: NodeId): void {
    this.raft.step(msg('MsgTransferLeader', NONE, { from: transferee }));
  }

  /**
   * Makes a follower forget its leader while staying in the term, so that it grants votes at
   * once; for when the leader is known to be gone. A no-op on leaders and candidates; refused
   * (and logged) with lease-based reads.
   */
  forgetLeader(): RaftError | null {
    return this.raft.step(msg('MsgForgetLeader', NONE));
  }

  /**
   * Requests a read index for a linearizable read. The answer arrives as a ReadState with the
   * same `ctx` in a later Ready; once the application has applied up to its index, the read
   * may be served. `ctx` should be unique per request.
   */
  readIndex(ctx: Uint8Array): void {
    const entry: Entry = { term: 0 as Term, index: 0 as LogIndex, type: 'EntryNormal', data: ctx };
    this.raft.step(msg('MsgReadIndex', NONE, { entries: [entry] }));
  }
}

/** The MsgProp that proposes a configuration change (null: leave the joint configuration). */
export function confChangeToMsg(cc: ConfChange | ConfChangeV2 | null): Message {
  let entry: Entry;
  if (cc === null) {
    entry = { term: 0 as Term, index: 0 as LogIndex, type: 'EntryConfChangeV2', data: EMPTY_BYTES };
  } else if (isConfChangeV2(cc)) {
    const data = encodeConfChangeV2(cc);
    entry = { term: 0 as Term, index: 0 as LogIndex, type: 'EntryConfChangeV2', data };
  } else {
    const data = encodeConfChange(cc);
    entry = { term: 0 as Term, index: 0 as LogIndex, type: 'EntryConfChange', data };
  }
  return msg('MsgProp', NONE, { entries: [entry] });
}

export type { Ready } from './ready.ts';
