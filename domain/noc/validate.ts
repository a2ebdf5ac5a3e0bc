import { compile } from '../events/index.ts';
import { AdjustmentEvent, Complaint, Detection, Ticket } from './schemas.ts';

/** Compiled once (schemas carry $ids): use these, never compile the NOC schemas again. */
export const nocValidators = {
  ticket: compile(Ticket),
  complaint: compile(Complaint),
  detection: compile(Detection),
  adjustment: compile(AdjustmentEvent),
};
