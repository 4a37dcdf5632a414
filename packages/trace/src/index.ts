export * from './etcd.ts';
export * from './events.ts';
export * from './ndjson.ts';
export * from './replay/index.ts';
export * from './shiviz.ts';
export * from './snapshot.ts';
export * from './stream.ts';
export * from './summary.ts';
