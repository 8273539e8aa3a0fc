import { describe, expect, it } from 'vitest';
import { CONTACT_LANGUAGES, missingSalutationLines, salutationTemplatesFor } from '../../src/lib/domain';

describe('missingSalutationLines', () => {
	it.each(CONTACT_LANGUAGES)('lacks nothing for the built-in language %s', (language) => {
		expect(missingSalutationLines(language)).toEqual([]);
	});

	it('lacks every required line for a language nobody has written yet, never the titled ones', () => {
		expect(missingSalutationLines('sv')).toEqual([
			'formalMr',
			'formalMs',
			'formalNeutral',
			'formalUnknown',
			'personalMr',
			'personalMs',
			'personalNeutral'
		]);
	});

	it('counts the workspace lines and agrees with salutationTemplatesFor on when a language counts', () => {
		const partial = { templates: { sv: { formalMr: 'Bäste herr {lastName},', formalMs: '  ' } } };
		expect(missingSalutationLines('sv', partial)).not.toContain('formalMr');
		expect(missingSalutationLines('sv', partial)).toContain('formalMs');
		expect(salutationTemplatesFor('sv', partial).language).toBe('de');

		const complete = {
			templates: {
				sv: {
					formalMr: 'Bäste herr {lastName},',
					formalMs: 'Bästa fru {lastName},',
					formalNeutral: 'Hej {firstName} {lastName},',
					formalUnknown: 'Till berörd person,',
					personalMr: 'Hej {firstName},',
					personalMs: 'Hej {firstName},',
					personalNeutral: 'Hej {firstName},'
				}
			}
		};
		expect(missingSalutationLines('sv', complete)).toEqual([]);
		expect(salutationTemplatesFor('sv', complete).language).toBe('sv');
	});

	it('reports a built-in line the workspace blanked', () => {
		expect(missingSalutationLines('fr', { templates: { fr: { formalUnknown: '' } } })).toEqual([
			'formalUnknown'
		]);
	});
});
