export { runNocProcessor, createNocService, nocConsumers, type NocDeps } from './runner.ts';
export { NocService, nocSubjects } from './service.ts';
export { NocStore, NOC_BUCKET, keys as nocKeys, checkTicket, checkComplaint, checkSite } from './store.ts';
export { telId, msisdnOfTelId, resultNotice, goodwillNotice, SUPERVISOR_EMAIL } from './notify.ts';
