/**
 * Wires the stream to the store: socket → frame batcher → `ingestBatch`, plus page visibility.
 * `connectStream` returns the function that undoes it all (React StrictMode mounts effects
 * twice). The page has one connection at a time, which `switchCluster` moves to another cluster
 * and a replay suspends (nothing live is drawn while a recording is open).
 */

import { streamUrl } from '../api/paths.ts';
import type { AppStore } from '../store/index.ts';
import { ingestBatch } from '../store/ingest.ts';
import { TRACE_CAPACITY } from '../store/traceSlice.ts';
import { FrameBatcher } from './frameBatcher.ts';
import { StreamClient } from './streamClient.ts';

interface Connection {
  store: AppStore;
  client: StreamClient | null;
  batcher: FrameBatcher | null;
}

let current: Connection | null = null;

function startClient(conn: Connection): void {
  const { store } = conn;
  const batcher = new FrameBatcher((batch) => ingestBatch(store, batch), TRACE_CAPACITY);
  const client = new StreamClient({
    url: streamUrl(store.getState().clusterName),
    onMessage: (m) => {
      if (m.type === 'error') store.getState().notify('error', m.message);
      else batcher.push(m);
    },
    onStatus: (status) => {
      if (store.getState().connection !== status) store.getState().setConnection(status);
    },
    onLost: () => batcher.connectionLost(),
  });
  batcher.setHidden(document.visibilityState === 'hidden');
  conn.client = client;
  conn.batcher = batcher;
  client.start();
}

function stopClient(conn: Connection): void {
  conn.client?.stop();
  conn.batcher?.dispose();
  conn.client = null;
  conn.batcher = null;
}

/** Forgets the history drawn so far: the next `hello` starts the picture again. */
export function clearHistory(store: AppStore): void {
  const s = store.getState();
  s.ring.clear();
  s.flights.clear();
  s.roleChanges.clear();
  store.setState({
    snapshot: null,
    feed: [],
    marks: [],
    missedTotal: 0,
    streamFindings: [],
    alarms: [],
    findingsVersion: s.findingsVersion + 1,
    follow: true,
    traceVersion: s.traceVersion + 1,
    selectedMsgId: null,
  });
}

export function connectStream(store: AppStore): () => void {
  const conn: Connection = { store, client: null, batcher: null };
  current = conn;
  const onVisibility = () => {
    const hidden = document.visibilityState === 'hidden';
    store.getState().setPageHidden(hidden);
    conn.batcher?.setHidden(hidden);
  };
  document.addEventListener('visibilitychange', onVisibility);
  onVisibility();
  // A page opened on a moment of a recording (?trace=, ?at=) starts with the stream
  // suspended: the replay opening it decides whether to go live.
  if (!opensInReplay(window.location.search)) startClient(conn);

  return () => {
    document.removeEventListener('visibilitychange', onVisibility);
    stopClient(conn);
    if (current === conn) current = null;
  };
}

/** Stops drawing the live cluster (a replay takes over the views); the store is left as is. */
export function suspendStream(): void {
  if (current) stopClient(current);
}

/** Back to live: the history the replay drew is dropped and the stream starts again. */
export function resumeStream(): void {
  if (!current) return;
  stopClient(current);
  clearHistory(current.store);
  current.store.setState({ connection: 'connecting' });
  startClient(current);
}

/** Whether the live stream is running (false while a replay holds the views). */
export function streamRunning(): boolean {
  return current?.client != null;
}

/** Whether a page address names a moment of a recording rather than the live cluster. */
export function opensInReplay(search: string): boolean {
  const q = new URLSearchParams(search);
  return q.has('trace') || q.has('at');
}

/** Query parameters that name a moment of another cluster or recording; a switch drops them. */
const MOMENT_PARAMS = ['cluster', 'trace', 'at', 'seed', 'size'];

/**
 * Shows another cluster: the URL becomes `?cluster=<name>` (other parameters, such as a
 * scenario's, are kept; those naming a moment are dropped), any open replay closes, the
 * history drawn so far is dropped and the stream reconnects to the new cluster.
 * `push: false` replaces the browser history entry instead of adding one.
 */
export function switchCluster(name: string, opts: { push?: boolean } = {}): void {
  const url = new URL(window.location.href);
  for (const p of MOMENT_PARAMS) url.searchParams.delete(p);
  url.searchParams.set('cluster', name);
  if (opts.push === false) window.history.replaceState(null, '', url);
  else window.history.pushState(null, '', url);
  const conn = current;
  if (!conn) return;
  stopClient(conn);
  conn.store.setState({ clusterName: name, replay: null, replayLoading: null });
  clearHistory(conn.store);
  conn.store.setState({ connection: 'connecting' });
  startClient(conn);
}
