import type { ListEntry } from '$lib/domain';
import type { EditResult } from '$lib/store';
import { errorText } from '../contact/error-text';
import { i18n, isMessageKey, t } from '../i18n/index.svelte';

/**
 * The label of a Kunde or Lieferant tab value named by a field path ("vatId", "sepa.iban",
 * "discounts.<group>"), for messages about a value other than the one the user changed.
 */
export function fieldLabel(tab: 'customer' | 'supplier', path: string): string {
	if (path.startsWith('discounts.')) return t('customer.discounts');
	const key = `${tab}.${path}`;
	return isMessageKey(key) ? t(key) : path;
}

/**
 * The message for a refused edit of the value at `path`: the store names the value it refused, so
 * a refusal about another value (one that no longer fits after the country changed) says which.
 * Null for a saved edit.
 */
export function refusalText(
	result: EditResult,
	tab: 'customer' | 'supplier',
	path: string,
	country: string
): string | null {
	if (result.ok) return null;
	const message = errorText(result.error, country);
	if (!result.field || result.field === path) return message;
	return t('commercial.refusedAt', { field: fieldLabel(tab, result.field), message });
}

/** The name of a correspondence language in the UI language; languages a workspace added too. */
export function languageName(code: string): string {
	const key = `language.${code}`;
	if (isMessageKey(key)) return t(key);
	try {
		return new Intl.DisplayNames([i18n.lang], { type: 'language' }).of(code) ?? code;
	} catch {
		return code;
	}
}

/** A discount as the UI language writes it ("7,5" in German), '' for none. */
export function formatPercent(value: number | undefined): string {
	if (value === undefined) return '';
	return new Intl.NumberFormat(i18n.lang, { maximumFractionDigits: 2, useGrouping: false }).format(value);
}

/**
 * The options of a terms select: none, the workspace list's entries, and the stored entry when the
 * list no longer has it (so the select shows what is stored instead of silently showing "none").
 */
export function termOptions(
	list: readonly ListEntry[],
	current: string | null
): { value: string; label: string }[] {
	const options = [
		{ value: '', label: t('commercial.noEntry') },
		...list.map((e) => ({ value: e.id, label: e.name }))
	];
	if (current !== null && !list.some((e) => e.id === current))
		options.push({ value: current, label: t('commercial.unknownEntry') });
	return options;
}
