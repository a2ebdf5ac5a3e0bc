export * from './common.ts';
export * from './cdr.ts';
export * from './device.ts';
export * from './network.ts';
export * from './business.ts';
export * from './envelope.ts';
export { itemFieldsOf, unpackItem, unpackItems } from './packed.ts';
export { CDR_FIELDS, encodeCdrBatch, packCdr, RAW_CDR_FIELDS } from './cdr-wire.ts';
export {
  addFormats,
  compile,
  compileTagged,
  type FieldError,
  type Validated,
  type Validator,
} from './validate.ts';
import { compile, compileTagged } from './validate.ts';
import { DataCdr, RawDataCdr, RawSmsCdr, RawVoiceCdr, SmsCdr, VoiceCdr, RatedCdr } from './cdr.ts';
import { DeviceEvent } from './device.ts';
import { KpiSample, NeAlarm } from './network.ts';
import { BusinessEvent } from './business.ts';

/** Compiled validators, one per wire contract. */
export const validators = {
  rawCdr: compileTagged('type', { voice: RawVoiceCdr, sms: RawSmsCdr, data: RawDataCdr }),
  cdr: compileTagged('type', { voice: VoiceCdr, sms: SmsCdr, data: DataCdr }),
  ratedCdr: compile(RatedCdr),
  deviceEvent: compile(DeviceEvent),
  neAlarm: compile(NeAlarm),
  kpiSample: compile(KpiSample),
  businessEvent: compile(BusinessEvent),
};
