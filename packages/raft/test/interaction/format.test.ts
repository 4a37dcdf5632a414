import { describe, expect, it } from 'vitest';
import { encodeConfChange, encodeConfChangeV2 } from '../../src/confchange/codec.ts';
import {
  type Entry,
  emptyConfState,
  type Message,
  type NodeId,
  newMessage,
  nodeId,
  type Snapshot,
} from '../../src/types.ts';
import { LOCAL_APPEND_THREAD, LOCAL_APPLY_THREAD } from '../../src/util.ts';
import {
  describeEntry,
  describeHardState,
  describeMessage,
  describeReadStates,
  describeReady,
  type ReadyLike,
} from './format.ts';
import { goQuote } from './go-quote.ts';

const local = { appendThread: LOCAL_APPEND_THREAD, applyThread: LOCAL_APPLY_THREAD };
const bytes = (s: string) => new TextEncoder().encode(s);

function entry(term: number, index: number, data = '', type: Entry['type'] = 'EntryNormal') {
  return { term, index, type, data: bytes(data) } as Entry;
}

function message(fields: Partial<Message> & Pick<Message, 'type'> & { from: number; to: number }) {
  return newMessage({ ...fields, from: nodeId(fields.from), to: nodeId(fields.to) } as Message);
}

function ready(fields: Partial<ReadyLike>): ReadyLike {
  return {
    softState: null,
    hardState: null,
    readStates: [],
    entries: [],
    snapshot: null,
    committedEntries: [],
    messages: [],
    mustSync: false,
    ...fields,
  };
}

describe('goQuote', () => {
  it.each([
    ['', '""'],
    ['prop_1', '"prop_1"'],
    ['a"b\\c', '"a\\"b\\\\c"'],
    ['tab\there\nnl', '"tab\\there\\nnl"'],
    ['\x00\x7f', '"\\x00\\x7f"'],
    ['héllo ✓', '"héllo ✓"'],
  ])('quotes %j as Go %%q does', (input, want) => {
    expect(goQuote(bytes(input))).toBe(want);
  });

  it('escapes bytes that are not valid UTF-8 one by one', () => {
    expect(goQuote(new Uint8Array([0xff, 0x61, 0xc3]))).toBe('"\\xffa\\xc3"');
  });

  it('escapes non-printable runes beyond ASCII with \\u', () => {
    expect(goQuote(bytes('\u200b'))).toBe('"\\u200b"');
  });
});

describe('describeEntry', () => {
  it('prints a normal entry with its quoted payload', () => {
    expect(describeEntry(entry(1, 3, 'data'))).toBe('1/3 EntryNormal "data"');
    expect(describeEntry(entry(1, 3))).toBe('1/3 EntryNormal ""');
  });

  it('prints a V1 conf change entry in the v/l/r notation', () => {
    const data = encodeConfChange({
      type: 'ConfChangeAddNode',
      nodeId: nodeId(2),
      context: new Uint8Array(0),
    });
    expect(describeEntry({ ...entry(1, 4), type: 'EntryConfChange', data })).toBe(
      '1/4 EntryConfChange v2',
    );
  });

  it('prints a V2 conf change entry, and an empty one with no trailing space', () => {
    const cc = {
      transition: 'ConfChangeTransitionAuto' as const,
      changes: [
        { type: 'ConfChangeRemoveNode' as const, nodeId: nodeId(1) },
        { type: 'ConfChangeAddNode' as const, nodeId: nodeId(4) },
      ],
      context: new Uint8Array(0),
    };
    const full = {
      ...entry(1, 4),
      type: 'EntryConfChangeV2' as const,
      data: encodeConfChangeV2(cc),
    };
    const empty = { ...entry(1, 6), type: 'EntryConfChangeV2' as const, data: new Uint8Array(0) };

    expect(describeEntry(full)).toBe('1/4 EntryConfChangeV2 r1 v4');
    expect(describeEntry(empty)).toBe('1/6 EntryConfChangeV2');
  });
});

describe('describeMessage', () => {
  it('prints a vote request with no zero fields', () => {
    const m = message({ type: 'MsgVote', from: 1, to: 2, term: 1, logTerm: 1, index: 2 } as never);

    expect(describeMessage(m, local)).toBe('1->2 MsgVote Term:1 Log:1/2');
  });

  it('prints commit and a single entry inline', () => {
    const m = message({
      type: 'MsgApp',
      from: 1,
      to: 2,
      term: 1,
      logTerm: 1,
      index: 2,
      commit: 2,
      entries: [entry(1, 3)],
    } as never);

    expect(describeMessage(m, local)).toBe(
      '1->2 MsgApp Term:1 Log:1/2 Commit:2 Entries:[1/3 EntryNormal ""]',
    );
  });

  it('prints several entries on their own indented lines', () => {
    const m = message({
      type: 'MsgApp',
      from: 1,
      to: 2,
      term: 8,
      logTerm: 6,
      index: 19,
      commit: 18,
      entries: [entry(6, 20, 'prop_6_20'), entry(8, 21)],
    } as never);

    expect(describeMessage(m, local)).toBe(
      [
        '1->2 MsgApp Term:8 Log:6/19 Commit:18 Entries:[',
        '  6/20 EntryNormal "prop_6_20"',
        '  8/21 EntryNormal ""',
        ']',
      ].join('\n'),
    );
  });

  it('prints a rejection with its hint, even a zero hint', () => {
    const m = message({
      type: 'MsgAppResp',
      from: 2,
      to: 1,
      term: 1,
      index: 3,
      reject: true,
    } as never);

    expect(describeMessage(m, local)).toBe('2->1 MsgAppResp Term:1 Log:0/3 Rejected (Hint: 0)');
  });

  it('prints a snapshot on its own line', () => {
    const confState = { ...emptyConfState(), voters: [nodeId(1), nodeId(2)] };
    const snapshot = { data: new Uint8Array(0), metadata: { index: 4, term: 1, confState } };
    const m = message({ type: 'MsgSnap', from: 1, to: 2, term: 1, snapshot } as never);

    expect(describeMessage(m, local)).toBe(
      '1->2 MsgSnap Term:1 Log:0/0\n' +
        '  Snapshot: Index:4 Term:1 ConfState:Voters:[1 2] VotersOutgoing:[] Learners:[] ' +
        'LearnersNext:[] AutoLeave:false',
    );
  });

  it('names the storage threads and nests responses', () => {
    const resp1 = message({ type: 'MsgAppResp', from: 1, to: 1, term: 1, index: 11 } as never);
    const resp2 = newMessage({
      type: 'MsgStorageAppendResp',
      from: LOCAL_APPEND_THREAD,
      to: nodeId(1),
      term: 1,
      logTerm: 1,
      index: 11,
    } as Partial<Message> & Pick<Message, 'type'>);
    const m = newMessage({
      type: 'MsgStorageAppend',
      from: nodeId(1),
      to: LOCAL_APPEND_THREAD,
      entries: [entry(1, 11)],
      responses: [resp1, resp2],
    });

    expect(describeMessage(m, local)).toBe(
      [
        '1->AppendThread MsgStorageAppend Term:0 Log:0/0 Entries:[1/11 EntryNormal ""] Responses:[',
        '  1->1 MsgAppResp Term:1 Log:0/11',
        '  AppendThread->1 MsgStorageAppendResp Term:1 Log:1/11',
        ']',
      ].join('\n'),
    );
  });

  it('prints node ids in hex and the apply thread by name', () => {
    const m = newMessage({ type: 'MsgStorageApply', from: 26 as NodeId, to: LOCAL_APPLY_THREAD });

    expect(describeMessage(m, local)).toBe('1a->ApplyThread MsgStorageApply Term:0 Log:0/0');
  });
});

describe('describeReady', () => {
  it('prints an empty Ready as such', () => {
    expect(describeReady(ready({}), local)).toBe('<empty Ready>');
  });

  it('prints the sections in etcd order', () => {
    const rd = ready({
      softState: { lead: nodeId(1), raftState: 'StateLeader' },
      hardState: { term: 1, vote: nodeId(1), commit: 3 } as never,
      entries: [entry(1, 4, 'a')],
      committedEntries: [entry(1, 3)],
      messages: [
        message({
          type: 'MsgApp',
          from: 1,
          to: 2,
          term: 1,
          logTerm: 1,
          index: 3,
          commit: 3,
        } as never),
      ],
      mustSync: true,
    });

    expect(describeReady(rd, local)).toBe(
      [
        'Ready MustSync=true:',
        'Lead:1 State:StateLeader',
        'HardState Term:1 Vote:1 Commit:3',
        'Entries:',
        '1/4 EntryNormal "a"',
        'CommittedEntries:',
        '1/3 EntryNormal ""',
        'Messages:',
        '1->2 MsgApp Term:1 Log:1/3 Commit:3',
        '',
      ].join('\n'),
    );
  });

  it('prints a snapshot after the entries and read states after the hard state', () => {
    const snapshot = {
      data: new Uint8Array(0),
      metadata: { index: 11, term: 1, confState: { ...emptyConfState(), voters: [nodeId(1)] } },
    } as unknown as Snapshot;
    const rd = ready({
      hardState: { term: 1, vote: 0, commit: 11 } as never,
      readStates: [{ index: 11 as never, requestCtx: bytes('r1') }],
      snapshot,
    });

    expect(describeReady(rd, local).split('\n')).toEqual([
      'Ready MustSync=false:',
      'HardState Term:1 Commit:11',
      'ReadStates [{11 [114 49]}]',
      'Snapshot Index:11 Term:1 ConfState:Voters:[1] VotersOutgoing:[] Learners:[] ' +
        'LearnersNext:[] AutoLeave:false',
      '',
    ]);
  });
});

describe('small formats', () => {
  it('leaves out a zero vote from a HardState', () => {
    expect(describeHardState({ term: 1, vote: 0, commit: 0 } as never)).toBe('Term:1 Commit:0');
  });

  it('prints read states as Go prints a slice of structs', () => {
    expect(describeReadStates([])).toBe('[]');
    expect(describeReadStates([{ index: 3 as never, requestCtx: new Uint8Array(0) }])).toBe(
      '[{3 []}]',
    );
  });
});
