export {
  CARE_KINDS,
  DEFAULT_CARE_MIX,
  MixError,
  formatMix,
  parseMix,
  type CareKind,
  type CareMix,
} from './mix.ts';
export { mobileOf, personOf, residentIdOf, REGIONS, type Person } from './identity.ts';
export {
  CarePlanner,
  DEVICES,
  planCareTraffic,
  requestsOf,
  type CareFlow,
  type PlanOptions,
} from './plan.ts';
export { CareClient, LoginError, type HttpResult } from './client.ts';
export { runFlow, slotStartMs, type FlowResult, type FlowIds } from './flows.ts';
export { CareStats, formatCareSummary, percentile, type CareSummary } from './stats.ts';
export { runCareTraffic, DEMO_MSISDN, type CareRunOptions, type CareRunResult } from './runner.ts';
