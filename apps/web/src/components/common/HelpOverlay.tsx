import { useEffect, useRef } from 'react';
import { useStore } from '../../store/appStore.ts';
import { REPLAY_SHORTCUTS } from '../replay/useReplayShortcuts.ts';
import { SCENARIO_SHORTCUTS } from '../scenario/useScenarioShortcuts.ts';

export const SHORTCUTS: Array<[key: string, what: string]> = [
  ['Space', 'pause or resume the cluster'],
  ['s', 'step: deliver the next message (while paused)'],
  ['t', 'step: advance every node one tick (while paused)'],
  ['l', 'large type, for projectors'],
  ['1 – 9', 'open node n1 … n9'],
  ['h', 'heal the partition'],
  ['f', 'follow the newest messages in the space-time diagram'],
  ['Escape', 'close what is open'],
  ['?', 'this help'],
  ['Ctrl+Z', 'undo your last action (partition, link rule, crash, pause, speed, added node)'],
  ...REPLAY_SHORTCUTS,
  ...SCENARIO_SHORTCUTS,
];

/** The keyboard shortcuts and a short reading guide, as a modal dialog. */
export function HelpOverlay() {
  const open = useStore((s) => s.helpOpen);
  const setOpen = useStore((s) => s.setHelpOpen);
  const ref = useRef<HTMLDialogElement>(null);
  useEffect(() => {
    const d = ref.current;
    if (!d) return;
    if (open && !d.open) d.showModal();
    if (!open && d.open) d.close();
  }, [open]);
  return (
    <dialog ref={ref} className="help" aria-labelledby="help-h" onClose={() => setOpen(false)}>
      <h2 id="help-h">Keyboard shortcuts</h2>
      <table>
        <tbody>
          {SHORTCUTS.map(([key, what]) => (
            <tr key={key}>
              <th scope="row">
                <kbd>{key}</kbd>
              </th>
              <td>{what}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <h2>Reading the picture</h2>
      <p>
        Each disc is a node, coloured by role and labelled with its term, vote, commit and applied
        index. The arc around a follower fills as its election timer runs and empties when the
        leader's message arrives; a full arc starts an election. Dots are messages in flight; hollow
        dots are responses. Click a node for its actions and a link for its network rules.
      </p>
      <form method="dialog">
        <button type="submit" className="primary">
          Close
        </button>
      </form>
    </dialog>
  );
}
