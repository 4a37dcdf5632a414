/**
 * The commands of the interaction scripts, parsed from their arguments and run against an
 * InteractionEnv. `newInteractionRunner` is the entry point: one runner per script file, its
 * environment living across the file's commands.
 *
 * Beyond etcd's commands, three extensions serve the project's own scripts (etcd's scripts
 * never use them, so their output is unchanged):
 *
 * - `read-index <node> <context>` calls RawNode.readIndex;
 * - `trace <EventName>... | off` prints the named core trace events as structural `TRACE`
 *   lines (`TRACE 1 ProposalDropped NoLeader`), where etcd's output gives no reason;
 * - `add-nodes` also takes `max-uncommitted-size`, `max-inflight-bytes` and
 *   `disable-proposal-forwarding`, and fails on an option it does not know.
 */
import { confChangesFromString } from '../../src/confchange/conv.ts';
import {
  type ConfChange,
  type ConfChangeSingle,
  type ConfChangeTransition,
  type ConfChangeV2,
  emptyConfState,
  MESSAGE_TYPES,
  type MessageType,
  nodeId,
  type Snapshot,
} from '../../src/types.ts';
import type { CmdArg, ScriptRunner, TestCase } from '../datadriven.ts';
import { parseCommandLine } from '../datadriven.ts';
import {
  defaultTemplate,
  InteractionEnv as Env,
  type InteractionEnv,
  type NodeTemplate,
  type Recipient,
} from './env.ts';
import { errorText, HarnessError } from './errors.ts';

/** A runner for one interaction script: state persists from command to command. */
export function newInteractionRunner(): ScriptRunner {
  const env = new Env();
  return { run: (tc) => handle(env, tc) };
}

/**
 * Runs one script command and returns its output, `ok` when it printed nothing. An error the
 * command returns is printed; at log level NONE it is all that is printed.
 */
export function handle(env: InteractionEnv, tc: TestCase): string {
  env.output.reset();
  const err =
    tc.cmd === 'propose-conf-change'
      ? proposeConfChange(env, tc.args, tc.input)
      : handleMulti(env, tc);
  if (err !== null) {
    if (env.output.quiet()) return err;
    env.output.write(err);
  }
  return env.output.isEmpty() ? 'ok' : env.output.toString().replace(/\n$/, '');
}

/** The command itself, then each input line as a further command. */
function handleMulti(env: InteractionEnv, tc: TestCase): string | null {
  const err = handleSingle(env, tc.cmd, tc.args);
  if (err !== null) return err;
  for (const line of tc.input.split('\n')) {
    if (line.trim() === '') continue;
    const { cmd, args } = parseCommandLine(line);
    const lineErr = handleSingle(env, cmd, args);
    if (lineErr === null) continue;
    if (env.output.quiet()) return lineErr;
    env.output.write(lineErr);
  }
  return null;
}

type Handler = (env: InteractionEnv, args: CmdArg[]) => string | null;

const HANDLERS: Readonly<Record<string, Handler>> = {
  _breakpoint: () => null,
  'add-nodes': addNodes,
  campaign: (env, args) => rawNodeErr(env.node(firstIdx(args)).rawNode.campaign()),
  compact: (env, args) => env.compact(firstIdx(args), intArg(args, 1)),
  'deliver-msgs': deliverMsgs,
  'forget-leader': (env, args) => rawNodeErr(env.node(firstIdx(args)).rawNode.forgetLeader()),
  'log-level': (env, args) => env.output.setLevel(keyAt(args, 0)),
  'process-ready': (env, args) => perNode(env, args, 'handling Ready', (i) => env.processReady(i)),
  'process-append-thread': (env, args) =>
    perNode(env, args, 'processing append thread', (i) => env.processAppendThread(i)),
  'process-apply-thread': (env, args) =>
    perNode(env, args, 'processing apply thread', (i) => env.processApplyThread(i)),
  propose: (env, args) => {
    const data = new TextEncoder().encode(keyAt(args, 1));
    return rawNodeErr(env.node(firstIdx(args)).rawNode.propose(data));
  },
  'raft-log': (env, args) => env.raftLog(firstIdx(args)),
  'raft-state': (env) => {
    env.raftState();
    return null;
  },
  'read-index': (env, args) => {
    const ctx = new TextEncoder().encode(keyAt(args, 1));
    env.node(firstIdx(args)).rawNode.readIndex(ctx);
    return null;
  },
  'report-unreachable': (env, args) => {
    env.node(firstIdx(args)).rawNode.reportUnreachable(nodeId(intArg(args, 1)));
    return null;
  },
  'send-snapshot': (env, args) => {
    const idxs = nodeIdxs(args);
    const [from, to] = idxs;
    if (idxs.length !== 2 || from === undefined || to === undefined) {
      throw new HarnessError('send-snapshot takes a source and a destination node');
    }
    return env.sendSnapshot(from, to);
  },
  'set-randomized-election-timeout': (env, args) => {
    const timeout = scanInt(valOf(args, 'timeout'));
    env.node(firstIdx(args)).rawNode.raft.randomizedElectionTimeout = timeout;
    return null;
  },
  stabilize,
  status: (env, args) => {
    env.status(firstIdx(args));
    return null;
  },
  trace: (env, args) => {
    for (const a of args) {
      if (a.key === 'off') env.tracedEvents.clear();
      else env.tracedEvents.add(a.key);
    }
    return null;
  },
  'tick-election': (env, args) => tickBy(env, args, 'electionTick'),
  'tick-heartbeat': (env, args) => tickBy(env, args, 'heartbeatTick'),
  'transfer-leadership': (env, args) => {
    const from = scanInt(valOf(args, 'from'));
    const to = scanInt(valOf(args, 'to'));
    env.node(from - 1).rawNode.transferLeader(nodeId(to));
    return null;
  },
};

function handleSingle(env: InteractionEnv, cmd: string, args: CmdArg[]): string | null {
  const h = HANDLERS[cmd];
  if (h === undefined) return 'unknown command';
  return h(env, args);
}

function tickBy(env: InteractionEnv, args: CmdArg[], which: 'electionTick' | 'heartbeatTick') {
  const idx = firstIdx(args);
  env.tick(idx, env.node(idx).config[which]);
  return null;
}

/** Runs `f` for each listed node; with more than one, under a `> id <what>` header. */
function perNode(
  env: InteractionEnv,
  args: CmdArg[],
  what: string,
  f: (idx: number) => string | null,
): string | null {
  const idxs = nodeIdxs(args);
  for (const idx of idxs) {
    let err: string | null;
    if (idxs.length > 1) {
      env.output.write(`> ${idx + 1} ${what}\n`);
      err = env.output.withIndent(() => f(idx));
    } else {
      err = f(idx);
    }
    if (err !== null) return err;
  }
  return null;
}

function stabilize(env: InteractionEnv, args: CmdArg[]): string | null {
  const level = args.find((a) => a.key === 'log-level')?.vals[0];
  if (level === undefined) return env.stabilize(nodeIdxs(args));
  const old = env.output.level;
  const err = env.output.setLevel(level);
  if (err !== null) return err;
  try {
    return env.stabilize(nodeIdxs(args));
  } finally {
    env.output.level = old;
  }
}

function deliverMsgs(env: InteractionEnv, args: CmdArg[]): string | null {
  let type: MessageType | null = null;
  const rs: Recipient[] = [];
  for (const arg of args) {
    if (arg.vals.length === 0) rs.push({ id: nodeId(scanInt(arg.key)), drop: false });
    for (const val of arg.vals) {
      if (arg.key === 'drop') {
        const id = nodeId(scanInt(val));
        if (rs.some((r) => r.id === id)) {
          throw new HarnessError(`can't both deliver and drop msgs to ${id}`);
        }
        rs.push({ id, drop: true });
      } else if (arg.key === 'type') {
        if (!(MESSAGE_TYPES as readonly string[]).includes(val)) {
          throw new HarnessError(`unknown message type ${val}`);
        }
        type = val as MessageType;
      } else {
        throw new HarnessError(`deliver-msgs: unknown argument ${arg.key}`);
      }
    }
  }
  if (env.deliverMsgs(type, rs) === 0) env.output.write('no messages\n');
  return null;
}

/**
 * `add-nodes <count> voters=(..) learners=(..) index=N content=.. <options>`: new nodes,
 * bootstrapped from a snapshot built of the voters, learners, index and content given.
 */
function addNodes(env: InteractionEnv, args: CmdArg[]): string | null {
  const count = scanInt(keyAt(args, 0));
  const template: NodeTemplate = defaultTemplate();
  const confState = emptyConfState();
  const snap: Snapshot = {
    data: new Uint8Array(0),
    metadata: {
      index: 0 as Snapshot['metadata']['index'],
      term: 0 as Snapshot['metadata']['term'],
      confState,
    },
  };
  for (const arg of args.slice(1)) {
    for (const val of arg.vals) {
      const err = applyNodeOption(template, snap, arg.key, val);
      if (err !== null) return err;
    }
  }
  return env.addNodes(count, template, snap);
}

function applyNodeOption(t: NodeTemplate, snap: Snapshot, key: string, val: string): string | null {
  const cs = snap.metadata.confState;
  switch (key) {
    case 'voters':
      cs.voters.push(nodeId(scanInt(val)));
      break;
    case 'learners':
      cs.learners.push(nodeId(scanInt(val)));
      break;
    case 'inflight':
      t.maxInflightMsgs = scanInt(val);
      break;
    case 'index':
      snap.metadata.index = scanInt(val) as Snapshot['metadata']['index'];
      t.applied = snap.metadata.index;
      break;
    case 'content':
      snap.data = new TextEncoder().encode(val);
      break;
    case 'async-storage-writes':
      t.asyncStorageWrites = scanBool(val);
      break;
    case 'prevote':
      t.preVote = scanBool(val);
      break;
    case 'checkquorum':
      t.checkQuorum = scanBool(val);
      break;
    case 'max-committed-size-per-ready':
      t.maxCommittedSizePerReady = scanInt(val);
      break;
    case 'max-uncommitted-size':
      t.maxUncommittedEntriesSize = scanInt(val);
      break;
    case 'max-inflight-bytes':
      t.maxInflightBytes = scanInt(val);
      break;
    case 'disable-conf-change-validation':
      t.disableConfChangeValidation = scanBool(val);
      break;
    case 'disable-proposal-forwarding':
      t.disableProposalForwarding = scanBool(val);
      break;
    case 'step-down-on-removal':
      t.stepDownOnRemoval = scanBool(val);
      break;
    case 'heartbeat-tick':
      t.heartbeatTick = scanInt(val);
      break;
    case 'election-tick':
      t.electionTick = scanInt(val);
      break;
    case 'read-only':
      if (val === 'safe') t.readOnlyOption = 'ReadOnlySafe';
      else if (val === 'lease-based') t.readOnlyOption = 'ReadOnlyLeaseBased';
      else return `invalid read-only option "${val}"`;
      break;
    default:
      throw new HarnessError(`add-nodes: unknown argument ${key}`);
  }
  return null;
}

const TRANSITIONS: Readonly<Record<string, ConfChangeTransition>> = {
  auto: 'ConfChangeTransitionAuto',
  implicit: 'ConfChangeTransitionJointImplicit',
  explicit: 'ConfChangeTransitionJointExplicit',
};

/**
 * `propose-conf-change <id> [v1=bool] [transition=auto|implicit|explicit]` with the changes
 * as input (`v1 l2 r3`); an empty input proposes leaving a joint configuration.
 */
function proposeConfChange(env: InteractionEnv, args: CmdArg[], input: string): string | null {
  const idx = firstIdx(args);
  let v1 = false;
  let transition: ConfChangeTransition = 'ConfChangeTransitionAuto';
  for (const arg of args.slice(1)) {
    for (const val of arg.vals) {
      if (arg.key === 'v1') {
        v1 = scanBool(val);
      } else if (arg.key === 'transition') {
        const t = TRANSITIONS[val];
        if (t === undefined) return `unknown transition ${val}`;
        transition = t;
      } else {
        return `unknown command ${arg.key}`;
      }
    }
  }
  let changes: ConfChangeSingle[];
  try {
    changes = confChangesFromString(input);
  } catch (err) {
    return errorText(err);
  }
  let cc: ConfChange | ConfChangeV2;
  if (v1) {
    const [only] = changes;
    if (changes.length > 1 || transition !== 'ConfChangeTransitionAuto' || only === undefined) {
      return 'v1 conf change can only have one operation and no transition';
    }
    cc = { type: only.type, nodeId: only.nodeId, context: new Uint8Array(0) };
  } else {
    cc = { transition, changes, context: new Uint8Array(0) };
  }
  return rawNodeErr(env.node(idx).rawNode.proposeConfChange(cc));
}

/** A RawNode call's result as script output: null, or the error's text. */
function rawNodeErr(result: unknown): string | null {
  if (result === null || result === undefined) return null;
  return errorText(result);
}

function keyAt(args: CmdArg[], i: number): string {
  const arg = args[i];
  if (arg === undefined) throw new HarnessError(`missing argument ${i + 1}`);
  return arg.key;
}

function intArg(args: CmdArg[], i: number): number {
  return scanInt(keyAt(args, i));
}

/** The 0-based index of the node named by the first argument. */
function firstIdx(args: CmdArg[]): number {
  return intArg(args, 0) - 1;
}

/** The 0-based indexes of the nodes named by the bare arguments (key=value ones skipped). */
function nodeIdxs(args: CmdArg[]): number[] {
  return args.filter((a) => a.vals.length === 0).map((a) => scanInt(a.key) - 1);
}

function valOf(args: CmdArg[], key: string): string {
  const v = args.find((a) => a.key === key)?.vals[0];
  if (v === undefined) throw new HarnessError(`missing argument ${key}=`);
  return v;
}

function scanInt(s: string): number {
  if (!/^\d+$/.test(s)) throw new HarnessError(`not a number: ${s}`);
  return Number(s);
}

/** Go's strconv.ParseBool. */
function scanBool(s: string): boolean {
  if (['1', 't', 'T', 'true', 'TRUE', 'True'].includes(s)) return true;
  if (['0', 'f', 'F', 'false', 'FALSE', 'False'].includes(s)) return false;
  throw new HarnessError(`not a boolean: ${s}`);
}
