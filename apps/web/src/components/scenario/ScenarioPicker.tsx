/**
 * The scenario catalogue as a dialog: every guided scenario, grouped as a course takes them,
 * with who it is written for. Integration-fault scenarios are marked as engineers' material:
 * each shows a mistake in the code around the Raft core and the finding that names it.
 */

import { useEffect, useRef } from 'react';
import { useStore } from '../../store/appStore.ts';
import { loadCatalogue, startScenario } from './actions.ts';
import type { ScenarioCategory, ScenarioInfo } from './types.ts';
import './scenario.css';

const CATEGORIES: Array<[ScenarioCategory, string, string]> = [
  ['basics', 'Basics', 'How a cluster elects a leader and replicates a log.'],
  ['failures', 'Failures', 'Crashes and partitions, and what the cluster does about them.'],
  ['elections', 'Elections', 'Split votes, pre-vote and check-quorum.'],
  ['membership', 'Membership', 'Changing the voters, snapshots, leader transfer.'],
  [
    'integration-fault',
    'Integration faults · for engineers',
    'A mistake in the loop around the Raft core, the symptom a service shows, and the finding ' +
      'that names the cause.',
  ],
];

export function ScenarioPicker() {
  const open = useStore((s) => s.pickerOpen);
  const setOpen = useStore((s) => s.setPickerOpen);
  const catalogue = useStore((s) => s.catalogue);
  const current = useStore((s) => s.scenario?.scenarioId);
  const ref = useRef<HTMLDialogElement>(null);

  useEffect(() => {
    const d = ref.current;
    if (!d) return;
    if (open && !d.open) {
      d.showModal();
      void loadCatalogue();
    }
    if (!open && d.open) d.close();
  }, [open]);

  return (
    <dialog
      ref={ref}
      className="scenario-picker"
      aria-labelledby="picker-h"
      onClose={() => setOpen(false)}
    >
      <div className="picker-head">
        <h2 id="picker-h">Guided scenarios</h2>
        <form method="dialog">
          <button type="submit" className="icon" aria-label="Close">
            ✕
          </button>
        </form>
      </div>
      <p className="muted">
        Each runs on a fresh simulated cluster from a fixed seed, so it plays out the same way every
        time. Next plays a step; Back replays the story up to the step before.
      </p>
      {!catalogue && <p className="muted">Loading the catalogue…</p>}
      {catalogue &&
        CATEGORIES.map(([category, title, blurb]) => {
          const items = catalogue.filter((s) => s.category === category);
          if (items.length === 0) return null;
          return (
            <section
              key={category}
              className={`picker-group cat-${category}`}
              aria-labelledby={`cat-${category}`}
            >
              <h3 id={`cat-${category}`}>{title}</h3>
              <p className="muted">{blurb}</p>
              <ul>
                {items.map((s) => (
                  <Item key={s.id} s={s} current={s.id === current} />
                ))}
              </ul>
            </section>
          );
        })}
    </dialog>
  );
}

function Item({ s, current }: { s: ScenarioInfo; current: boolean }) {
  const pending = useStore((st) => st.scenarioPending);
  return (
    <li className="picker-item" data-scenario={s.id}>
      <div>
        <h4>
          {s.title}
          {current && <span className="badge">on screen</span>}
        </h4>
        <p>{s.summary}</p>
        <p className="picker-meta">
          {s.audience.map((a) => (
            <span key={a} className={`aud aud-${a}`}>
              {a}
            </span>
          ))}
          <span className="muted">{s.steps.length} steps</span>
        </p>
      </div>
      <button
        type="button"
        className="primary"
        disabled={pending !== null}
        aria-label={`Start ${s.title}`}
        onClick={() => void startScenario(s.id)}
      >
        {pending === 'start' ? 'Starting…' : 'Start'}
      </button>
    </li>
  );
}
