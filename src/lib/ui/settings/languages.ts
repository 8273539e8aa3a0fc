import {
	CONTACT_LANGUAGES,
	isContactLanguage,
	missingSalutationLines,
	type WorkspaceConfig
} from '$lib/domain';
import { i18n, t } from '../i18n/index.svelte';

/**
 * The name of a correspondence language in the UI language: the built-in ones from the catalog,
 * others (added by the workspace) from the browser's language names, with their code.
 */
export function languageName(code: string): string {
	if (isContactLanguage(code)) return t(`language.${code}`);
	try {
		const name = new Intl.DisplayNames([i18n.lang], { type: 'language', fallback: 'none' }).of(code);
		if (name && name !== code) return `${name} (${code})`;
	} catch {
		// An unknown code: the code itself is the name.
	}
	return code;
}

/**
 * The languages the workspace writes in: the built-in ones first, then, sorted, the ones it added
 * salutation lines or texts for and `extra` ones (added in the UI, not saved yet).
 */
export function workspaceLanguages(config: WorkspaceConfig, extra: readonly string[] = []): string[] {
	const known: readonly string[] = CONTACT_LANGUAGES;
	const added = new Set<string>(extra);
	for (const language of Object.keys(config.salutations.templates ?? {})) added.add(language);
	for (const block of Object.values(config.textBlocks)) {
		for (const language of Object.keys(block)) added.add(language);
	}
	return [...known, ...[...added].filter((l) => !known.includes(l)).sort()];
}

/** True when every required salutation line of the language is there, so the language counts. */
export function languageCounts(config: WorkspaceConfig, language: string): boolean {
	return missingSalutationLines(language, config.salutations).length === 0;
}
