import { de, type MessageKey } from './de';
import { en } from './en';

export type { MessageKey };
export type UiLanguage = 'de' | 'en';
export const UI_LANGUAGES: readonly UiLanguage[] = ['de', 'en'];

const catalogs: Record<UiLanguage, Record<MessageKey, string>> = { de, en };
const STORAGE_KEY = 'kontor.uiLanguage';

function initialLanguage(): UiLanguage {
	try {
		const stored = globalThis.localStorage?.getItem(STORAGE_KEY);
		if (stored === 'de' || stored === 'en') return stored;
	} catch {
		// Storage can be blocked; German is the default.
	}
	return 'de';
}

class I18n {
	#lang = $state<UiLanguage>(initialLanguage());

	get lang(): UiLanguage {
		return this.#lang;
	}

	set lang(value: UiLanguage) {
		this.#lang = value;
		try {
			globalThis.localStorage?.setItem(STORAGE_KEY, value);
		} catch {
			// Not persisted; the choice still holds for this tab.
		}
		if (typeof document !== 'undefined') document.documentElement.lang = value;
	}

	reset(): void {
		this.#lang = 'de';
	}
}

/** The UI language; reading it inside a component or `$derived` makes texts follow a switch. */
export const i18n = new I18n();

/** The text for `key` in the current UI language, with `{name}` placeholders filled from `params`. */
export function t(key: MessageKey, params?: Record<string, string | number>): string {
	const text = catalogs[i18n.lang][key];
	if (!params) return text;
	return text.replace(/\{(\w+)\}/g, (m, name: string) => (name in params ? String(params[name]) : m));
}

/** True when `key` is a text of the catalog (e.g. a label key built from a field name). */
export function isMessageKey(key: string): key is MessageKey {
	return Object.hasOwn(de, key);
}

/** Display name of a country code in the UI language ("DE" -> "Deutschland"). */
export function countryName(code: string): string {
	try {
		return new Intl.DisplayNames([i18n.lang], { type: 'region' }).of(code) ?? code;
	} catch {
		return code;
	}
}
