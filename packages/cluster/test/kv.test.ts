import { describe, expect, it } from 'vitest';
import { decodeCommand, describeCommand, encodeCommand } from '../src/kv/command.ts';
import { KvStore } from '../src/kv/store.ts';

describe('KV commands', () => {
  it('encode as compact JSON and decode back', () => {
    const data = encodeCommand({ id: '1.1', op: 'put', key: 'k', value: 'v' });

    expect(new TextDecoder().decode(data)).toBe('{"id":"1.1","op":"put","key":"k","value":"v"}');
    expect(decodeCommand(data)).toEqual({ id: '1.1', op: 'put', key: 'k', value: 'v' });
  });

  it('decode empty data as the no-op and garbage as an error string', () => {
    expect(decodeCommand(new Uint8Array(0))).toBeNull();
    expect(typeof decodeCommand(new TextEncoder().encode('{'))).toBe('string');
    expect(typeof decodeCommand(new TextEncoder().encode('{"id":"x","op":"zap","key":"k"}'))).toBe(
      'string',
    );
  });

  it('describe themselves in one short line', () => {
    const data = encodeCommand({ id: '1.1', op: 'put', key: 'color', value: 'blue' });

    expect(describeCommand(data)).toBe('put color=blue');
    expect(describeCommand(new Uint8Array(0))).toBe('(empty)');
  });
});

describe('KvStore', () => {
  it('applies puts and deletes in order', () => {
    const kv = new KvStore();

    kv.applyEntryData(encodeCommand({ id: 'a', op: 'put', key: 'x', value: '1' }));
    kv.applyEntryData(encodeCommand({ id: 'b', op: 'put', key: 'y', value: '2' }));
    kv.applyEntryData(encodeCommand({ id: 'c', op: 'delete', key: 'x' }));

    expect(kv.get('x')).toBeNull();
    expect(kv.get('y')).toBe('2');
  });

  it('skips a command whose id it already applied', () => {
    const kv = new KvStore();
    const put1 = encodeCommand({ id: 'a', op: 'put', key: 'x', value: '1' });
    kv.applyEntryData(put1);
    kv.applyEntryData(encodeCommand({ id: 'b', op: 'put', key: 'x', value: '2' }));

    const outcome = kv.applyEntryData(put1);

    expect(outcome.kind).toBe('duplicate');
    expect(kv.get('x')).toBe('2');
  });

  it('restores from its snapshot to an equal state, duplicate window included', () => {
    const kv = new KvStore();
    kv.applyEntryData(encodeCommand({ id: 'a', op: 'put', key: 'x', value: '1' }));
    kv.applyEntryData(encodeCommand({ id: 'b', op: 'put', key: 'y', value: '2' }));

    const copy = new KvStore();
    copy.restore(kv.snapshotData());

    expect(copy.entries()).toEqual(kv.entries());
    expect(copy.snapshotData()).toEqual(kv.snapshotData());
    expect(
      copy.applyEntryData(encodeCommand({ id: 'a', op: 'put', key: 'x', value: '1' })).kind,
    ).toBe('duplicate');
  });
});
