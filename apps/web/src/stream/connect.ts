/**
 * Wires the stream to the store: socket → frame batcher → `ingestBatch`, plus page visibility.
 * Returns the function that undoes it all (React StrictMode mounts effects twice).
 */

import { streamUrl } from '../api/paths.ts';
import type { AppStore } from '../store/index.ts';
import { ingestBatch } from '../store/ingest.ts';
import { TRACE_CAPACITY } from '../store/traceSlice.ts';
import { FrameBatcher } from './frameBatcher.ts';
import { StreamClient } from './streamClient.ts';

export function connectStream(store: AppStore): () => void {
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

  const onVisibility = () => {
    const hidden = document.visibilityState === 'hidden';
    store.getState().setPageHidden(hidden);
    batcher.setHidden(hidden);
  };
  document.addEventListener('visibilitychange', onVisibility);
  onVisibility();
  client.start();

  return () => {
    document.removeEventListener('visibilitychange', onVisibility);
    client.stop();
    batcher.dispose();
  };
}
