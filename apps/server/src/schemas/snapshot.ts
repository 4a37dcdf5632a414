/**
 * The cluster snapshot as a JSON schema, mirroring `ClusterSnapshot` in @raftlens/trace. The
 * schema documents the answer in openapi.json and lets Fastify serialise it quickly; the type
 * checks at the bottom keep it and the interface from drifting apart.
 */

import type {
  ClusterSnapshot,
  ConfStateView,
  GroupView,
  HeldMessageView,
  LinkRule,
  LogWindowView,
  NodeView,
  ProgressView,
} from '@raftlens/trace';
import { type Static, Type } from 'typebox';

const Ids = Type.Array(Type.Integer());

export const RoleSchema = Type.Union([
  Type.Literal('StateFollower'),
  Type.Literal('StateCandidate'),
  Type.Literal('StatePreCandidate'),
  Type.Literal('StateLeader'),
]);

export const ProgressViewSchema = Type.Object({
  match: Type.Integer(),
  next: Type.Integer(),
  state: Type.Union([
    Type.Literal('StateProbe'),
    Type.Literal('StateReplicate'),
    Type.Literal('StateSnapshot'),
  ]),
  paused: Type.Boolean(),
  inflights: Type.Integer(),
  inflightsFull: Type.Boolean(),
  recentActive: Type.Boolean(),
  pendingSnapshot: Type.Integer(),
  isLearner: Type.Boolean(),
  msgAppFlowPaused: Type.Boolean(),
});

export const ConfStateViewSchema = Type.Object({
  voters: Ids,
  learners: Ids,
  votersOutgoing: Ids,
  learnersNext: Ids,
  autoLeave: Type.Boolean(),
});

const LogWindowViewSchema = Type.Object({
  firstIndex: Type.Integer(),
  lastIndex: Type.Integer(),
  snapshotIndex: Type.Integer(),
  snapshotTerm: Type.Integer(),
  entries: Type.Array(
    Type.Object({
      index: Type.Integer(),
      term: Type.Integer(),
      type: Type.String(),
      bytes: Type.Integer(),
      summary: Type.String(),
    }),
  ),
});

const GroupViewSchema = Type.Object({
  group: Type.Integer(),
  role: RoleSchema,
  term: Type.Integer(),
  vote: Type.Integer(),
  lead: Type.Integer(),
  commit: Type.Integer(),
  applied: Type.Integer(),
  persisted: Type.Integer(),
  log: LogWindowViewSchema,
  confState: ConfStateViewSchema,
  progress: Type.Optional(Type.Record(Type.String(), ProgressViewSchema)),
  leadTransferee: Type.Integer(),
  electionElapsedTicks: Type.Integer(),
  randomizedElectionTimeoutTicks: Type.Integer(),
  promotable: Type.Boolean(),
});

const NodeViewSchema = Type.Object({
  id: Type.Integer(),
  status: Type.Union([Type.Literal('running'), Type.Literal('crashed'), Type.Literal('stopped')]),
  address: Type.String(),
  faults: Type.Array(Type.String()),
  tick: Type.Integer(),
  groups: Type.Array(GroupViewSchema),
  kvSize: Type.Integer(),
});

const Rate = Type.Number({ minimum: 0, maximum: 1 });
const Millis = Type.Number({ minimum: 0, maximum: 600_000 });

/** A link rule; also the body of `PUT .../links/{from}/{to}`. */
export const LinkRuleSchema = Type.Object(
  {
    hold: Type.Optional(Type.Boolean({ description: 'Park every message until released.' })),
    dropRate: Type.Optional(Rate),
    delayMs: Type.Optional(Millis),
    jitterMs: Type.Optional(Millis),
    duplicateRate: Type.Optional(Rate),
    reorderRate: Type.Optional(Rate),
    types: Type.Optional(
      Type.Array(Type.String({ pattern: '^Msg[A-Za-z]+$' }), {
        maxItems: 32,
        description: 'Apply only to these message types, e.g. `MsgApp`; all when absent.',
      }),
    ),
  },
  { additionalProperties: false },
);

export const LinkRuleViewSchema = Type.Object({
  from: Type.Integer(),
  to: Type.Integer(),
  rule: LinkRuleSchema,
});

export const HeldMessageViewSchema = Type.Object({
  msgId: Type.String(),
  from: Type.Integer(),
  to: Type.Integer(),
  group: Type.Integer(),
  type: Type.String(),
  term: Type.Integer(),
  index: Type.Integer(),
  entries: Type.Integer(),
  heldAtMs: Type.Number(),
});

export const ClusterSnapshotSchema = Type.Object(
  {
    cluster: Type.String(),
    mode: Type.Union([Type.Literal('live'), Type.Literal('simulated')]),
    seed: Type.Optional(Type.Integer()),
    paused: Type.Boolean(),
    speed: Type.Number(),
    tickMs: Type.Number(),
    groups: Ids,
    nodes: Type.Array(NodeViewSchema),
    links: Type.Array(LinkRuleViewSchema),
    partitions: Type.Array(Ids),
    held: Type.Array(HeldMessageViewSchema),
    pending: Type.Optional(Type.Array(HeldMessageViewSchema)),
    seq: Type.Integer(),
    wallMs: Type.Number(),
  },
  { description: 'The present state of a cluster; see ClusterSnapshot in @raftlens/trace.' },
);

// The schema and the interface must describe the same values. Each line fails to compile when
// a field is added to, removed from or retyped in one of them but not the other. Keys are
// compared as well, because an optional field missing on one side still type-checks otherwise.
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
type SameShape<A, B> = Same<A, B> extends true ? Same<keyof A, keyof B> : false;
type Snapshot = Static<typeof ClusterSnapshotSchema>;
type Node = Snapshot['nodes'][number];
type Group = Node['groups'][number];
const checks: [
  SameShape<Snapshot, ClusterSnapshot>,
  SameShape<Node, NodeView>,
  SameShape<Group, GroupView>,
  SameShape<Group['log'], LogWindowView>,
  SameShape<Group['confState'], ConfStateView>,
  SameShape<Static<typeof ProgressViewSchema>, ProgressView>,
  SameShape<Static<typeof LinkRuleSchema>, LinkRule>,
  SameShape<Static<typeof HeldMessageViewSchema>, HeldMessageView>,
] = [true, true, true, true, true, true, true, true];
export const SCHEMAS_MATCH_TYPES = checks.every(Boolean);
