// Phone numbers and email addresses, via recognizers-text-sequence. Gaps covered: the phone
// model misses a bracketed area code ("(555) 123-4567") and dotted groups ("555.123.4567");
// the email model returns the address lower-cased with a sentence's final full stop on it.
import { findEmails, findPhones } from './models.js';

export interface ContactHit {
  value: string;
  start: number;
  end: number;
}

const TRAILING_PUNCTUATION = /[.,;:!?)\]>'"]+$/;

/** Only when the recognizer finds nothing: bracketed area codes and dotted groups. */
const PHONE_FALLBACK = /(?<![\d+])(?:\+\d{1,3}[\s.-]?)?(?:\(\d{2,5}\)[\s.-]?\d{3,4}[\s.-]?\d{3,4}|\d{3}\.\d{3}\.\d{4})(?![\d])/g;

export function findPhoneHits(text: string): ContactHit[] {
  if (!/\d/.test(text)) return [];
  const hits = findPhones(text).map((hit) => ({ value: hit.text.trim(), start: hit.start, end: hit.end + 1 }));
  if (hits.length > 0) return hits;
  return [...text.matchAll(PHONE_FALLBACK)].map((m) => ({ value: m[0], start: m.index, end: m.index + m[0].length }));
}

export function findEmailHits(text: string): ContactHit[] {
  if (!text.includes('@')) return [];
  return findEmails(text).map((hit) => {
    // The recognizer lower-cases; take the address as the person wrote it.
    const written = text.slice(hit.start, hit.end + 1).replace(TRAILING_PUNCTUATION, '');
    return { value: written, start: hit.start, end: hit.start + written.length };
  });
}

export function recognizePhone(text: string): string | undefined {
  return findPhoneHits(text)[0]?.value;
}

export function recognizeEmail(text: string): string | undefined {
  return findEmailHits(text)[0]?.value;
}
