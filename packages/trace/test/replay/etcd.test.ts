import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { isUnknownField, openTrace, type TraceReplay, termAt } from '../../src/index.ts';

const ETCD_EXAMPLE = new URL(
  '../../../../../shared/conformance/etcd-raft/trace/example.ndjson',
  import.meta.url,
);

function open(): TraceReplay {
  const opened = openTrace(readFileSync(ETCD_EXAMPLE, 'utf8'), { checkpointEvery: 500 });
  if (!opened.ok) throw new Error(opened.error.message);
  return opened.replay;
}

describe('replaying the etcd raft example trace', () => {
  const replay = open();
  const end = replay.stateAt(replay.lastSeq);
  const group = (id: number) => end.nodes.find((n) => n.id === id)?.groups[0];

  it('ends with node 2 leading term 2, known to lead by its followers', () => {
    expect(group(2)).toMatchObject({ role: 'StateLeader', term: 2, lead: 2 });
    const followers = end.nodes.filter((n) => n.id !== 2 && n.groups[0]?.term === 2);
    expect(followers.length).toBeGreaterThan(0);
    for (const n of followers) expect(n.groups[0]?.role).toBe('StateFollower');
    expect(group(3)?.lead).toBe(2);
  });

  it('ends with the commit index each node reached', () => {
    const commits = Object.fromEntries(end.nodes.map((n) => [n.id, n.groups[0]?.commit]));

    expect(commits).toMatchObject({ 1: 12, 2: 129, 4: 44, 7: 91, 10: 0 });
  });

  it('finds the one election, by node 2', () => {
    const seq = replay.next(0, 'election');

    expect(seq).not.toBeNull();
    expect(replay.event(seq ?? 0)?.node).toBe(2);
    expect(replay.next(seq ?? 0, 'election')).toBeNull();
    expect(replay.stateAt(seq ?? 0).nodes.find((n) => n.id === 2)?.groups[0]?.role).toBe(
      'StateLeader',
    );
  });

  it('marks what etcd does not record as unknown instead of inventing it', () => {
    const leader = group(2);
    const snap = replay.toSnapshot(end);

    expect(end.nodes.every((n) => n.tick === null)).toBe(true);
    expect(leader?.applied).toBeNull();
    expect(leader?.persisted).toBeNull();
    expect(leader?.learners).toBeNull();
    expect(isUnknownField(snap, { node: 2, field: 'tick' })).toBe(true);
    expect(isUnknownField(snap, { node: 2, group: 1, field: 'applied' })).toBe(true);
    expect(isUnknownField(snap, { node: 2, group: 1, field: 'confState.learners' })).toBe(true);
    expect(snap.nodes.find((n) => n.id === 2)?.tick).toBe(-1);
    expect(snap.importedFrom).toBe('etcd-raft');
  });

  it("keeps only match and next of the leader's progress, the rest marked unknown", () => {
    const progress = group(2)?.progress ?? {};
    const snap = replay.toSnapshot(end);

    expect(Object.keys(progress).length).toBeGreaterThan(0);
    for (const [peer, p] of Object.entries(progress)) {
      expect(Object.keys(p).sort()).toEqual(['match', 'next']);
      expect(isUnknownField(snap, { node: 2, group: 1, field: `progress.${peer}.state` })).toBe(
        true,
      );
    }
  });

  it('knows entry terms only where a message or the leader told them', () => {
    const log = group(2)?.log;
    if (!log) throw new Error('no log for node 2');
    const snap = replay.toSnapshot(end);
    const entries = snap.nodes.find((n) => n.id === 2)?.groups[0]?.log.entries ?? [];

    // The bootstrap entries were never sent in a message that carried their terms.
    expect(termAt(log.runs, 1)).toBeNull();
    expect(termAt(log.runs, 129)).toBe(2);
    expect(entries.every((e) => e.type === '' && e.bytes === -1)).toBe(true);
    const unknownTerms = entries.filter((e) => e.term === -1).map((e) => e.index);
    for (const i of unknownTerms) {
      expect(isUnknownField(snap, { node: 2, group: 1, field: `log.entries.${i}.term` })).toBe(
        true,
      );
    }
  });

  it('shows the messages still in flight at the end: sends etcd never saw received', () => {
    const sends = new Set<string>();
    const delivered = new Set<string>();
    for (const e of replay.events(0, replay.lastSeq, Number.POSITIVE_INFINITY)) {
      if (e.kind !== 'net') continue;
      if (e.name === 'Send') sends.add(e.msgId);
      else delivered.add(e.msgId);
    }

    const open = [...sends].filter((id) => !delivered.has(id)).sort();
    expect(end.inFlight.map((f) => f.msgId).sort()).toEqual(open);
  });
});
