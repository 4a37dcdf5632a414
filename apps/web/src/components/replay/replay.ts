/**
 * The page's replay: one controller over the app store and a worker, the links that name a
 * moment, and the ways in (a file, a URL, a cluster's recording, a seeded simulated run).
 */

import { ApiError, authHeaders, paths } from '../../api/index.ts';
import { useStore } from '../../store/appStore.ts';
import type { ReplaySource } from '../../store/replaySlice.ts';
import { resumeStream, suspendStream, switchCluster } from '../../stream/connect.ts';
import { workerBackend } from './backend.ts';
import { ReplayController } from './controller.ts';
import { linkParams } from './links.ts';
import { createSimulated, presentSeq } from './replayApi.ts';

let controller: ReplayController | null = null;

/** The page's controller, made on first use (it starts the worker). */
export function replayController(): ReplayController {
  controller ??= new ReplayController({
    store: useStore,
    backend: workerBackend(),
    suspendLive: suspendStream,
    resumeLive: () => {
      resumeStream();
      setAddress(linkParams(null, useStore.getState().clusterName));
    },
    onMoment: keepAddress,
  });
  return controller;
}

/** The full link to the moment shown, or null when it cannot have one. */
export function momentLink(): string | null {
  const s = useStore.getState();
  const q = linkParams(s.replay, s.clusterName, s.snapshot?.seq);
  if (q === null) return null;
  return `${window.location.origin}${window.location.pathname}?${q}`;
}

/** Keeps other parameters (a scenario's, say) and replaces those that name a moment. */
function setAddress(q: URLSearchParams | null): void {
  if (q === null) return;
  const url = new URL(window.location.href);
  for (const p of ['cluster', 'trace', 'at', 'seed', 'size']) url.searchParams.delete(p);
  for (const [k, v] of q) url.searchParams.set(k, v);
  if (url.href !== window.location.href) window.history.replaceState(null, '', url);
}

let addressTimer: ReturnType<typeof setTimeout> | null = null;

/** The address follows the cursor, at most twice a second (browsers throttle history). */
function keepAddress(): void {
  if (addressTimer !== null) return;
  addressTimer = setTimeout(() => {
    addressTimer = null;
    const s = useStore.getState();
    if (s.replay) setAddress(linkParams(s.replay, s.clusterName));
  }, 500);
}

function fileName(url: string): string {
  const path = url.split(/[?#]/)[0] ?? url;
  return decodeURIComponent(path.slice(path.lastIndexOf('/') + 1)) || url;
}

/**
 * Opens a trace at a URL: the worker downloads it and reads it as it arrives, so that a large
 * recording is never held whole on the page.
 */
function openDownload(url: string, source: ReplaySource, at?: number): Promise<boolean> {
  const absolute = new URL(url, window.location.href).href;
  return replayController().open({ url: absolute, headers: authHeaders() }, source, at);
}

/** Opens a file the person chose or dropped. */
export function openFile(file: File): Promise<boolean> {
  return replayController().open(file, { kind: 'file', label: file.name });
}

/** Opens a trace at a URL, at a moment. */
export function openUrl(url: string, at?: number): Promise<boolean> {
  return openDownload(url, { kind: 'url', label: fileName(url), url }, at);
}

/** Opens a cluster's recording at a moment, by default its last event: "rewind". */
export function openClusterRecording(cluster: string, at?: number): Promise<boolean> {
  const label = `${cluster}'s recording`;
  return openDownload(paths.trace(cluster), { kind: 'cluster', label, cluster }, at);
}

const WAIT_FOR_RUN_MS = 120_000;

/**
 * Runs (or finds) the simulated cluster of a seed and size, waits until it has reached event
 * `at`, and opens its recording there.
 */
export async function openSeed(seed: number, size: number, at: number): Promise<boolean> {
  const cluster = `sim-s${seed}-n${size}`;
  const label = `simulated run, seed ${seed}`;
  const notify = useStore.getState().notify;
  try {
    await createSimulated({ name: cluster, size, seed });
  } catch (err) {
    if (!(err instanceof ApiError && err.code === 'ClusterExists')) {
      notify('error', `The simulated run could not start: ${(err as Error).message}`);
      return false;
    }
  }
  useStore.setState({ clusterName: cluster });
  const deadline = Date.now() + WAIT_FOR_RUN_MS;
  for (;;) {
    let seq = 0;
    try {
      seq = await presentSeq(cluster);
    } catch (err) {
      useStore.setState({ replayLoading: null });
      notify('error', `The simulated run is gone: ${(err as Error).message}`);
      return false;
    }
    if (seq >= at) break;
    if (Date.now() > deadline) {
      useStore.setState({ replayLoading: null });
      notify('error', `The simulated run did not reach event #${at} in time (it is at #${seq}).`);
      return false;
    }
    useStore.setState({ replayLoading: { label, phase: 'downloading', fraction: seq / at } });
    await new Promise((done) => setTimeout(done, 250));
  }
  return openDownload(paths.trace(cluster), { kind: 'seed', label, cluster, seed, size }, at);
}

/**
 * Opens what the page's address names, if it names a moment: `?trace=<url>&at=`,
 * `?cluster=<c>&at=`, `?seed=&size=&at=`. When that fails the live cluster is shown.
 */
export async function openFromAddress(search: string = window.location.search): Promise<void> {
  const q = new URLSearchParams(search);
  const atText = q.get('at');
  const at = atText !== null && /^\d+$/.test(atText) ? Number(atText) : undefined;
  let ok = true;
  const trace = q.get('trace');
  const seed = q.get('seed');
  if (trace) ok = await openUrl(trace, at);
  else if (seed !== null && /^\d+$/.test(seed) && at !== undefined) {
    const size = Number(q.get('size') ?? 3);
    ok = await openSeed(Number(seed), Number.isInteger(size) && size > 0 ? size : 3, at);
  } else if (at !== undefined) {
    ok = await openClusterRecording(useStore.getState().clusterName, at);
  } else return;
  if (!ok && useStore.getState().replay === null) {
    switchCluster(useStore.getState().clusterName, { push: false });
  }
}
