import { describe, expect, it } from 'vitest';
import { groupReferences, newContactId, planDeletion, type ContactReference } from '../../src/lib/domain';

const person = (label: string): ContactReference => {
	const id = newContactId();
	return { kind: 'contactPerson', id, label, href: `/contacts/${id}` };
};
const customer = (label: string): ContactReference => {
	const id = newContactId();
	return { kind: 'invoiceRecipient', id, label, href: `/contacts/${id}` };
};
const invoice: ContactReference = {
	kind: 'businessDocument',
	id: 'RE-2026-0042',
	label: 'Rechnung RE-2026-0042',
	href: '/documents/RE-2026-0042'
};

describe('planDeletion', () => {
	it('allows deleting what nothing refers to', () => {
		expect(planDeletion([])).toEqual({ persons: [], blocking: [], canDelete: true });
	});

	it('leaves contact persons to the delete-too / detach choice: they do not block', () => {
		const weber = person('Jonas Weber');
		const plan = planDeletion([weber]);
		expect(plan.canDelete).toBe(true);
		expect(plan.persons).toEqual([{ id: weber.id, label: 'Jonas Weber' }]);
		expect(plan.blocking).toEqual([]);
	});

	it('is blocked by customers naming the contact as invoice recipient and by business documents', () => {
		const weber = person('Jonas Weber');
		const braun = customer('Bäckerei Braun KG');
		const plan = planDeletion([weber, braun, invoice]);
		expect(plan.canDelete).toBe(false);
		expect(plan.blocking).toEqual([braun, invoice]);
		expect(plan.persons.map((p) => p.label)).toEqual(['Jonas Weber']);
	});
});

describe('groupReferences', () => {
	it('groups by kind in a fixed order and leaves out empty kinds', () => {
		const a = customer('A GmbH');
		const b = customer('B AG');
		expect(groupReferences([invoice, a, b])).toEqual([
			{ kind: 'invoiceRecipient', references: [a, b] },
			{ kind: 'businessDocument', references: [invoice] }
		]);
		expect(groupReferences([])).toEqual([]);
	});
});
