export * from './events/index.ts';
export * from './money/index.ts';
export * from './ids/index.ts';
export * from './geo/index.ts';
export * from './partition/index.ts';
