export {
  BILLS_BUCKET,
  BillingError,
  billKey,
  closePeriod,
  openBillsBucket,
  readBills,
  storeOnce,
  supplementKey,
  type CloseReport,
} from './bills.ts';
