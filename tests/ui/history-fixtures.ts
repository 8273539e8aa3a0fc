/**
 * Hand-made history entries for the history UI tests: plain objects as the store returns them,
 * with state vectors encoded the way Yjs encodes them, so causality (who saw whom) is explicit.
 */
import * as Y from 'yjs';
import type { Channel, ContactGroup } from '../../src/lib/domain';
import type { FieldChange, HistoryEntry } from '../../src/lib/store';
import {
	makeChannel,
	makeContact,
	mulberry32,
	seededChannelId,
	seededContactId,
	seededGroupId
} from '../factories';

/** A state vector as `Y.encodeStateVector` writes it: client -> clock. */
export function stateVector(clocks: Record<number, number>): Uint8Array {
	return Y.encodeStateVector(
		new Map(Object.entries(clocks).map(([client, clock]) => [Number(client), clock]))
	);
}

const rng = mulberry32(20261128);
export const CONTACT_ID = seededContactId(rng);
export const PARENT_ID = seededContactId(rng);
export const THIS_DEVICE = '0192aaaa-0000-7000-8000-00000000d001';
export const OTHER_DEVICE = '0192aaaa-0000-7000-8000-0000004c2b9e';
export const PHONE_ID = seededChannelId(rng);
export const EMAIL_ID = seededChannelId(rng);
export const DEALERS = seededGroupId(rng);
export const GROUPS: ContactGroup[] = [{ id: DEALERS, name: 'Händler', color: '#1f4e79' }];

/** 28 Nov 2026, 10:00 in Berlin (09:00 UTC) plus `minutes`. */
export const at = (minutes: number): number => Date.UTC(2026, 10, 28, 9, minutes);

export const PHONE: Channel = makeChannel({
	id: PHONE_ID,
	kind: 'phone',
	value: '030 7654321',
	normalized: '+49307654321',
	label: 'Zentrale',
	order: 'a0'
});

/** The company as it is after the edits of `linearHistory`. */
export const COMPANY = makeContact({
	id: CONTACT_ID,
	kind: 'company',
	companyName: 'Mustermann GmbH',
	city: 'Bonn',
	channels: [PHONE],
	groups: [DEALERS]
});

let counter = 0;

/** An entry made by `client` after it had seen `seen`, ending at `clockEnd`. */
export function entry(
	changes: FieldChange[],
	options: {
		time: number;
		client?: number;
		clockEnd: number;
		seen?: Record<number, number>;
		author?: string;
		device?: string;
	}
): HistoryEntry {
	counter += 1;
	const client = options.client ?? 1;
	return {
		id: `0192aaaa-${String(counter).padStart(4, '0')}-7000-8000-000000000000`,
		docId: CONTACT_ID,
		time: options.time,
		author: { id: '', name: options.author ?? 'Erika Muster' },
		device: options.device ?? THIS_DEVICE,
		changes,
		svBefore: stateVector(options.seen ?? { [client]: options.clockEnd - 1 }),
		client,
		clockEnd: options.clockEnd
	};
}

const phoneEntry = {
	kind: 'phone',
	value: '030 1234567',
	normalized: '+49301234567',
	label: 'Zentrale',
	purpose: null,
	order: 'a0'
};
const emailEntry = {
	kind: 'email',
	value: 'buchhaltung@firma.de',
	normalized: 'buchhaltung@firma.de',
	label: '',
	purpose: null,
	order: 'a1'
};

/** Creation, then one edit after another on this device: newest first, as the store returns them. */
export function linearHistory(): HistoryEntry[] {
	return [
		entry([{ path: ['groups', DEALERS], to: true }], { time: at(50), clockEnd: 60 }),
		entry([{ path: ['channels', EMAIL_ID], from: emailEntry }], { time: at(40), clockEnd: 50 }),
		entry([{ path: ['channels', EMAIL_ID], to: emailEntry }], { time: at(30), clockEnd: 40 }),
		entry(
			[
				{ path: ['channels', PHONE_ID, 'normalized'], from: '+49301234567', to: '+49307654321' },
				{ path: ['channels', PHONE_ID, 'value'], from: '030 1234567', to: '030 7654321' }
			],
			{ time: at(20), clockEnd: 30, author: 'Max Mustermann', device: OTHER_DEVICE }
		),
		entry([{ path: ['channels', PHONE_ID], to: phoneEntry }], { time: at(10), clockEnd: 20 }),
		entry([{ path: ['fields', 'city'], from: 'Köln', to: 'Bonn' }], { time: at(5), clockEnd: 10 }),
		entry(
			[
				{ path: ['fields', 'city'], to: 'Köln' },
				{ path: ['fields', 'companyName'], to: 'Mustermann GmbH' },
				{ path: ['fields', 'country'], to: 'DE' },
				{ path: ['fields', 'inheritAddress'], to: false },
				{ path: ['fields', 'kind'], to: 'company' },
				{ path: ['fields', 'notes'], to: '' }
			],
			{ time: at(0), clockEnd: 5 }
		)
	];
}
