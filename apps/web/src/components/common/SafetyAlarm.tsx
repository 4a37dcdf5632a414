/**
 * The safety alarm: a broken Raft invariant (a critical finding in the trace) is shown across
 * the top of the page in red, in a plain sentence with the nodes concerned, and said at once by
 * screen readers. It stays until someone acknowledges it; the evidence is one click away.
 */

import type { Finding } from '@raftlens/diagnose';
import { useState } from 'react';
import { nodeName } from '../../model/palette.ts';
import { useStore } from '../../store/appStore.ts';
import type { Alarm } from '../../store/scenarioSlice.ts';
import { evidenceHighlight, nodesHighlight } from '../diagnosis/evidence.ts';
import { uiNodeWords } from '../diagnosis/nodeWords.ts';
import { scenarioApi } from '../scenario/api.ts';
import '../scenario/scenario.css';

export function SafetyAlarm() {
  const alarms = useStore((s) => s.alarms);
  const acknowledge = useStore((s) => s.acknowledgeAlarm);
  const [looking, setLooking] = useState(false);
  const alarm = alarms[0];
  return (
    // Always in the page, so that the alarm's words are announced when they appear.
    <div className="alarm-region" role="alert" aria-live="assertive">
      {alarm && (
        <div className="safety-alarm" data-code={alarm.code}>
          <p className="alarm-head">
            <StopSign />
            Safety violation
            <span className="alarm-why">· Raft promises this never happens</span>
            {alarms.length > 1 && <span className="alarm-more"> (1 of {alarms.length})</span>}
          </p>
          <p className="alarm-text">{uiNodeWords(alarm.summary)}</p>
          <p className="alarm-refs">
            {alarm.nodes.length > 0 && (
              <span>
                {alarm.nodes.length === 1 ? 'node' : 'nodes'}{' '}
                <strong>{alarm.nodes.map(nodeName).join(', ')}</strong>
              </span>
            )}
            <code>{alarm.code}</code>
            <span className="alarm-actions">
              <button
                type="button"
                disabled={looking}
                onClick={() => {
                  setLooking(true);
                  void showEvidence(alarm).finally(() => setLooking(false));
                }}
              >
                {looking ? 'Finding the evidence…' : 'Show the evidence'}
              </button>
              <button
                type="button"
                className="alarm-ack"
                aria-keyshortcuts="A"
                onClick={() => acknowledge(alarm.key)}
              >
                Acknowledge
              </button>
            </span>
          </p>
        </div>
      )}
    </div>
  );
}

/** A stop sign drawn, not an emoji: projectors' machines do not all have an emoji font. */
function StopSign() {
  return (
    <svg className="alarm-icon" viewBox="0 0 24 24" width="1.3em" height="1.3em" aria-hidden="true">
      <path
        d="M7.2 1h9.6L23 7.2v9.6L16.8 23H7.2L1 16.8V7.2z"
        fill="#fff"
        stroke="#7f1d1d"
        strokeWidth="1"
      />
      <rect x="10.6" y="5" width="2.8" height="9" rx="1" fill="#b91c1c" />
      <circle cx="12" cy="18" r="1.7" fill="#b91c1c" />
    </svg>
  );
}

/**
 * The trace event says what broke; the evidence is in the server's diagnosis, whose safety
 * monitor has watched the whole run. Without it, the nodes are shown.
 */
async function showEvidence(alarm: Alarm): Promise<void> {
  const s = useStore.getState();
  let found: Finding | undefined;
  try {
    const findings = await scenarioApi.diagnosis(s.clusterName);
    const same = (f: Finding) => [...f.nodes].sort().join() === [...alarm.nodes].sort().join();
    found =
      findings.find((f) => f.code === alarm.code && same(f)) ??
      findings.find((f) => f.code === alarm.code);
  } catch {
    found = undefined;
  }
  const st = useStore.getState();
  const h = found ? evidenceHighlight(found, st.ring) : nodesHighlight(alarm.summary, alarm.nodes);
  if (h.seqs.length === 0 && h.msgIds.length === 0) h.seqs.push(alarm.seq);
  st.setHighlight(h);
}
