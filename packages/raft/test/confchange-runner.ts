/**
 * Runs etcd raft's confchange scripts (`confchange/testdata/*.txt`) against `src/confchange`.
 *
 * Commands, each with its changes in the `v1 l2 r3 u4` notation as input lines:
 *
 *     simple                       a change of at most one voter
 *     enter-joint [autoleave=true] a change through a joint configuration
 *     leave-joint                  leaving it (takes no input)
 *
 * One runner serves one script file and keeps its tracker between commands, each command
 * building on the configuration the previous one produced. As in etcd's harness, the last
 * index starts at 0 and grows by one with every command, failed ones included, so that the
 * `next` of each new peer tells which command created it.
 */

import { Changer, type ConfChangeResult } from '../src/confchange/changer.ts';
import { parseConfChanges } from '../src/confchange/conv.ts';
import { progressMapToString } from '../src/tracker/progress.ts';
import { ProgressTracker, trackerConfigToString } from '../src/tracker/tracker.ts';
import type { LogIndex } from '../src/types.ts';
import { argVals, type ScriptRunner, type TestCase } from './datadriven.ts';

/** A runner for one confchange script, with etcd's harness limits (10 inflight, no bytes). */
export function newConfChangeRunner(): ScriptRunner {
  const tracker = new ProgressTracker(10, 0);
  let lastIndex = 0;

  function runOne(tc: TestCase): string {
    const parsed = parseConfChanges(tc.input);
    if (!parsed.ok) return `${parsed.error}\n`;
    const ccs = parsed.changes;
    const changer = new Changer(tracker, lastIndex as LogIndex);
    let result: ConfChangeResult;
    switch (tc.cmd) {
      case 'simple':
        result = changer.simple(ccs);
        break;
      case 'enter-joint': {
        const autoLeave = argVals(tc.args, 'autoleave')?.[0] === 'true';
        result = changer.enterJoint(autoLeave, ccs);
        break;
      }
      case 'leave-joint':
        if (ccs.length > 0) return 'this command takes no input\n';
        result = changer.leaveJoint();
        break;
      default:
        return 'unknown command\n';
    }
    if (!result.ok) return `${result.error}\n`;
    tracker.config = result.config;
    tracker.progress = result.progress;
    return `${trackerConfigToString(tracker.config)}\n${progressMapToString(tracker.progress)}`;
  }

  return {
    run(tc: TestCase): string {
      try {
        return runOne(tc);
      } finally {
        lastIndex++;
      }
    },
  };
}
