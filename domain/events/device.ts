import { Type, type Static } from '@sinclair/typebox';
import { Closed, E164, EpochMs, Iccid, Id, Imei, Imsi, ShortText } from './common.ts';

/** SIM / device lifecycle steps of activation (设备激活). */
export const DeviceStep = Type.Union([
  Type.Literal('sim_activation'),
  Type.Literal('network_attach'),
  Type.Literal('device_verification'),
]);
export type DeviceStep = Static<typeof DeviceStep>;

export const DeviceEvent = Closed(
  {
    eventId: Id,
    step: DeviceStep,
    orderId: Type.Optional(Id),
    msisdn: E164,
    iccid: Iccid,
    imsi: Imsi,
    imei: Type.Optional(Imei),
    cellId: Type.Optional(Id),
    result: Type.Union([Type.Literal('ok'), Type.Literal('failed')]),
    /** Why a step failed, e.g. 'imei_blacklisted', 'no_coverage', 'sim_not_provisioned'. */
    reason: Type.Optional(ShortText),
    atMs: EpochMs,
  },
  { $id: 'DeviceEvent' },
);
export type DeviceEvent = Static<typeof DeviceEvent>;
