export { Rng } from './rng.ts';
export { population, subscriberAt, type SimSubscriber } from './population.ts';
export { CdrGenerator, DEFAULT_MIX, type CdrMix } from './cdr-generator.ts';
export { runCdrSimulator, type SimOptions, type SimProgress } from './runner.ts';
