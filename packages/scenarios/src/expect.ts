/**
 * Turns a step's expectations into checks, each a sentence with a verdict and, when it fails,
 * what was seen instead. The dashboard shows them as the step's checklist; the tests assert
 * that every one holds.
 */

import { compareSeverity, type Finding } from '@raftlens/diagnose';
import { notCaughtUp } from './conditions.ts';
import { ScenarioError } from './errors.ts';
import type { NodeRef, StepExpect } from './model.ts';
import type { StepView } from './view.ts';

/** One expectation, judged. JSON-safe. */
export interface CheckResult {
  description: string;
  ok: boolean;
  /** What was seen, when the check failed. */
  actual?: string;
}

const ROLE_WORDS: Record<string, string> = {
  StateLeader: 'the leader',
  StateFollower: 'a follower',
  StateCandidate: 'a candidate',
  StatePreCandidate: 'a pre-candidate',
  crashed: 'crashed',
};

/** "node 3", or "node 3 (old)" when a name stands for it; never throws. */
function label(v: StepView, ref: NodeRef): string {
  if (typeof ref === 'number') return `node ${ref}`;
  try {
    return `node ${v.node(ref)} (${ref})`;
  } catch {
    return `the node called ${ref}`;
  }
}

/** A reference from a `roles` key: a name, or a node number written as a string. */
function refOf(key: string): NodeRef {
  return /^\d+$/.test(key) ? Number(key) : key;
}

function judge(description: string, actual: () => string | null): CheckResult {
  let seen: string | null;
  try {
    seen = actual();
  } catch (err) {
    if (!(err instanceof ScenarioError)) throw err;
    seen = err.message;
  }
  return seen === null ? { description, ok: true } : { description, ok: false, actual: seen };
}

function codes(fs: readonly Finding[]): string {
  return fs.length === 0 ? 'no findings' : fs.map((f) => f.code).join(', ');
}

function leaderChecks(e: StepExpect, v: StepView): CheckResult[] {
  const out: CheckResult[] = [];
  const leader = v.leader();
  const leads = leader === null ? 'no node leads' : `node ${leader} leads`;
  if (e.leader === null) {
    out.push(judge('No node leads', () => (leader === null ? null : leads)));
  } else if (e.leader === 'any') {
    out.push(judge('A node leads', () => (leader !== null ? null : leads)));
  } else if (e.leader !== undefined) {
    const ref = e.leader;
    out.push(judge(`${cap(label(v, ref))} leads`, () => (leader === v.node(ref) ? null : leads)));
  }
  if (e.notLeader !== undefined) {
    const ref = e.notLeader;
    out.push(
      judge(`${cap(label(v, ref))} does not lead`, () => (leader !== v.node(ref) ? null : leads)),
    );
  }
  for (const [key, role] of Object.entries(e.roles ?? {})) {
    const ref = refOf(key);
    out.push(
      judge(`${cap(label(v, ref))} is ${ROLE_WORDS[role] ?? role}`, () => {
        const node = v.nodeView(ref);
        if (node === undefined) return 'no such node';
        if (role === 'crashed') return node.status === 'crashed' ? null : `it is ${node.status}`;
        if (node.status !== 'running') return `it is ${node.status}`;
        const seen = node.groups.find((g) => g.group === 1)?.role;
        return seen === role ? null : `it is ${ROLE_WORDS[seen ?? ''] ?? seen}`;
      }),
    );
  }
  return out;
}

function logChecks(e: StepExpect, v: StepView): CheckResult[] {
  const out: CheckResult[] = [];
  if (e.commitAtLeast !== undefined) {
    const k = e.commitAtLeast;
    out.push(
      judge(`The leader has committed index ${k}`, () => {
        const leader = v.leader();
        if (leader === null) return 'no node leads';
        const commit = v.group(leader)?.commit ?? 0;
        return commit >= k ? null : `its commit index is ${commit}`;
      }),
    );
  }
  if (e.commitEquals !== undefined) {
    const k = e.commitEquals;
    out.push(
      judge(`Every running node's commit index is ${k}`, () => {
        const off = v.snapshot.nodes
          .filter((n) => n.status === 'running')
          .map((n) => [n.id, n.groups.find((g) => g.group === 1)?.commit ?? 0] as const)
          .filter(([, c]) => c !== k);
        return off.length === 0 ? null : off.map(([id, c]) => `node ${id} has ${c}`).join(', ');
      }),
    );
  }
  if (e.caughtUp) {
    out.push(
      judge("Every running voter has the leader's whole log, applied", () => notCaughtUp(v)),
    );
  }
  return out;
}

function findingChecks(e: StepExpect, v: StepView): CheckResult[] {
  const out: CheckResult[] = [];
  for (const code of e.findings ?? []) {
    out.push(
      judge(`The diagnosis names ${code}`, () =>
        v.findings.some((f) => f.code === code) ? null : codes(v.findings),
      ),
    );
  }
  for (const code of e.absent ?? []) {
    out.push(
      judge(`The diagnosis does not name ${code}`, () => {
        const f = v.findings.find((x) => x.code === code);
        return f === undefined ? null : f.summary;
      }),
    );
  }
  if (e.firstFinding !== undefined) {
    const code = e.firstFinding;
    out.push(
      judge(`The diagnosis leads with ${code}`, () =>
        v.findings[0]?.code === code ? null : codes(v.findings),
      ),
    );
  }
  if (e.healthy) {
    out.push(
      judge('No finding is a warning or worse', () => {
        const bad = v.findings.filter((f) => compareSeverity(f.severity, 'warning') <= 0);
        return bad.length === 0 ? null : bad.map((f) => `${f.code}: ${f.summary}`).join(' | ');
      }),
    );
  }
  if (e.violations !== undefined) {
    const want = e.violations;
    if (want.length === 0) {
      out.push(
        judge('The safety monitor saw no violation', () =>
          v.violations.length === 0 ? null : codes(v.violations),
        ),
      );
    }
    for (const code of want) {
      out.push(
        judge(`The safety monitor raised ${code}`, () =>
          v.violations.some((f) => f.code === code) ? null : codes(v.violations),
        ),
      );
    }
  }
  return out;
}

function opChecks(e: StepExpect, v: StepView): CheckResult[] {
  return Object.entries(e.ops ?? {}).map(([lbl, status]) =>
    judge(`Operation '${lbl}' is ${status}`, () => {
      const op = v.op(lbl);
      if (op === undefined) return 'no such operation was started';
      if (op.status === status) return null;
      return op.error ? `it is ${op.status} (${op.error.code})` : `it is ${op.status}`;
    }),
  );
}

/** Every check the expectations call for, in a stable order. */
export function evaluateExpect(e: StepExpect | undefined, v: StepView): CheckResult[] {
  if (e === undefined) return [];
  return [
    ...leaderChecks(e, v),
    ...logChecks(e, v),
    ...opChecks(e, v),
    ...findingChecks(e, v),
    ...(e.checks ?? []).map((c) => judge(v.say(c.description), () => c.check(v))),
  ];
}

function cap(s: string): string {
  return s.charAt(0).toUpperCase() + s.slice(1);
}
