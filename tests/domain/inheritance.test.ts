import { describe, expect, it } from 'vitest';
import {
	effectiveValues,
	pickAddress,
	type Address,
	type ContactId,
	type GroupId,
	type InheritanceSource,
	type InheritingContact
} from '../../src/lib/domain';

const PARENT_ID = '0190a000-0000-7000-8000-000000000001' as ContactId;
const OTHER_ID = '0190a000-0000-7000-8000-000000000002' as ContactId;
const g = (name: string) => name as GroupId;

const parentAddress: Address = {
	companyName: 'Müller Maschinenbau GmbH',
	street: 'Industriestraße 5',
	zip: '80331',
	city: 'München',
	country: 'DE'
};
const ownAddress: Address = {
	companyName: '',
	street: 'Gartenweg 2',
	zip: '10115',
	city: 'Berlin',
	country: 'DE'
};

const parent: InheritanceSource = {
	id: PARENT_ID,
	displayName: 'Müller Maschinenbau GmbH',
	address: parentAddress,
	groups: [g('kunden'), g('sued')]
};

function child(overrides: Partial<InheritingContact> = {}): InheritingContact {
	return {
		parentId: PARENT_ID,
		inheritAddress: false,
		inheritGroups: false,
		address: ownAddress,
		groups: [g('privat')],
		...overrides
	};
}

describe('effectiveValues', () => {
	it.each([
		// [case, contact, parent, address, groups, address from parent, groups from parent]
		[
			'inherits both',
			child({ inheritAddress: true, inheritGroups: true }),
			parent,
			parentAddress,
			['kunden', 'sued'],
			true,
			true
		],
		[
			'inherits the address only',
			child({ inheritAddress: true }),
			parent,
			parentAddress,
			['privat'],
			true,
			false
		],
		[
			'inherits the groups only',
			child({ inheritGroups: true }),
			parent,
			ownAddress,
			['kunden', 'sued'],
			false,
			true
		],
		['inherits nothing', child(), parent, ownAddress, ['privat'], false, false],
		[
			'parent not loaded: own values',
			child({ inheritAddress: true, inheritGroups: true }),
			null,
			ownAddress,
			['privat'],
			false,
			false
		],
		[
			'a source that is not its parent: own values',
			child({ inheritAddress: true, inheritGroups: true, parentId: OTHER_ID }),
			parent,
			ownAddress,
			['privat'],
			false,
			false
		],
		[
			'no parent at all: own values',
			child({ inheritAddress: true, inheritGroups: true, parentId: null }),
			parent,
			ownAddress,
			['privat'],
			false,
			false
		]
	])('%s', (_, contact, source, address, groups, addressFromParent, groupsFromParent) => {
		const eff = effectiveValues(contact, source);
		expect(eff.address).toEqual(address);
		expect(eff.groups).toEqual(groups);
		expect(eff.addressFrom).toBe(addressFromParent ? source : null);
		expect(eff.groupsFrom).toBe(groupsFromParent ? source : null);
	});

	it('inherits an empty group list as it is (no fallback to own groups)', () => {
		const eff = effectiveValues(child({ inheritGroups: true }), { ...parent, groups: [] });
		expect(eff.groups).toEqual([]);
	});

	it('inherits empty address fields too', () => {
		const bare = { ...parent, address: { ...parentAddress, street: '', zip: '' } };
		const eff = effectiveValues(child({ inheritAddress: true }), bare);
		expect(eff.address).toEqual({ ...parentAddress, street: '', zip: '' });
	});

	it('returns copies, never the inputs', () => {
		const contact = child({ inheritGroups: true });
		const eff = effectiveValues(contact, parent);
		eff.groups.push(g('neu'));
		eff.address.city = 'Hamburg';
		expect(parent.groups).toEqual(['kunden', 'sued']);
		const own = effectiveValues(child(), parent);
		own.address.city = 'Hamburg';
		own.groups.push(g('neu'));
		expect(ownAddress.city).toBe('Berlin');
		expect(child().groups).toEqual(['privat']);
	});

	it('takes only address fields from a wider object', () => {
		const wide = { ...ownAddress, firstName: 'Anna', notes: 'geheim' };
		const eff = effectiveValues(child({ address: wide }), null);
		expect(eff.address).toEqual(ownAddress);
		expect(Object.keys(eff.address).sort()).toEqual(['city', 'companyName', 'country', 'street', 'zip']);
	});
});

describe('pickAddress', () => {
	it('copies exactly the address fields', () => {
		const source = { ...parentAddress, firstName: 'x', id: 'y' };
		const picked = pickAddress(source);
		expect(picked).toEqual(parentAddress);
		expect(picked).not.toBe(source);
	});
});
