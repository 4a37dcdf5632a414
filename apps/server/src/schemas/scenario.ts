/**
 * The guided scenarios' answers as JSON schemas, mirroring `ScenarioInfo` and `RunnerState` of
 * @raftlens/scenarios. They document the routes in openapi.json and let Fastify serialise the
 * answers; a schema that left a field out would silently drop it from every answer, so the type
 * checks at the bottom keep each schema and its interface from drifting apart.
 */

import type {
  CheckResult,
  OpRecord,
  RunnerState,
  ScenarioInfo,
  StepInfo,
  StepOutcome,
} from '@raftlens/scenarios';
import { type Static, Type } from 'typebox';
import { ClusterName } from './common.ts';
import { FindingSchema } from './finding.ts';
import { ClusterSnapshotSchema } from './snapshot.ts';

export const ScenarioParams = Type.Object({
  id: Type.String({ pattern: '^[a-z0-9][a-z0-9-]{0,62}$', description: 'A scenario id.' }),
});

export const StartScenarioBody = Type.Object(
  {
    cluster: Type.Optional(
      Type.String({
        ...ClusterName,
        description: 'The cluster to run it on; default `scenario-<id>`.',
      }),
    ),
    paced: Type.Optional(
      Type.Boolean({
        description:
          'Play each step in wall time at the cluster speed, so viewers see messages fly ' +
          '(default true); false runs each step as fast as the machine allows. The run is ' +
          'the same either way.',
      }),
    ),
  },
  { additionalProperties: false },
);

export const GoToBody = Type.Object(
  {
    position: Type.Integer({
      minimum: 0,
      description: 'Steps completed: 0 is before the first, the step count after the last.',
    }),
  },
  { additionalProperties: false },
);

export const ScenarioInfoSchema = Type.Object({
  id: Type.String(),
  title: Type.String(),
  summary: Type.String(),
  audience: Type.Array(Type.String()),
  category: Type.String(),
  cluster: Type.Object({
    size: Type.Integer(),
    seed: Type.Integer(),
    tickMs: Type.Number(),
    netLatencyMs: Type.Number(),
    core: Type.Object({}, { additionalProperties: true }),
    faults: Type.Record(Type.String(), Type.Array(Type.String())),
  }),
  fault: Type.Optional(Type.Object({ fault: Type.String(), finding: Type.String() })),
  steps: Type.Array(
    Type.Object({
      index: Type.Integer(),
      title: Type.String(),
      narration: Type.String(),
      until: Type.String({ description: 'What the step waits for, in words.' }),
    }),
  ),
});

const StepInfoSchema = Type.Object({
  index: Type.Integer(),
  title: Type.String(),
  narration: Type.String({ description: 'With the run’s node numbers filled in.' }),
});

const CheckResultSchema = Type.Object({
  description: Type.String(),
  ok: Type.Boolean(),
  actual: Type.Optional(Type.String({ description: 'What was seen, when the check failed.' })),
});

const CodeMessageSchema = Type.Object({ code: Type.String(), message: Type.String() });

const StepOutcomeSchema = Type.Object({
  index: Type.Integer(),
  title: Type.String(),
  narration: Type.String(),
  until: Type.String(),
  untilMet: Type.Boolean(),
  startedAtMs: Type.Number(),
  endedAtMs: Type.Number(),
  fromSeq: Type.Integer({ description: 'The first trace event of the step.' }),
  toSeq: Type.Integer({ description: 'The last trace event of the step.' }),
  checks: Type.Array(CheckResultSchema),
  passed: Type.Boolean(),
  error: Type.Optional(CodeMessageSchema),
});

const OpRecordSchema = Type.Object({
  label: Type.String(),
  kind: Type.Union([
    Type.Literal('write'),
    Type.Literal('read'),
    Type.Literal('transfer'),
    Type.Literal('add-node'),
    Type.Literal('conf-change'),
  ]),
  node: Type.Union([Type.Integer(), Type.Null()]),
  status: Type.Union([Type.Literal('pending'), Type.Literal('ok'), Type.Literal('failed')]),
  result: Type.Optional(Type.Unknown()),
  error: Type.Optional(CodeMessageSchema),
  startedAtMs: Type.Number(),
  settledAtMs: Type.Optional(Type.Number()),
});

export const RunnerStateSchema = Type.Object({
  scenarioId: Type.String(),
  title: Type.String(),
  cluster: Type.String(),
  position: Type.Integer({ description: 'Steps completed: 0 before the first.' }),
  total: Type.Integer(),
  done: Type.Boolean(),
  handedOver: Type.Boolean({ description: 'In free play: the clock follows the wall clock.' }),
  busy: Type.Boolean({ description: 'A step is being played or replayed.' }),
  step: Type.Union([StepInfoSchema, Type.Null()], { description: 'The step last run.' }),
  outcome: Type.Union([StepOutcomeSchema, Type.Null()]),
  next: Type.Union([StepInfoSchema, Type.Null()], { description: 'The step forward runs.' }),
  outcomes: Type.Array(StepOutcomeSchema),
  names: Type.Record(Type.String(), Type.Integer(), {
    description: 'The nodes the story named so far, e.g. {"old": 3}.',
  }),
  ops: Type.Array(OpRecordSchema),
  findings: Type.Array(FindingSchema),
  violations: Type.Array(FindingSchema),
  snapshot: ClusterSnapshotSchema,
});

// Each line fails to compile when a field is added to or removed from a schema or its interface
// but not the other (keys are compared, since an optional field missing on one side would still
// type-check), or when a value of the interface does not fit the schema.
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
type SameKeys<A, B> = Same<keyof A, keyof B>;
type State = Static<typeof RunnerStateSchema>;
type Info = Static<typeof ScenarioInfoSchema>;
const checks: [
  SameKeys<State, RunnerState>,
  SameKeys<NonNullable<State['step']>, StepInfo>,
  SameKeys<State['outcomes'][number], StepOutcome>,
  SameKeys<State['outcomes'][number]['checks'][number], CheckResult>,
  SameKeys<State['ops'][number], OpRecord>,
  SameKeys<Info, ScenarioInfo>,
  SameKeys<Info['cluster'], ScenarioInfo['cluster']>,
  SameKeys<Info['steps'][number], ScenarioInfo['steps'][number]>,
] = [true, true, true, true, true, true, true, true];
const fits = [
  ((x: RunnerState): State => x) !== undefined,
  ((x: ScenarioInfo): Info => x) !== undefined,
];
export const SCENARIO_SCHEMAS_FIT = checks.every(Boolean) && fits.every(Boolean);
