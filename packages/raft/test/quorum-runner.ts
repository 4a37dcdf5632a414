/**
 * Runs etcd raft's quorum scripts (`quorum/testdata/*.txt`) against `src/quorum`.
 *
 * Commands:
 *
 *     committed cfg=(1,2,3) [cfgj=(2,3,4) | cfgj=zero] idx=(100,_,99,_)
 *     vote      cfg=(1,2,3) [cfgj=...]                 votes=(y,n,_,_)
 *
 * `cfgj` makes the case a joint one (`zero` is an empty outgoing half). The values of `idx` and
 * `votes` belong, in order, to the voters of `cfg` followed by those of `cfgj` not already
 * named; `_` means "nothing known". Besides printing the result, the runner checks the result
 * against equivalent computations (halves swapped, joined with an empty or an identical half, a
 * counting definition of the commit index) and prints a `<-- via ...` line for any
 * disagreement, so a bug shows up as a diff even where the expected output cannot see it.
 */

import { describeJoint, jointCommittedIndex, jointVoteResult } from '../src/quorum/joint.ts';
import {
  type AckedIndexer,
  describeMajority,
  indexToString,
  type MajorityConfig,
  majorityCommittedIndex,
  majorityVoteResult,
} from '../src/quorum/majority.ts';
import type { LogIndex, NodeId } from '../src/types.ts';
import type { CmdArg, ScriptRunner, TestCase } from './datadriven.ts';

interface QuorumCase {
  joint: boolean;
  incoming: NodeId[];
  outgoing: NodeId[];
  /** One entry per value of `idx`; 0 stands for `_`. */
  idxs: number[];
  /** One entry per value of `votes`: true, false, or undefined for `_`. */
  votes: (boolean | undefined)[];
}

function parseCase(args: CmdArg[]): QuorumCase | string {
  const qc: QuorumCase = { joint: false, incoming: [], outgoing: [], idxs: [], votes: [] };
  for (const arg of args) {
    for (const val of arg.vals) {
      switch (arg.key) {
        case 'cfg':
          qc.incoming.push(Number(val) as NodeId);
          break;
        case 'cfgj':
          qc.joint = true;
          if (val === 'zero') {
            if (arg.vals.length !== 1) return "cannot mix 'zero' into configuration";
          } else {
            qc.outgoing.push(Number(val) as NodeId);
          }
          break;
        case 'idx':
          // A real index of 0 would be indistinguishable from `_`, so the scripts never use one.
          if (val !== '_' && Number(val) === 0) return 'cannot use 0 as idx';
          qc.idxs.push(val === '_' ? 0 : Number(val));
          break;
        case 'votes':
          if (val !== 'y' && val !== 'n' && val !== '_') return `unknown vote: ${val}`;
          qc.votes.push(val === '_' ? undefined : val === 'y');
          break;
        default:
          return `unknown arg ${arg.key}`;
      }
    }
  }
  // `cfgj=()` has no values for the loop above to see, yet it still asks for a joint case.
  if (args.some((a) => a.key === 'cfgj')) qc.joint = true;
  return qc;
}

/** Assigns values to voters in script order, each voter once, skipping `_` placeholders. */
function assign<T>(
  ids: NodeId[],
  vals: readonly T[],
  isPlaceholder: (v: T) => boolean,
): Map<NodeId, T> {
  const seen = new Set<NodeId>();
  const out = new Map<NodeId, T>();
  let next = 0;
  for (const id of ids) {
    if (seen.has(id) || next >= vals.length) continue;
    seen.add(id);
    const v = vals[next++] as T;
    if (!isPlaceholder(v)) out.set(id, v);
  }
  return out;
}

/** The commit index by its definition: the largest index at least a quorum has reached. */
function countingCommittedIndex(c: MajorityConfig, l: AckedIndexer): LogIndex {
  if (c.size === 0) return Number.MAX_SAFE_INTEGER as LogIndex;
  const acked = [...c].map((id) => l(id) ?? 0);
  const quorum = Math.floor(c.size / 2) + 1;
  let best = 0;
  for (const candidate of acked) {
    const reached = acked.filter((a) => a >= candidate).length;
    if (reached >= quorum && candidate > best) best = candidate;
  }
  return best as LogIndex;
}

function runCommitted(qc: QuorumCase, c: MajorityConfig, cj: MajorityConfig): string {
  const acked = assign([...qc.incoming, ...qc.outgoing], qc.idxs, (v) => v === 0);
  const l: AckedIndexer = (id) => acked.get(id) as LogIndex | undefined;
  let out = '';
  let idx: LogIndex;
  if (qc.joint) {
    idx = jointCommittedIndex([c, cj], l);
    out += describeJoint([c, cj], l);
    const swapped = jointCommittedIndex([cj, c], l);
    if (swapped !== idx) out += `${indexToString(swapped)} <-- via symmetry\n`;
  } else {
    idx = majorityCommittedIndex(c, l);
    out += describeMajority(c, l);
    const zeroJoint = jointCommittedIndex([c, new Set()], l);
    if (zeroJoint !== idx) out += `${indexToString(zeroJoint)} <-- via zero-joint quorum\n`;
    const selfJoint = jointCommittedIndex([c, c], l);
    if (selfJoint !== idx) out += `${indexToString(selfJoint)} <-- via self-joint quorum\n`;
    const counted = countingCommittedIndex(c, l);
    if (counted !== idx) out += `${indexToString(counted)} <-- via alternative computation\n`;
  }
  return `${out}${indexToString(idx)}\n`;
}

function runVote(qc: QuorumCase, c: MajorityConfig, cj: MajorityConfig): string {
  const cast = assign([...qc.incoming, ...qc.outgoing], qc.votes, (v) => v === undefined);
  const votes = cast as Map<NodeId, boolean>;
  let out = '';
  if (qc.joint) {
    const r = jointVoteResult([c, cj], votes);
    const swapped = jointVoteResult([cj, c], votes);
    if (swapped !== r) out += `${swapped} <-- via symmetry\n`;
    return `${out}${r}\n`;
  }
  const r = majorityVoteResult(c, votes);
  const zeroJoint = jointVoteResult([c, new Set()], votes);
  if (zeroJoint !== r) out += `${zeroJoint} <-- via zero-joint quorum\n`;
  const selfJoint = jointVoteResult([c, c], votes);
  if (selfJoint !== r) out += `${selfJoint} <-- via self-joint quorum\n`;
  return `${out}${r}\n`;
}

/** A runner for one quorum script; the quorum commands keep no state between cases. */
export function newQuorumRunner(): ScriptRunner {
  return {
    run(tc: TestCase): string {
      const qc = parseCase(tc.args);
      if (typeof qc === 'string') return `error: ${qc}\n`;
      const c: MajorityConfig = new Set(qc.incoming);
      const cj: MajorityConfig = new Set(qc.outgoing);
      const voters = new Set([...c, ...cj]);
      switch (tc.cmd) {
        case 'committed':
          if (voters.size !== qc.idxs.length) {
            const got = qc.idxs.join(',');
            return `error: mismatched input (explicit or _) for voters ${[...voters]}: ${got}\n`;
          }
          return runCommitted(qc, c, cj);
        case 'vote':
          if (voters.size !== qc.votes.length) {
            return `error: mismatched input (explicit or _) for voters ${[...voters]}\n`;
          }
          return runVote(qc, c, cj);
        default:
          return `unknown command: ${tc.cmd}\n`;
      }
    },
  };
}
