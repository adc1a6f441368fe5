export { allowedDifferences, existingRowKept, type AllowedDifference, type FieldCheck } from './allowed-differences.ts';
export type { Mismatch } from './mismatch.ts';
export { verifyRelocation, type VerifyRequest, type VerifyResult } from './verify.ts';
