/**
 * The replay bar, under the header: the open trace's progress while it loads, the reason a
 * trace was refused, and, while a replay is open, the timeline: a range over the events,
 * one-event steps, jumps to the next or previous moment of a kind, and the way back to live.
 */

import { useEffect, useState } from 'react';
import { describeEvent } from '../../model/describe.ts';
import { useStore } from '../../store/appStore.ts';
import type { OpenReplay } from '../../store/replaySlice.ts';
import { ActAtMoment } from './ActAtMoment.tsx';
import { JUMP_KINDS, type JumpKind } from './engine.ts';
import { replayController } from './replay.ts';

export const KIND_LABELS: Record<JumpKind, string> = {
  election: 'election',
  commit: 'commit',
  finding: 'finding',
  fault: 'control action',
};

const PHASE_WORDS = {
  downloading: 'Downloading',
  reading: 'Reading',
  parsing: 'Parsing',
  indexing: 'Indexing',
};

export function ReplayBar() {
  const replay = useStore((s) => s.replay);
  const loading = useStore((s) => s.replayLoading);
  const error = useStore((s) => s.replayError);
  const dismiss = useStore((s) => s.dismissReplayError);
  if (!replay && !loading && !error) return null;
  return (
    <section className="replay-bar" aria-label="Replay">
      {loading && (
        <div className="replay-loading" role="status">
          <span>
            {PHASE_WORDS[loading.phase]} {loading.label}
            {loading.fraction !== null ? ` · ${Math.round(loading.fraction * 100)}%` : '…'}
          </span>
          <progress
            max={1}
            value={loading.fraction ?? undefined}
            aria-label={`${PHASE_WORDS[loading.phase]} ${loading.label}`}
          />
        </div>
      )}
      {error && (
        <div className="replay-error" role="alert" data-testid="replay-error">
          <span>
            <strong>{error.label} was not opened.</strong> {error.message} <code>{error.code}</code>
            {replay ? ' The trace that was open stays open.' : ''}
          </span>
          <button type="button" className="icon" aria-label="Dismiss" onClick={dismiss}>
            ×
          </button>
        </div>
      )}
      {replay && <Timeline replay={replay} />}
    </section>
  );
}

function Timeline({ replay }: { replay: OpenReplay }) {
  const jumpKind = useStore((s) => s.jumpKind);
  const setJumpKind = useStore((s) => s.setJumpKind);
  const { info } = replay;
  // The slider shows where the hand is at once; the views follow as frames arrive.
  const [dragging, setDragging] = useState<number | null>(null);
  useEffect(() => {
    if (dragging !== null && dragging === replay.position) setDragging(null);
  }, [dragging, replay.position]);
  const c = replayController();
  const value = dragging ?? replay.position;
  const sinceStart = replay.wallMs - info.firstWallMs;
  const runWords =
    info.header.mode === 'simulated'
      ? `simulated run${info.header.seed !== undefined ? `, seed ${info.header.seed}` : ''}`
      : info.header.importedFrom
        ? `imported from ${info.header.importedFrom}`
        : 'live run';

  return (
    <div className="replay-timeline">
      <div className="replay-row">
        <span className="replay-source" title={replay.source.label}>
          {replay.source.label}
        </span>
        <span className="replay-run">
          {info.header.cluster} · {runWords} · {info.length.toLocaleString('en')} events
        </span>
        <span className="replay-at" data-testid="replay-at" aria-live="polite">
          event <strong>#{replay.seq}</strong> ({(replay.position + 1).toLocaleString('en')} of{' '}
          {info.length.toLocaleString('en')})
          {sinceStart >= 0 && sinceStart < 1e10 ? ` · ${formatOffset(sinceStart)}` : ''}
        </span>
        <button type="button" className="primary" onClick={() => c.exit()}>
          Back to live
        </button>
      </div>
      <div className="replay-row">
        <button
          type="button"
          aria-keyshortcuts="["
          title={`Previous ${KIND_LABELS[jumpKind]} ([)`}
          aria-label={`Previous ${KIND_LABELS[jumpKind]}`}
          onClick={() => void c.jump(jumpKind, -1)}
        >
          |◀
        </button>
        <button
          type="button"
          aria-keyshortcuts=","
          title="One event back (,)"
          aria-label="One event back"
          disabled={replay.position <= 0}
          onClick={() => c.step(-1)}
        >
          ◀
        </button>
        <input
          type="range"
          className="replay-range"
          min={0}
          max={Math.max(0, info.length - 1)}
          step={1}
          value={value}
          aria-label="Moment in the trace"
          aria-valuetext={`event ${replay.seq}, ${replay.position + 1} of ${info.length}`}
          onChange={(e) => {
            const position = Number(e.currentTarget.value);
            setDragging(position);
            c.seek({ position });
          }}
        />
        <button
          type="button"
          aria-keyshortcuts="."
          title="One event forward (.)"
          aria-label="One event forward"
          disabled={replay.position >= info.length - 1}
          onClick={() => c.step(1)}
        >
          ▶
        </button>
        <button
          type="button"
          aria-keyshortcuts="]"
          title={`Next ${KIND_LABELS[jumpKind]} (])`}
          aria-label={`Next ${KIND_LABELS[jumpKind]}`}
          onClick={() => void c.jump(jumpKind, 1)}
        >
          ▶|
        </button>
        <label className="replay-kind">
          <span>jump to</span>
          <select value={jumpKind} onChange={(e) => setJumpKind(e.currentTarget.value as JumpKind)}>
            {JUMP_KINDS.map((k) => (
              <option key={k} value={k}>
                {KIND_LABELS[k]} ({info.counts[k].toLocaleString('en')})
              </option>
            ))}
          </select>
        </label>
        <ActAtMoment replay={replay} />
      </div>
      <MomentDetails replay={replay} />
    </div>
  );
}

/** What happened at the cursor, the findings active then, and what the trace cannot tell. */
function MomentDetails({ replay }: { replay: OpenReplay }) {
  const last = useStore((s) => s.ring.last);
  useStore((s) => s.traceVersion);
  const item = last ? describeEvent(last) : null;
  const { unknowns } = replay.info;
  return (
    <div className="replay-details">
      <p className="replay-event">
        {last ? (
          <>
            <span className="muted">this event: </span>
            {item?.text ?? `${last.kind} ${last.name}${last.node ? ` on n${last.node}` : ''}`}
          </>
        ) : null}
      </p>
      {replay.findings.length > 0 && (
        <ul className="replay-findings" aria-label="Findings active at this moment">
          {replay.findings.map((f) => (
            <li key={`${f.code}-${f.node}-${f.group}`} className={`sev-${f.severity}`}>
              <strong>{f.code}</strong> {f.summary}
            </li>
          ))}
        </ul>
      )}
      {unknowns.length > 0 && (
        <details className="replay-unknowns" open>
          <summary>
            This trace was imported
            {replay.info.header.importedFrom ? ` from ${replay.info.header.importedFrom}` : ''} and
            does not record everything; what it lacks is shown as a dash.
          </summary>
          <ul>
            {unknowns.map((u) => (
              <li key={u}>{u}</li>
            ))}
          </ul>
        </details>
      )}
    </div>
  );
}

function formatOffset(ms: number): string {
  if (ms < 1000) return `${Math.round(ms)} ms in`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(2)} s in`;
  const m = Math.floor(ms / 60_000);
  const s = Math.floor((ms % 60_000) / 1000);
  return `${m} min ${s} s in`;
}
