/**
 * The one catalogue of errors the server answers with. Every expected failure, whether the
 * cluster runtime raised it (a `ClusterError`) or the HTTP layer did (a bad body, an unknown
 * cluster), leaves the server as `{ error: { code, message } }` with the status code listed
 * here. Clients and tests match on `code`, never on the wording of `message`.
 */

import type { ClusterErrorCode } from '@raftlens/cluster';

/** Status codes of the cluster runtime's error codes. */
const CLUSTER_ERROR_STATUS = {
  UnknownNode: 404,
  UnknownGroup: 404,
  UnknownMessage: 404,
  InvalidLinkRule: 400,
  InvalidPartition: 400,
  NodeCrashed: 409,
  NodeRunning: 409,
  // NB: no leader and a dropped proposal are transient; the client may retry after a moment.
  NoLeader: 503,
  ProposalDropped: 503,
  Timeout: 504,
  NotPaused: 409,
  ClusterClosed: 410,
  InvalidRequest: 400,
  ConfChangeRejected: 409,
} as const satisfies Record<ClusterErrorCode, number>;

/** Status codes of the errors the server itself raises. */
const SERVER_ERROR_STATUS = {
  UnknownCluster: 404,
  ClusterExists: 409,
  TooManyClusters: 429,
  KeyNotFound: 404,
  InvalidJson: 400,
  UnsupportedMediaType: 415,
  PayloadTooLarge: 413,
  RouteNotFound: 404,
  Unauthorized: 401,
  CrossOriginRequest: 403,
  UpgradeRequired: 426,
  /** A node process of a multi-process cluster did not answer. */
  MemberUnreachable: 502,
  /** The cluster exists but runs in this process; node processes cannot join it. */
  NotFederated: 409,
  ShuttingDown: 503,
  InternalError: 500,
  /** A fork of a live cluster: only a simulated run replays exactly. */
  CannotForkLive: 409,
  /** A simulated cluster whose inputs were not all logged (not made by the runtime here). */
  NotForkable: 409,
  /** A fork at an event the run has not reached. */
  SeqOutOfRange: 409,
  /** A fork's replay did not follow the original run (a bug, or inputs the log missed). */
  ForkDiverged: 500,
  /** A simulated start from a past point: the trace does not record the stores' contents. */
  StateNotRecorded: 409,
  /** A simulated start from a cluster whose stores cannot all be read here. */
  SimulateFromUnsupported: 409,
  /** No guided scenario has this id. */
  UnknownScenario: 404,
  /** The cluster is hosted, but no guided scenario drives it. */
  NotAScenario: 404,
  /** A scenario's `forward` after its last step, or a `goto` past it. */
  AtEnd: 409,
  /** A scenario's `back` before its first step. */
  AtStart: 409,
  /** A scenario's `forward` in free play: go back or restart to return to the story. */
  HandedOver: 409,
  /** A scenario's `forward` while another call on it is being played or waits. */
  ScenarioBusy: 409,
  /** The scenario run was closed (its cluster deleted or started again) during the call. */
  RunnerClosed: 409,
} as const;

export const ERROR_STATUS = { ...CLUSTER_ERROR_STATUS, ...SERVER_ERROR_STATUS };

export type ApiErrorCode = keyof typeof ERROR_STATUS;

/** Codes whose failure is transient: the answer carries `Retry-After`. */
export const RETRYABLE_CODES: ReadonlySet<ApiErrorCode> = new Set<ApiErrorCode>([
  'NoLeader',
  'ProposalDropped',
  'ShuttingDown',
]);

/** An expected failure at the HTTP or WebSocket boundary, with its stable code. */
export class ApiError extends Error {
  readonly statusCode: number;

  constructor(
    readonly code: ApiErrorCode,
    message: string,
    readonly detail: Record<string, unknown> = {},
  ) {
    super(message);
    this.name = 'ApiError';
    this.statusCode = ERROR_STATUS[code];
  }
}

/** The body of every error answer. */
export interface ErrorBody {
  error: { code: string; message: string; detail?: Record<string, unknown> };
}

export function isApiErrorCode(code: unknown): code is ApiErrorCode {
  return typeof code === 'string' && Object.hasOwn(ERROR_STATUS, code);
}

/**
 * Recognises a `ClusterError` by shape rather than by `instanceof`, so that an error from another
 * copy of the runtime module (a test double, a second bundle) is still answered with its code.
 */
export function isClusterError(err: unknown): err is Error & {
  code: ClusterErrorCode;
  detail?: Record<string, unknown>;
} {
  return (
    err instanceof Error &&
    err.name === 'ClusterError' &&
    Object.hasOwn(CLUSTER_ERROR_STATUS, (err as { code?: unknown }).code as string)
  );
}

/**
 * Recognises a `ScenarioError` of @raftlens/scenarios by shape, as `isClusterError` does. Only
 * the codes of the catalogue count: the others mean a scenario itself is wrong (a bug).
 */
export function isScenarioError(err: unknown): err is Error & {
  code: ApiErrorCode;
  detail?: Record<string, unknown>;
} {
  return (
    err instanceof Error &&
    err.name === 'ScenarioError' &&
    isApiErrorCode((err as { code?: unknown }).code)
  );
}

export function errorBody(err: ApiError): ErrorBody {
  const body: ErrorBody = { error: { code: err.code, message: err.message } };
  if (Object.keys(err.detail).length > 0) body.error.detail = err.detail;
  return body;
}
