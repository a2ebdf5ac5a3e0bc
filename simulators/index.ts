export { Rng } from './rng.ts';
export { population, subscriberAt, type SimSubscriber } from './population.ts';
export { CdrGenerator, DEFAULT_MIX, type CdrMix } from './cdr-generator.ts';
export { runCdrSimulator, type SimOptions, type SimProgress } from './runner.ts';
export {
  Timeline,
  ShapeError,
  dailyFactor,
  burstFactor,
  shapeFactor,
  type TrafficShape,
  type BurstSpec,
} from './shape.ts';
export {
  ActivationGenerator,
  ActivationOptionsError,
  ACTIVATION_STEPS,
  DEFAULT_ACTIVATION,
  checkActivationOptions,
  iccidOf,
  type ActivationOptions,
  type ActivationRequest,
} from './device-generator.ts';
export { runDeviceSimulator, type DeviceSimOptions, type DeviceSimSummary } from './device-runner.ts';
export { formatSummary, progressBar, type Progress, type RunSummary } from './progress.ts';
export * from './recording/index.ts';
export * from './network/index.ts';
