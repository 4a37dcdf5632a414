/**
 * The replay controller: opens traces, moves the cursor, and fills the store from the frame at
 * the cursor so that every view (cluster, logs, progress, space-time, feed, diagnostics) draws
 * that moment with the code it uses for the live stream.
 *
 * Moving the cursor is throttled: at most one frame is asked of the backend at a time, at most
 * one per animation frame, and a burst of moves (a dragged slider) collapses into its latest.
 * A trace that fails to open leaves what was shown (live or another replay) as it was.
 */

import { ApiError } from '../../api/index.ts';
import { describeEvent, type FeedItem } from '../../model/describe.ts';
import { appendFeed } from '../../model/feed.ts';
import type { AppStore } from '../../store/index.ts';
import { markOf } from '../../store/ingest.ts';
import type { OpenReplay, ReplaySource } from '../../store/replaySlice.ts';
import { findingKey, type StreamFinding } from '../../store/scenarioSlice.ts';
import { MARKS_CAPACITY, type TimelineMark } from '../../store/timelineSlice.ts';
import { FEED_CAPACITY } from '../../store/traceSlice.ts';
import type { ReplayBackend } from './backend.ts';
import type { JumpKind, ReplayFrame } from './engine.ts';
import type { TraceSource } from './protocol.ts';

/** Feed sentences are built from at most this many of the frame's last events. */
const FEED_FROM_EVENTS = 600;

export type Target = { seq: number } | { position: number };

export interface ControllerDeps {
  store: AppStore;
  backend: ReplayBackend;
  /** Stops the live stream (a replay takes over the views). */
  suspendLive(): void;
  /** Starts the live stream again, from a clean history. */
  resumeLive(): void;
  /** Runs a function before the next paint; tests pass a plain timer. */
  schedule?: (fn: () => void) => void;
  /** Called after each frame is drawn (the page keeps its address at the moment). */
  onMoment?: (replay: OpenReplay) => void;
}

const KIND_WORDS: Record<JumpKind | 'any', string> = {
  election: 'election',
  commit: 'commit',
  finding: 'finding',
  fault: 'control action',
  any: 'event',
};

export class ReplayController {
  private want: Target | null = null;
  private busy = false;
  private scheduled = false;
  private idle: Array<() => void> = [];
  /** Position the cursor is heading to (the last asked for), for stepping during a drag. */
  private heading: number | null = null;
  private readonly schedule: (fn: () => void) => void;

  constructor(private readonly deps: ControllerDeps) {
    this.schedule =
      deps.schedule ??
      (typeof requestAnimationFrame === 'function'
        ? (fn) => requestAnimationFrame(() => fn())
        : (fn) => setTimeout(fn, 0));
  }

  private get store(): AppStore {
    return this.deps.store;
  }

  /**
   * Opens a trace (text, a file or a download) and shows it at `at` (default: its last event).
   * Resolves to false, with the reason in `replayError` and a notice, when the trace is refused
   * or cannot be downloaded.
   */
  async open(source: TraceSource, meta: ReplaySource, at?: number): Promise<boolean> {
    const { store } = this;
    let shown = '';
    store.setState({ replayLoading: { label: meta.label, phase: 'reading', fraction: 0 } });
    try {
      const outcome = await this.deps.backend.open(source, (phase, fraction) => {
        // A store update per percent at most: progress must not cost more than the work.
        const step = `${phase} ${fraction === null ? '?' : Math.floor(fraction * 100)}`;
        if (step === shown) return;
        shown = step;
        store.setState({ replayLoading: { label: meta.label, phase, fraction } });
      });
      if (!outcome.ok) {
        const { error } = outcome;
        // The replay bar says why, naming the line; no second notice repeats it.
        store.setState({ replayLoading: null, replayError: { ...error, label: meta.label } });
        return false;
      }
      if (store.getState().replay === null) {
        this.deps.suspendLive();
        // The controls act on the cluster now; the past reads best beside the progress tracker.
        if (store.getState().sideTab === 'controls') store.setState({ sideTab: 'progress' });
      }
      const { info } = outcome;
      store.setState({
        replayLoading: null,
        replayError: null,
        replay: { source: meta, info, seq: 0, position: -1, wallMs: 0, findings: [] },
      });
      this.heading = null;
      this.seek({ seq: at ?? info.lastSeq });
      await this.settled();
      return true;
    } catch (err) {
      store.setState({ replayLoading: null });
      store.getState().notify('error', `${meta.label} was not opened: ${messageOf(err)}`);
      return false;
    }
  }

  /** Shows a moment. Calls in a burst collapse; the latest wins. */
  seek(target: Target): void {
    if (this.store.getState().replay === null) return;
    this.want = target;
    if ('position' in target) this.heading = target.position;
    else this.heading = null;
    this.pump();
  }

  /** One event back or forward. */
  step(dir: 1 | -1): void {
    const r = this.store.getState().replay;
    if (!r) return;
    const from = this.heading ?? r.position;
    const to = Math.max(0, Math.min(r.info.length - 1, from + dir));
    this.seek({ position: to });
  }

  /** To the next or previous moment of a kind; says so when there is none. */
  async jump(kind: JumpKind | 'any', dir: 1 | -1): Promise<boolean> {
    await this.settled();
    const r = this.store.getState().replay;
    if (!r) return false;
    const seq = await this.deps.backend.jump(r.seq, kind, dir);
    if (seq === null) {
      const where = dir > 0 ? 'after' : 'before';
      this.store.getState().notify('info', `No ${KIND_WORDS[kind]} ${where} event #${r.seq}.`);
      return false;
    }
    this.seek({ seq });
    await this.settled();
    return true;
  }

  /** Resolves once no frame is wanted or being built. */
  settled(): Promise<void> {
    if (!this.busy && !this.scheduled && this.want === null) return Promise.resolve();
    return new Promise((done) => this.idle.push(done));
  }

  /** Closes the replay and goes back to the live cluster. */
  exit(): void {
    if (this.store.getState().replay === null) return;
    this.want = null;
    this.heading = null;
    this.store.setState({ replay: null });
    this.deps.resumeLive();
  }

  private pump(): void {
    if (this.busy || this.scheduled) return;
    if (this.want === null) {
      const waiting = this.idle;
      this.idle = [];
      for (const done of waiting) done();
      return;
    }
    this.scheduled = true;
    this.schedule(() => {
      this.scheduled = false;
      const target = this.want;
      this.want = null;
      if (target === null) return this.pump();
      this.busy = true;
      this.deps.backend
        .frame(target)
        .then((frame) => {
          if (frame && this.store.getState().replay) this.apply(frame);
        })
        .catch((err: unknown) => this.store.getState().notify('error', messageOf(err)))
        .finally(() => {
          this.busy = false;
          this.pump();
        });
    });
  }

  /** Fills the store from a frame, as the stream's ingest does from a batch. */
  apply(frame: ReplayFrame): void {
    const s = this.store.getState();
    const r = s.replay;
    if (!r) return;
    s.ring.clear();
    s.flights.clear();
    s.roleChanges.clear();
    const marks: TimelineMark[] = [];
    const feed: FeedItem[] = [];
    const feedFrom = frame.events.length - FEED_FROM_EVENTS;
    frame.events.forEach((e, i) => {
      s.ring.push(e);
      if (e.kind === 'state' && e.name.startsWith('Become')) {
        s.roleChanges.note(e.node, e.group, e.wallMs);
      }
      const mark = markOf(e);
      if (mark) marks.push(mark);
      if (i >= feedFrom) {
        const item = describeEvent(e);
        if (item) feed.push(item);
      }
    });
    const replay: OpenReplay = {
      ...r,
      seq: frame.seq,
      position: frame.position,
      wallMs: frame.wallMs,
      findings: frame.findings,
    };
    if (this.heading === frame.position) this.heading = null;
    // The findings the trace had open at the moment stand in for the stream's; the diagnosis
    // reruns once the cursor rests (not on every frame of a drag).
    const findingsPatch =
      this.want === null
        ? {
            streamFindings: streamFindingsOf(frame),
            alarms: [],
            findingsVersion: s.findingsVersion + 1,
          }
        : {};
    this.store.setState({
      ...findingsPatch,
      replay,
      snapshot: frame.snapshot,
      traceVersion: s.traceVersion + 1,
      feed: appendFeed([], feed, FEED_CAPACITY),
      marks: marks.slice(-MARKS_CAPACITY),
      follow: false,
      windowEndMs: frame.wallMs,
      // The display clock stands at the moment, so nothing drawn as "recent" runs on.
      clockOffsetMs: frame.wallMs - Date.now(),
    });
    this.deps.onMoment?.(replay);
  }
}

/** A frame's active findings in the shape the stream's finding events take in the store. */
export function streamFindingsOf(frame: ReplayFrame): StreamFinding[] {
  return frame.findings.map((f) => {
    const nodes = f.node > 0 ? [f.node] : [];
    const raised = frame.events.find((e) => e.seq === f.raisedSeq);
    return {
      key: findingKey(f.code, nodes),
      code: f.code,
      severity: f.severity,
      summary: f.summary,
      nodes,
      seq: f.raisedSeq,
      wallMs: raised?.wallMs ?? frame.wallMs,
    };
  });
}

export function messageOf(err: unknown): string {
  if (err instanceof ApiError) return err.message;
  return err instanceof Error ? err.message : String(err);
}
