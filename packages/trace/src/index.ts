export * from './events.ts';
export * from './snapshot.ts';
export * from './stream.ts';
