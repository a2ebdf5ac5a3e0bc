export {
  CHARGING_NOTICES_CONSUMER,
  deliverNotice,
  runChargingNotices,
  simulatedSms,
  type ChargingNoticeDeps,
  type NoticeGateway,
} from './charging-notices.ts';
export { CUSTOMER_NOTICE_KINDS, noticeId, noticeText } from './texts.ts';
export {
  waitForCareBuckets,
  noticeEvent,
  publishNoticeEvent,
  recordDue,
  sendBounded,
  GATEWAY_TIMEOUT_MS,
  withNextAttempt,
  type StoredNotice,
} from './outbox-store.ts';
export { runNoticeRetries, sweepDueNotices, type NoticeRetryDeps, type SweepCounts } from './retries.ts';
