import { Finding, scan } from './findings';

/** Luhn check digit test for card numbers; separators must be removed first. */
export function luhnValid(digits: string): boolean {
  if (!/^\d{12,19}$/.test(digits)) return false;
  let sum = 0;
  for (let i = 0; i < digits.length; i++) {
    let digit = digits.charCodeAt(digits.length - 1 - i) - 48;
    if (i % 2 === 1) {
      digit *= 2;
      if (digit > 9) digit -= 9;
    }
    sum += digit;
  }
  return sum % 10 === 0;
}

/** IBAN length per country (ISO 13616 registry), for the countries most often seen. */
const IBAN_LENGTHS: Record<string, number> = {
  AT: 20, BE: 16, CH: 21, CZ: 24, DE: 22, DK: 18, ES: 24, FI: 18, FR: 27, GB: 22, IE: 22, IT: 27,
  LU: 20, NL: 18, NO: 15, PL: 28, PT: 25, SE: 24,
};

/** ISO 7064 mod-97 check of an IBAN, with the country's length where the table has it. */
export function ibanValid(candidate: string): boolean {
  const iban = candidate.replace(/\s+/g, '').toUpperCase();
  if (!/^[A-Z]{2}\d{2}[A-Z0-9]{11,30}$/.test(iban)) return false;
  const expectedLength = IBAN_LENGTHS[iban.slice(0, 2)];
  if (expectedLength !== undefined && iban.length !== expectedLength) return false;
  const rearranged = iban.slice(4) + iban.slice(0, 4);
  let remainder = 0;
  for (const char of rearranged) {
    const value = char >= 'A' ? String(char.charCodeAt(0) - 55) : char;
    for (const digit of value) remainder = (remainder * 10 + Number(digit)) % 97;
  }
  return remainder === 1;
}

/** US Social Security numbers, without the area numbers the SSA never issues (000, 666, 900-999). */
function ssnValid(value: string): boolean {
  const [area, group, serial] = value.split('-');
  return area !== '000' && area !== '666' && area[0] !== '9' && group !== '00' && serial !== '0000';
}

const EMAIL = /[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}/g;
// International (+ and 8 to 15 digits) or North American (3-3-4) numbers, with common separators.
const PHONE = /(?:\+\d{1,3}[ .-]?(?:\(?\d{1,4}\)?[ .-]?){2,4}\d{2,4})|(?:\(?\b\d{3}\)?[ .-]\d{3}[ .-]\d{4}\b)/g;
const CARD = /\b(?:\d[ -]?){12,18}\d\b/g;
const IBAN = /\b[A-Z]{2}\d{2}(?: ?[A-Z0-9]){11,30}\b/g;
const US_SSN = /\b\d{3}-\d{2}-\d{4}\b/g;
// UK National Insurance number: two letters (not D, F, I, Q, U, V), six digits, suffix A to D.
const UK_NINO = /\b[A-CEGHJ-PR-TW-Z]{2} ?\d{2} ?\d{2} ?\d{2} ?[A-D]\b/g;

/**
 * Finds PII in text: emails, phone numbers, card numbers that pass Luhn,
 * IBANs that pass mod-97, US SSNs and UK NI numbers. A digit run claimed by
 * a card or IBAN is not also reported as a phone number.
 */
export function findPii(text: string): Finding[] {
  if (text.length === 0) return [];
  const strong = [
    ...scan(text, 'email', EMAIL),
    // A digit run right after an IBAN's country and check digits is the IBAN's account part, not a card.
    ...scan(text, 'card_number', CARD, (m) => luhnValid(m.replace(/[ -]/g, ''))).filter(
      (card) => !/[A-Z]{2}\d{2} ?$/.test(text.slice(Math.max(0, card.start - 5), card.start)),
    ),
    ...scan(text, 'iban', IBAN, ibanValid),
    ...scan(text, 'national_id', US_SSN, ssnValid),
    ...scan(text, 'national_id', UK_NINO),
  ];
  const phones = scan(text, 'phone', PHONE, (m) => m.replace(/\D/g, '').length >= 10).filter(
    (phone) => !strong.some((f) => phone.start < f.end && f.start < phone.end),
  );
  return [...strong, ...phones];
}
