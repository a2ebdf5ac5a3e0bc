export {
  CHARGING_NOTICES_CONSUMER,
  deliverNotice,
  runChargingNotices,
  simulatedSms,
  type ChargingNoticeDeps,
  type NoticeGateway,
} from './charging-notices.ts';
export { CUSTOMER_NOTICE_KINDS, noticeId, noticeText } from './texts.ts';
