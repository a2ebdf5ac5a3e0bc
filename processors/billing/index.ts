export {
  BILLS_BUCKET,
  BillingError,
  billKey,
  closePeriod,
  openBillsBucket,
  readBills,
  storeOnce,
  type CloseReport,
} from './bills.ts';
