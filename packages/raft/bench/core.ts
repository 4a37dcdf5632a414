/**
 * bench:core: how fast the core commits, against etcd raft 3.4 on the same machine in one run.
 *
 * Workload: 3 voters in one process, MemoryStorage, messages delivered in memory. In each round
 * the leader proposes a batch of 64-byte payloads (64 per batch, and separately 1), every node
 * handles its Ready (persist, send, apply, advance) and every message is delivered. The run
 * stops when every node has applied the target number of proposals (200,000 by default).
 *
 * The reference is the same workload written in Go against etcd raft 3.4 (Debian's
 * golang-etcd-server-dev), built and run by this script when Go is available; as root on
 * Debian it installs Go and those sources when they are missing. Prints one JSON object.
 *
 *   pnpm bench:core [--proposals 200000] [--no-reference]
 */

import { execFileSync, execSync } from 'node:child_process';
import { existsSync, mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  type Entry,
  emptyConfState,
  logIndex,
  MemoryStorage,
  type Message,
  type NodeId,
  RawNode,
  seededRandom,
  term,
} from '@raftlens/raft';

interface RunResult {
  batch: number;
  proposals: number;
  seconds: number;
  perSecond: number;
  rounds: number;
  messagesSent: number;
}

interface BenchNode {
  rn: RawNode;
  storage: MemoryStorage;
  applied: number;
}

const VOTERS = [1, 2, 3] as NodeId[];

function newNode(id: NodeId): BenchNode {
  // Every node starts from the same snapshot at index 1 holding the configuration, as the Go
  // reference does, so that both begin with commit 1 and an identical log.
  const confState = { ...emptyConfState(), voters: VOTERS };
  const storage = MemoryStorage.bootstrap(confState, { index: logIndex(1), term: term(1) });
  const rn = new RawNode({
    id,
    electionTick: 10,
    heartbeatTick: 1,
    storage,
    applied: logIndex(1),
    maxSizePerMsg: 1 << 20,
    maxInflightMsgs: 256,
    random: seededRandom(id),
  });
  return { rn, storage, applied: 0 };
}

/** Persist, collect messages, apply and advance until the node has nothing more to hand out. */
function handleReady(n: BenchNode, out: Message[]): void {
  while (n.rn.hasReady()) {
    const rd = n.rn.ready();
    if (rd.hardState) n.storage.setHardState(rd.hardState);
    if (rd.entries.length > 0) n.storage.append(rd.entries);
    for (const m of rd.messages) out.push(m);
    for (const e of rd.committedEntries as Entry[]) {
      if (e.type === 'EntryNormal' && e.data.length > 0) n.applied++;
    }
    n.rn.advance(rd);
  }
}

function run(batch: number, target: number): RunResult {
  const nodes = new Map<number, BenchNode>(VOTERS.map((id) => [id, newNode(id)]));
  const all = [...nodes.values()];
  const leader = nodes.get(1) as BenchNode;
  const deliver = (msgs: Message[]): void => {
    for (const m of msgs) nodes.get(m.to)?.rn.step(m);
  };
  leader.rn.campaign();
  while (leader.rn.basicStatus().softState.raftState !== 'StateLeader') {
    const msgs: Message[] = [];
    for (const n of all) handleReady(n, msgs);
    deliver(msgs);
  }
  const payload = new Uint8Array(64);
  const start = process.hrtime.bigint();
  let proposed = 0;
  let rounds = 0;
  let sent = 0;
  const msgs: Message[] = [];
  while (all.some((n) => n.applied < target)) {
    for (let i = 0; i < batch && proposed < target; i++) {
      const err = leader.rn.propose(payload);
      if (err) throw new Error(`proposal dropped: ${JSON.stringify(err)}`);
      proposed++;
    }
    msgs.length = 0;
    for (const n of all) handleReady(n, msgs);
    sent += msgs.length;
    deliver(msgs);
    rounds++;
  }
  const seconds = Number(process.hrtime.bigint() - start) / 1e9;
  return {
    batch,
    proposals: target,
    seconds,
    perSecond: target / seconds,
    rounds,
    messagesSent: sent,
  };
}

/** Builds and runs the Go reference; null (with a reason) when Go or etcd raft is missing. */
function runReference(target: number): { results: RunResult[] } | { unavailable: string } {
  const gocode = '/usr/share/gocode/src/go.etcd.io/etcd/raft';
  const isRoot = process.getuid?.() === 0;
  if (
    (!existsSync('/usr/bin/go') || !existsSync(gocode)) &&
    isRoot &&
    existsSync('/usr/bin/apt-get')
  ) {
    process.stderr.write('installing golang-go and golang-etcd-server-dev for the reference...\n');
    execSync(
      'apt-get update -qq && DEBIAN_FRONTEND=noninteractive ' +
        'apt-get install -y -qq golang-go golang-etcd-server-dev',
      { stdio: ['ignore', 'ignore', 'inherit'] },
    );
  }
  if (!existsSync('/usr/bin/go') || !existsSync(gocode)) {
    return {
      unavailable: 'Go or etcd raft 3.4 sources (golang-etcd-server-dev) are not installed',
    };
  }
  const here = path.dirname(fileURLToPath(import.meta.url));
  const work = mkdtempSync(path.join(os.tmpdir(), 'raftlens-bench-'));
  const bin = path.join(work, 'etcd-raft-bench');
  // GOPATH mode: Debian installs etcd 3.4's sources, and their dependencies, under gocode.
  const env = {
    ...process.env,
    GO111MODULE: 'off',
    GOPATH: `${work}:/usr/share/gocode`,
    GOCACHE: path.join(work, 'cache'),
  };
  execFileSync('go', ['build', '-o', bin, path.join(here, 'etcd-raft', 'main.go')], {
    env,
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  const out = execFileSync(bin, ['-proposals', String(target)], { encoding: 'utf8' });
  return { results: JSON.parse(out) as RunResult[] };
}

function main(): void {
  const args = process.argv.slice(2);
  const at = args.indexOf('--proposals');
  const target = at >= 0 ? Number(args[at + 1]) : 200_000;
  const cpus = os.cpus();
  const machine = {
    cpu: cpus[0]?.model ?? 'unknown',
    cores: cpus.length,
    memoryGiB: Math.round(os.totalmem() / 2 ** 30),
    node: process.version,
    platform: `${os.platform()} ${os.release()}`,
  };
  // Warm the JIT with a short run so that the measured runs see optimised code.
  run(64, 20_000);
  const results = [run(64, target), run(1, target)];
  const reference = args.includes('--no-reference')
    ? { unavailable: 'skipped' }
    : runReference(target);
  const ratio =
    'results' in reference
      ? Object.fromEntries(
          results.map((r) => {
            const ref = reference.results.find((x) => x.batch === r.batch);
            return [
              `batch${r.batch}`,
              ref ? Number((r.perSecond / ref.perSecond).toFixed(3)) : null,
            ];
          }),
        )
      : null;
  const report = {
    benchmark: 'bench:core',
    workload:
      '3 voters in one process, MemoryStorage, in-memory delivery; the leader proposes 64-byte ' +
      `payloads in batches; every round each node handles its Ready and every message is delivered; ` +
      `until ${target} proposals are applied on every node`,
    machine,
    raftlens: results,
    reference: { name: 'etcd raft 3.4 (Go, Debian golang-etcd-server-dev)', ...reference },
    ratioRaftlensToReference: ratio,
  };
  process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
}

main();
