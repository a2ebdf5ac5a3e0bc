export { rateFlat, FLAT } from './decide.ts';
export { runFlatRating, flatRateConsumers, type ProcessorDeps } from './runner.ts';
