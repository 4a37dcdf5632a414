/**
 * The scenario API (`/api/scenarios`, `/api/clusters/{c}/scenario/...`) and the cluster's
 * diagnosis, one function per call. Failures reject with the server's `ApiError`, whose
 * sentence the dashboard shows as it is.
 */

import type { Finding } from '@raftlens/diagnose';
import { ApiError, authHeaders } from '../../api/index.ts';
import type { RunnerState, ScenarioInfo } from './types.ts';

const enc = encodeURIComponent;

async function call<T>(method: 'GET' | 'POST', path: string, body?: unknown): Promise<T> {
  let res: Response;
  try {
    res = await fetch(path, {
      method,
      headers: {
        ...authHeaders(),
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
  } catch {
    throw new ApiError('Unreachable', 'The server cannot be reached.', 0);
  }
  const text = await res.text();
  let parsed: unknown;
  try {
    parsed = text ? JSON.parse(text) : undefined;
  } catch {
    parsed = undefined;
  }
  if (!res.ok) {
    const err = (parsed as { error?: { code?: string; message?: string } } | undefined)?.error;
    throw new ApiError(
      err?.code ?? `Http${res.status}`,
      err?.message ?? `The server answered ${res.status} ${res.statusText}.`,
      res.status,
    );
  }
  return parsed as T;
}

export type RunnerAction = 'forward' | 'back' | 'restart' | 'handover';

const scenarioPath = (c: string) => `/api/clusters/${enc(c)}/scenario`;

export const scenarioApi = {
  list: () => call<ScenarioInfo[]>('GET', '/api/scenarios'),
  start: (id: string, body: { cluster?: string; paced?: boolean } = {}) =>
    call<RunnerState>('POST', `/api/scenarios/${enc(id)}/start`, body),
  state: (c: string) => call<RunnerState>('GET', scenarioPath(c)),
  act: (c: string, action: RunnerAction) =>
    call<RunnerState>('POST', `${scenarioPath(c)}/${action}`),
  goto: (c: string, position: number) =>
    call<RunnerState>('POST', `${scenarioPath(c)}/goto`, { position }),
  diagnosis: async (c: string) =>
    (await call<{ findings: Finding[] }>('GET', `/api/clusters/${enc(c)}/diagnosis`)).findings,
};
