export { planProjections, RebuildError, type ProjectionPlan, type ViewInfo } from './plan.ts';
export { rebuildProjections, type RebuildDeps, type RebuildOptions, type RebuildResult } from './rebuild.ts';
