import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { expandTargets, runScriptFile, scriptKind } from './conformance.ts';
import { parseScript } from './datadriven.ts';

const dir = mkdtempSync(join(tmpdir(), 'raftlens-conformance-'));

function script(name: string, text: string): string {
  const file = join(dir, name);
  writeFileSync(file, text);
  return file;
}

const SINGLE_NODE = `add-nodes 1 voters=(1) index=3
----
INFO 1 switched to configuration voters=(1)
INFO 1 became follower at term 0
INFO newRaft 1 [peers: [1], term: 0, commit: 3, applied: 3, lastindex: 3, lastterm: 1]

campaign 1
----
INFO 1 is starting a new election at term 0
INFO 1 became candidate at term 1

process-ready 1
----
Ready MustSync=true:
Lead:0 State:StateCandidate
HardState Term:1 Vote:1 Commit:3
INFO 1 received MsgVoteResp from 1 at term 1
INFO 1 has received 1 MsgVoteResp votes and 0 vote rejections
INFO 1 became leader at term 1

raft-state
----
1: StateLeader (Voter) Term:1 Lead:1
`;

describe('runScriptFile', () => {
  it('passes a script whose structural lines all match', () => {
    const result = runScriptFile(script('single.txt', SINGLE_NODE));

    expect(result).toMatchObject({ passed: true, kind: 'interaction', commands: 4 });
  });

  it('ignores differences in log prose', () => {
    const text = SINGLE_NODE.replace('became leader at term 1', 'won the election');

    expect(runScriptFile(script('prose.txt', text)).passed).toBe(true);
  });

  it('reports the script line, command and both lines of the first difference', () => {
    const text = SINGLE_NODE.replace(
      'HardState Term:1 Vote:1 Commit:3',
      'HardState Term:2 Commit:3',
    );

    const result = runScriptFile(script('wrong.txt', text));

    expect(result.passed).toBe(false);
    expect(result.firstDiff).toMatchObject({
      line: 16,
      command: 'process-ready 1',
      expected: 'HardState Term:2 Commit:3',
      actual: 'HardState Term:1 Vote:1 Commit:3',
    });
  });

  it('points past the expected block when the actual output has extra lines', () => {
    const text = SINGLE_NODE.replace('1: StateLeader (Voter) Term:1 Lead:1\n', 'ok\n');

    const result = runScriptFile(script('extra.txt', text));

    expect(result.firstDiff).toMatchObject({ line: 23, command: 'raft-state' });
    expect(result.firstDiff?.actual).toBe('1: StateLeader (Voter) Term:1 Lead:1');
  });

  it('fails, without throwing, on a command the harness cannot run', () => {
    const text = `${SINGLE_NODE}\ncampaign 9\n----\nok\n`;

    const result = runScriptFile(script('fatal.txt', text));

    expect(result.passed).toBe(false);
    expect(result.firstDiff?.actual).toMatch(/^threw: /);
  });

  it('prints an unknown command as an error line, as etcd does', () => {
    const text = 'frobnicate 1\n----\nunknown command\n';

    expect(runScriptFile(script('unknown.txt', text)).passed).toBe(true);
  });

  it('fails an unreadable file with a message', () => {
    const result = runScriptFile(join(dir, 'missing.txt'));

    expect(result.passed).toBe(false);
    expect(result.error).toMatch(/^cannot read: /);
  });

  it('fails a file that is not a script, and an empty one', () => {
    const prose = runScriptFile(script('prose-only.txt', 'just some words\n'));
    const empty = runScriptFile(script('empty.txt', ''));

    expect(prose.error).toMatch(/^not a script: /);
    expect(empty.error).toBe('not a script: no commands');
  });

  it('fails a folder that holds no scripts', () => {
    const folder = join(dir, 'no-scripts');
    mkdirSync(folder);

    const files = expandTargets([folder]);

    expect(files).toEqual([folder]);
    expect(runScriptFile(folder).error).toBe('a folder with no .txt scripts in it');
  });
});

describe('scriptKind', () => {
  it('follows the folder name first, then the first command', () => {
    const quorum = parseScript('vote cfg=(1) votes=(y)\n----\nVoteWon\n');
    const confchange = parseScript('simple\nv1\n----\nvoters=(1)\n');

    expect(scriptKind('/x/quorum/a.txt', confchange)).toBe('quorum');
    expect(scriptKind('/x/other/a.txt', quorum)).toBe('quorum');
    expect(scriptKind('/x/other/a.txt', confchange)).toBe('confchange');
    expect(scriptKind('/x/testdata/a.txt', parseScript(SINGLE_NODE))).toBe('interaction');
  });
});
