// Case ids: opaque, unguessable, roughly time-ordered. They name a case in URLs and in the audit
// log without saying whose conversation it is, so audit entries outlive "forget me" harmlessly.
import { randomBytes } from 'node:crypto';

export const CASE_ID_PATTERN = /^[0-9a-z]{8,40}$/;

export function newCaseId(now: number = Date.now()): string {
  return `${now.toString(36)}${randomBytes(6).toString('hex')}`;
}
