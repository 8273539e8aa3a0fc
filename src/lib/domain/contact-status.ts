import { isIsoDate, type AdvertisingConsent, type TradeEmbargo } from './commercial';
import { MAX_FIELD_LENGTH } from './validation';
import type { ListEntry } from './workspace-config';

/**
 * Why a trade embargo, an advertising consent or a status tag was not saved. One list that the
 * type and the UI's messages derive from; each code has a message in every UI language.
 */
export const STATUS_ERRORS = ['dateInvalid', 'dateFuture', 'tagInvalid', 'birthdayNotPerson'] as const;
export type StatusError = (typeof STATUS_ERRORS)[number];

/** The part of an embargo or a consent an error is about, as a path the form can show it at. */
export type StatusField =
	'birthday' | 'embargo.reason' | 'embargo.since' | 'advertisingConsent.date' | 'advertisingConsent.source';

/** The result of checking an embargo or a consent: the normalised value, or where it is wrong and why. */
export type CheckedStatus<T> =
	{ ok: true; value: T } | { ok: false; field: StatusField; error: StatusError | 'required' | 'tooLong' };

/** Checks a text part: required, trimmed, at most one field long. */
function checkText(
	value: unknown
): { ok: true; value: string } | { ok: false; error: 'required' | 'tooLong' } {
	if (typeof value !== 'string' || value.trim() === '') return { ok: false, error: 'required' };
	const text = value.trim();
	return text.length > MAX_FIELD_LENGTH ? { ok: false, error: 'tooLong' } : { ok: true, value: text };
}

/** Checks a date part: a real `YYYY-MM-DD` date, not after `today` (when given, also `YYYY-MM-DD`). */
function checkDate(
	value: unknown,
	today?: string
): { ok: true; value: string } | { ok: false; error: StatusError | 'required' } {
	if (typeof value !== 'string' || value.trim() === '') return { ok: false, error: 'required' };
	const date = value.trim();
	if (!isIsoDate(date)) return { ok: false, error: 'dateInvalid' };
	// ISO dates compare as text.
	if (today !== undefined && date > today) return { ok: false, error: 'dateFuture' };
	return { ok: true, value: date };
}

/**
 * Checks a Handelssperre: a reason and the date it holds since are both needed (an embargo nobody
 * can explain cannot be lifted either), the date not in the future. The reason is checked first.
 */
export function validateEmbargo(input: TradeEmbargo, today?: string): CheckedStatus<TradeEmbargo> {
	const reason = checkText(input.reason);
	if (!reason.ok) return { ok: false, field: 'embargo.reason', error: reason.error };
	const since = checkDate(input.since, today);
	if (!since.ok) return { ok: false, field: 'embargo.since', error: since.error };
	return { ok: true, value: { reason: reason.value, since: since.value } };
}

/**
 * Checks a recorded advertising consent: the date it was given (not in the future) and how (the
 * source). Without both it is no proof of consent, so neither is saved alone. The date is checked first.
 */
export function validateAdvertisingConsent(
	input: AdvertisingConsent,
	today?: string
): CheckedStatus<AdvertisingConsent> {
	const date = checkDate(input.date, today);
	if (!date.ok) return { ok: false, field: 'advertisingConsent.date', error: date.error };
	const source = checkText(input.source);
	if (!source.ok) return { ok: false, field: 'advertisingConsent.source', error: source.error };
	return { ok: true, value: { date: date.value, source: source.value } };
}

/**
 * True for a value that can be the id of a workspace list entry (status tag): a non-empty string of
 * reasonable length. Whether the workspace still has the tag is not checked: tags removed from the
 * list stay on contacts harmlessly (they are shown nowhere) and come back if the entry is restored.
 */
export function isTagId(value: unknown): value is string {
	return typeof value === 'string' && value !== '' && value.length <= 100;
}

/**
 * The status tags of a contact as the workspace lists them (name, colour), in list order; ids the
 * list no longer has are left out.
 */
export function resolveStatusTags(ids: readonly string[], list: readonly ListEntry[]): ListEntry[] {
	if (ids.length === 0) return [];
	const own = new Set(ids);
	return list.filter((entry) => own.has(entry.id));
}
