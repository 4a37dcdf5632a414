/**
 * Keys for the story, chosen to work with a presenter's clicker (which sends PageDown and
 * PageUp): N or PageDown plays the next step, B or PageUp goes back, Shift+R restarts, G hands
 * over, C opens the catalogue. A acknowledges a safety alarm; Escape clears a highlight.
 */

import { useEffect } from 'react';
import { typing } from '../../hooks/useShortcuts.ts';
import { useStore } from '../../store/appStore.ts';
import { scenarioStep } from './actions.ts';

export const SCENARIO_SHORTCUTS: Array<[key: string, what: string]> = [
  ['c', 'guided scenarios: the catalogue'],
  ['n / PageDown', 'scenario: play the next step'],
  ['b / PageUp', 'scenario: back one step'],
  ['Shift+R', 'scenario: restart from step 1'],
  ['g', 'scenario: hand over (free play)'],
  ['a', 'acknowledge the safety alarm'],
  ['x', 'clear the highlighted evidence'],
];

export function useScenarioShortcuts(): void {
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (e.ctrlKey || e.metaKey || e.altKey || typing(e.target)) return;
      const s = useStore.getState();
      const inScenario = s.scenario !== null;
      switch (e.key) {
        case 'c':
          s.setPickerOpen(!s.pickerOpen);
          return;
        case 'n':
        case 'PageDown':
          if (!inScenario) return;
          e.preventDefault();
          void scenarioStep('forward');
          return;
        case 'b':
        case 'PageUp':
          if (!inScenario) return;
          e.preventDefault();
          void scenarioStep('back');
          return;
        case 'R':
          if (inScenario) void scenarioStep('restart');
          return;
        case 'g':
          if (inScenario) void scenarioStep('handover');
          return;
        case 'a':
          if (s.alarms.length > 0) s.acknowledgeAlarm();
          return;
        case 'x':
        case 'Escape':
          if (s.highlight) s.setHighlight(null);
          return;
      }
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, []);
}
