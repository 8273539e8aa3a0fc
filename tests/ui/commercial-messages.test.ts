import { afterEach, describe, expect, it } from 'vitest';
import { COMMERCIAL_ERRORS } from '../../src/lib/domain';
import { errorText } from '../../src/lib/ui/contact/error-text';
import { UI_LANGUAGES, i18n, isMessageKey, t } from '../../src/lib/ui/i18n/index.svelte';

afterEach(() => i18n.reset());

describe('messages for the customer and supplier tabs', () => {
	it.each(COMMERCIAL_ERRORS)('%s has its own message in every UI language', (code) => {
		expect(isMessageKey(`error.${code}`)).toBe(true);
		for (const lang of UI_LANGUAGES) {
			i18n.lang = lang;
			const text = errorText(code);
			expect(text.trim()).not.toBe('');
			expect(text).not.toBe(t('error.unknown'));
			expect(text).not.toMatch(/\{\w+\}/);
		}
	});
});
