export * from './events/index.ts';
export * from './money/index.ts';
export * from './ids/index.ts';
