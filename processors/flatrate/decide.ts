import type { Cdr, RatedCdr } from '../../domain/index.ts';

/**
 * Placeholder rating used by the backbone until the tariff catalog lands (issue #3): a flat
 * price per started minute, per SMS and per started MiB. Pure and deterministic.
 */
export const FLAT = { voicePerMinFen: 15, smsFen: 10, dataPerMiBFen: 3 } as const;

export function rateFlat(cdr: Cdr): RatedCdr {
  let units: number;
  let unit: RatedCdr['unit'];
  let chargeFen: number;
  let explanation: string;
  if (cdr.type === 'voice') {
    units = cdr.durationSec;
    unit = 'sec';
    const minutes = Math.ceil(cdr.durationSec / 60);
    chargeFen = minutes * FLAT.voicePerMinFen;
    explanation = `voice ${cdr.durationSec}s = ${minutes} started min × ${FLAT.voicePerMinFen} fen`;
  } else if (cdr.type === 'sms') {
    units = 1;
    unit = 'sms';
    chargeFen = FLAT.smsFen;
    explanation = `1 SMS × ${FLAT.smsFen} fen`;
  } else {
    units = cdr.bytesUp + cdr.bytesDown;
    unit = 'byte';
    const mib = Math.ceil(units / 1_048_576);
    chargeFen = mib * FLAT.dataPerMiBFen;
    explanation = `data ${units} B = ${mib} started MiB × ${FLAT.dataPerMiBFen} fen`;
  }
  return {
    cdr,
    planId: 'flat',
    planVersion: 0,
    chargeFen,
    billableUnits: units,
    unit,
    allowanceUsed: 0,
    // Time comes from the event, never the wall clock: a replay rates identically.
    ratedAtMs: cdr.startMs,
    explanation,
  };
}
