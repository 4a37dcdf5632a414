/**
 * Acting in the past. A simulated run is deterministic, so it can be forked at the moment shown:
 * a new simulated cluster, paused right after this event, that the page then shows live. A live
 * run cannot be re-run (its timing and network came from the world); the page says so and offers
 * a simulated cluster from the nodes' state at that moment, or, where the server cannot do that,
 * a fresh simulated cluster of the same size.
 */

import { useState } from 'react';
import { ApiError } from '../../api/index.ts';
import { useStore } from '../../store/appStore.ts';
import type { OpenReplay } from '../../store/replaySlice.ts';
import { switchCluster } from '../../stream/connect.ts';
import { messageOf } from './controller.ts';
import { createSimulated, fork, simulateFrom } from './replayApi.ts';

/** The hosted cluster a replay's recording belongs to, when the page knows it. */
function hostedCluster(replay: OpenReplay): string {
  const src = replay.source;
  return src.kind === 'cluster' || src.kind === 'seed' ? src.cluster : replay.info.header.cluster;
}

export function ActAtMoment({ replay }: { replay: OpenReplay }) {
  const notify = useStore((s) => s.notify);
  const [busy, setBusy] = useState(false);
  const [explain, setExplain] = useState<string | null>(null);
  const simulated = replay.info.header.mode === 'simulated';
  const imported = replay.info.header.importedFrom !== undefined;
  const cluster = hostedCluster(replay);
  const at = replay.seq;

  const act = async (what: () => Promise<void>) => {
    setBusy(true);
    try {
      await what();
    } finally {
      setBusy(false);
    }
  };

  const doFork = () =>
    act(async () => {
      try {
        const made = await fork(cluster, at);
        const where = made.seq === at ? `#${at}` : `#${made.seq} (the end of #${at}'s step)`;
        notify('success', `Forked ${cluster} at event ${where}: ${made.cluster}, paused there.`);
        switchCluster(made.cluster);
      } catch (err) {
        notify('error', `Cannot fork here: ${messageOf(err)}`);
      }
    });

  const doSimulate = () =>
    act(async () => {
      try {
        const made = await simulateFrom(cluster, at);
        notify('success', `${made.cluster} starts from the state at event #${at}.`);
        switchCluster(made.cluster);
      } catch (err) {
        // The server may not offer this (or not for this recording): explain and offer less.
        const code = err instanceof ApiError ? err.code : '';
        setExplain(
          code === 'Http404' || code === 'UnknownRoute' || code === 'NotFound'
            ? 'This server cannot start a cluster from a recorded state.'
            : messageOf(err),
        );
      }
    });

  const doFresh = () =>
    act(async () => {
      const name = `${cluster.replace(/[^a-zA-Z0-9_-]/g, '') || 'replay'}-sim-${Date.now() % 100000}`;
      try {
        await createSimulated({ name, size: Math.max(1, replay.info.size) });
        notify('success', `Started ${name}: a simulated cluster of ${replay.info.size} nodes.`);
        switchCluster(name);
      } catch (err) {
        notify('error', `The simulated cluster could not start: ${messageOf(err)}`);
      }
    });

  if (simulated && !imported) {
    return (
      <button
        type="button"
        className="replay-act"
        disabled={busy}
        title="A new simulated cluster, the same seed and actions, paused right after this event"
        onClick={() => void doFork()}
      >
        Fork from here
      </button>
    );
  }
  return (
    <span className="replay-act-live">
      <button
        type="button"
        className="replay-act"
        disabled={busy}
        title="A recorded live run cannot be re-run; start a simulated cluster from this state"
        onClick={() => void doSimulate()}
      >
        Simulate from here…
      </button>
      {explain !== null && (
        <span className="replay-explain" role="note">
          {explain} A live run cannot be forked: its timing and network came from the real world and
          cannot be played again. You can start a simulated cluster of the same size (
          {replay.info.size} nodes) instead.{' '}
          <button type="button" disabled={busy} onClick={() => void doFresh()}>
            Start a simulated cluster
          </button>{' '}
          <button
            type="button"
            className="icon"
            aria-label="Close"
            onClick={() => setExplain(null)}
          >
            ×
          </button>
        </span>
      )}
    </span>
  );
}
