// sha256 of a text, hex: the content hash used in cache keys and data fingerprints.
import { createHash } from 'node:crypto';

export function sha256(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}
