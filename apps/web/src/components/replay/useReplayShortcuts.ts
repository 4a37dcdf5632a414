/**
 * Replay's keys: `,` and `.` step one event, `[` and `]` jump to the previous or next moment of
 * the chosen kind, `o` opens a trace file. Like the other shortcuts they keep out of the way
 * while typing and when a modifier is held.
 */

import { useEffect } from 'react';
import { useStore } from '../../store/appStore.ts';
import { replayController } from './replay.ts';

/** Inputs where keys are text (a slider is not one: the keys work while it has focus). */
function typing(target: EventTarget | null): boolean {
  if (!(target instanceof HTMLElement)) return false;
  if (target instanceof HTMLInputElement)
    return !['range', 'checkbox', 'radio'].includes(target.type);
  return target.isContentEditable || ['TEXTAREA', 'SELECT'].includes(target.tagName);
}

export const REPLAY_SHORTCUTS: Array<[key: string, what: string]> = [
  [', and .', 'replay: one event back or forward'],
  ['[ and ]', 'replay: previous or next moment of the chosen kind (election, commit, …)'],
  ['o', 'open a recorded trace (or drop a file on the page)'],
];

export function useReplayShortcuts(): void {
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (e.ctrlKey || e.metaKey || e.altKey || typing(e.target)) return;
      const s = useStore.getState();
      if (e.key === 'o') {
        document.querySelector<HTMLInputElement>('[data-testid="trace-file"]')?.click();
        return;
      }
      if (!s.replay) return;
      const c = replayController();
      switch (e.key) {
        case ',':
          e.preventDefault();
          c.step(-1);
          return;
        case '.':
          e.preventDefault();
          c.step(1);
          return;
        case '[':
          e.preventDefault();
          void c.jump(s.jumpKind, -1);
          return;
        case ']':
          e.preventDefault();
          void c.jump(s.jumpKind, 1);
          return;
      }
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, []);
}

let booted = false;

/** Opens what the page's address names (once per page, whatever StrictMode does). */
export function useReplayBoot(open: () => Promise<void>): void {
  useEffect(() => {
    if (booted) return;
    booted = true;
    void open();
  }, [open]);
}
