/**
 * The narration of a guided scenario, written to be read from the back of a room: where the
 * story is ("step 2 of 4"), what the step shows in a sentence or two, whether what the class was
 * told would happen did happen, and the buttons (and keys) that move the story. For an
 * integration-fault scenario the last step ends on the diagnosis that names the fault.
 */

import type { Finding } from '@raftlens/diagnose';
import { useState } from 'react';
import { useStore } from '../../store/appStore.ts';
import { scenarioHref } from '../../store/scenarioSlice.ts';
import { evidenceHighlight } from '../diagnosis/evidence.ts';
import { uiNodeWords } from '../diagnosis/nodeWords.ts';
import { scenarioStep } from './actions.ts';
import type { CheckResult, RunnerState, ScenarioInfo, StepInfo } from './types.ts';
import './scenario.css';

export function ScenarioPanel() {
  const state = useStore((s) => s.scenario);
  const pending = useStore((s) => s.scenarioPending);
  const opening = useStore((s) => s.scenarioOpening);
  const catalogue = useStore((s) => s.catalogue);
  const [collapsed, setCollapsed] = useState(false);

  if (opening && !state) {
    return (
      <section className="scenario-panel" aria-busy="true" aria-label="Guided scenario">
        <p className="sc-where">
          Opening the scenario {opening.id}
          {opening.step > 0 ? ` and playing it to step ${opening.step}` : ''}…
        </p>
      </section>
    );
  }
  if (!state) return null;
  const info = catalogue?.find((c) => c.id === state.scenarioId);
  const busy = pending !== null || state.busy;
  const playing = (pending === 'forward' || state.busy) && state.next !== null;
  const shown: StepInfo | null = playing || state.position === 0 ? state.next : state.step;
  const k = playing ? state.position + 1 : Math.max(1, state.position);

  return (
    <section
      className={`scenario-panel${collapsed ? ' collapsed' : ''}`}
      aria-labelledby="sc-title"
      aria-busy={busy}
      data-position={state.position}
    >
      <div className="sc-top">
        <p className="sc-where">
          <span id="sc-title" className="sc-name">
            {state.title}
          </span>
          <span className="sc-step" data-testid="scenario-step">
            {state.handedOver
              ? 'free play'
              : state.position === 0 && !playing
                ? `${state.total} steps · ready`
                : `step ${k} of ${state.total}`}
          </span>
          {busy && (
            <span className="sc-busy" role="status">
              {playing ? 'playing…' : 'replaying…'}
            </span>
          )}
        </p>
        <Controls state={state} busy={busy} />
        <button
          type="button"
          className="icon sc-collapse"
          aria-expanded={!collapsed}
          aria-label={collapsed ? 'Show the narration' : 'Hide the narration'}
          onClick={() => setCollapsed(!collapsed)}
        >
          {collapsed ? '▾' : '▴'}
        </button>
      </div>
      {!collapsed && (
        <div className="sc-body">
          {state.handedOver ? (
            <p className="sc-narration">
              The cluster is yours: crash nodes, cut links, write values. Back or Restart return to
              the story.
            </p>
          ) : (
            shown && (
              <div aria-live="polite">
                <h2 className="sc-step-title">{shown.title}</h2>
                <p className="sc-narration">{uiNodeWords(shown.narration)}</p>
              </div>
            )
          )}
          {state.position === 0 && !playing && info && (
            <p className="sc-hint">{info.summary} Press Next (or N) to play step 1.</p>
          )}
          {!playing && state.outcome && !state.handedOver && (
            <Checks checks={state.outcome.checks} untilMet={state.outcome.untilMet} />
          )}
          {!playing && !state.handedOver && state.position > 0 && (
            <p className="sc-next">
              {state.next ? (
                <>
                  Up next: <strong>{state.next.title}</strong> (press Next or N)
                </>
              ) : (
                'The end of the story. Hand over for free play, or restart.'
              )}
            </p>
          )}
          {state.done && !state.handedOver && <FinalFinding state={state} info={info} />}
        </div>
      )}
    </section>
  );
}

function Controls({ state, busy }: { state: RunnerState; busy: boolean }) {
  return (
    <div className="sc-controls">
      <button
        type="button"
        aria-keyshortcuts="B PageUp"
        disabled={busy || state.position === 0}
        onClick={() => void scenarioStep('back')}
      >
        ◀ Back
      </button>
      <button
        type="button"
        className="primary"
        aria-keyshortcuts="N PageDown"
        disabled={busy || state.done || state.handedOver}
        onClick={() => void scenarioStep('forward')}
      >
        Next ▶
      </button>
      <button
        type="button"
        aria-keyshortcuts="Shift+R"
        disabled={busy}
        onClick={() => void scenarioStep('restart')}
      >
        Restart
      </button>
      <button
        type="button"
        aria-keyshortcuts="G"
        disabled={busy || state.handedOver}
        onClick={() => void scenarioStep('handover')}
      >
        Hand over
      </button>
      <CopyLink state={state} />
    </div>
  );
}

function CopyLink({ state }: { state: RunnerState }) {
  const notify = useStore((s) => s.notify);
  const copy = async () => {
    const href = scenarioHref(window.location.href, state.scenarioId, state.position);
    try {
      await navigator.clipboard.writeText(href);
      notify('success', `link copied: ${href}`);
    } catch {
      notify('info', `link to this step: ${href}`);
    }
  };
  return (
    <button type="button" onClick={() => void copy()} title="A link that opens this step">
      Link
    </button>
  );
}

function Checks({ checks, untilMet }: { checks: CheckResult[]; untilMet: boolean }) {
  if (checks.length === 0) return null;
  const passed = checks.filter((c) => c.ok).length;
  return (
    <div className="sc-checks">
      <h3 className={passed === checks.length ? 'all' : 'some'}>
        Expected: {passed} of {checks.length} seen{untilMet ? '' : ' (the step ran out of time)'}
      </h3>
      <ul>
        {checks.map((c) => (
          <li key={c.description} className={c.ok ? 'ok' : 'fail'} data-ok={c.ok}>
            <span className="mark" aria-hidden="true">
              {c.ok ? '✓' : '✗'}
            </span>
            <span className="sr-only">{c.ok ? 'passed:' : 'failed:'}</span>
            {uiNodeWords(c.description)}
            {!c.ok && c.actual && <span className="actual"> — saw {uiNodeWords(c.actual)}</span>}
          </li>
        ))}
      </ul>
    </div>
  );
}

/** The finding a fault scenario ends on: the diagnosis naming the mistake. */
function FinalFinding({ state, info }: { state: RunnerState; info: ScenarioInfo | undefined }) {
  const ring = useStore((s) => s.ring);
  const setHighlight = useStore((s) => s.setHighlight);
  const code = info?.fault?.finding;
  if (!code) return null;
  const f: Finding | undefined =
    state.findings.find((x) => x.code === code) ??
    state.violations.find((x) => x.code === code) ??
    state.findings[0];
  if (!f) return null;
  return (
    <div className="sc-finding" data-code={f.code}>
      <p className="sc-finding-head">The diagnosis names the fault</p>
      <p className="sc-finding-text">{uiNodeWords(f.summary)}</p>
      <p className="sc-finding-refs">
        <code>{f.code}</code>
        {f.evidence.length > 0 && (
          <button type="button" onClick={() => setHighlight(evidenceHighlight(f, ring))}>
            Show the evidence
          </button>
        )}
      </p>
    </div>
  );
}
