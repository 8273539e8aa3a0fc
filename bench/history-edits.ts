/**
 * The history benchmark's data: one realistic company from the generator (the one with the most
 * channels) and a deterministic script of the varied edits a team makes to it over the years: the
 * address and notes change, phone numbers and e-mail addresses are corrected, added and removed,
 * groups come and go. Every edit the script gives changes something, so each one is recorded.
 */
import { generateKeyBetween } from 'fractional-indexing';
import type { ContactEdit } from '../src/lib/domain/edits';
import { newChannelId, type GroupId } from '../src/lib/domain/ids';
import type { Channel, ChannelKind, ContactGroup } from '../src/lib/domain/types';
import { Dice } from './dice';
import { generateBook, type GeneratedContact } from './generate';
import { CITIES, NOTES, STREETS } from './german-data';

/** The contact the benchmark edits, the workspace's groups, and channel values to write. */
export interface HistoryFixture {
	contact: GeneratedContact;
	groups: readonly ContactGroup[];
	/** Channels of the other generated contacts, by kind: valid values that adds and updates write. */
	pool: ReadonlyMap<ChannelKind, readonly Channel[]>;
}

/** Enough generated contacts for a varied pool of channel values. */
const BOOK_SIZE = 300;
const MAX_CHANNELS = 6;
const MIN_CHANNELS = 2;
const LABELS = ['Zentrale', 'Vertrieb', 'Buchhaltung', 'Einkauf', 'Service', 'Notdienst', 'Lager'];

export function historyFixture(seed: number): HistoryFixture {
	const book = generateBook(BOOK_SIZE, seed);
	const [contact] = [...book.companies].sort((a, b) => b.channels.length - a.channels.length);
	if (!contact) throw new Error('The generator made no company');
	const pool = new Map<ChannelKind, Channel[]>();
	for (const other of [...book.companies, ...book.persons]) {
		if (other === contact) continue;
		for (const channel of other.channels)
			pool.set(channel.kind, [...(pool.get(channel.kind) ?? []), channel]);
	}
	return { contact, groups: book.groups, pool };
}

/** What kind of change an edit is; the report breaks figures down by it. */
export type EditKind =
	| 'street'
	| 'move'
	| 'notes'
	| 'updateChannel'
	| 'relabelChannel'
	| 'addChannel'
	| 'removeChannel'
	| 'addGroup'
	| 'removeGroup';

/** How often each kind comes up (weights). */
const WEIGHTS: readonly (readonly [EditKind, number])[] = [
	['street', 10],
	['move', 10],
	['notes', 15],
	['updateChannel', 15],
	['relabelChannel', 8],
	['addChannel', 12],
	['removeChannel', 10],
	['addGroup', 10],
	['removeGroup', 10]
];
const TOTAL_WEIGHT = WEIGHTS.reduce((sum, [, w]) => sum + w, 0);

/** One scripted edit: what the user changed, as the UI would send it. */
export interface ScriptedEdit {
	kind: EditKind;
	edits: ContactEdit[];
}

/**
 * Yields edits that are valid for the contact as the previous ones left it (the script keeps its
 * own model of the channels, groups and values). The same seed gives the same edits, but for the
 * random ids of added channels.
 */
export class EditScript {
	readonly #d: Dice;
	readonly #fixture: HistoryFixture;
	readonly #channels: Channel[];
	readonly #groups: Set<GroupId>;
	#street: string;
	#city: string;
	#notes: string;
	#count = 0;

	constructor(fixture: HistoryFixture, seed: number) {
		this.#d = new Dice(seed);
		this.#fixture = fixture;
		this.#channels = fixture.contact.channels.map((c) => ({ ...c }));
		this.#groups = new Set(fixture.contact.groups);
		this.#street = fixture.contact.fields.street ?? '';
		this.#city = fixture.contact.fields.city ?? '';
		this.#notes = fixture.contact.fields.notes ?? '';
	}

	next(): ScriptedEdit {
		this.#count += 1;
		const kind = this.#possible(this.#roll());
		return { kind, edits: this.#edit(kind) };
	}

	#roll(): EditKind {
		let target = this.#d.int(0, TOTAL_WEIGHT - 1);
		for (const [kind, weight] of WEIGHTS) {
			if (target < weight) return kind;
			target -= weight;
		}
		return 'notes';
	}

	/** The rolled kind, or one that can be done when it cannot (no channel left to remove ...). */
	#possible(kind: EditKind): EditKind {
		const channels = this.#channels.length;
		const groups = this.#groups.size;
		if (kind === 'addChannel' && channels >= MAX_CHANNELS) return 'updateChannel';
		if (kind === 'removeChannel' && channels <= MIN_CHANNELS) return 'addChannel';
		if (kind === 'addGroup' && groups === this.#fixture.groups.length) return 'removeGroup';
		if (kind === 'removeGroup' && groups === 0) return 'addGroup';
		return kind;
	}

	#edit(kind: EditKind): ContactEdit[] {
		const d = this.#d;
		switch (kind) {
			case 'street': {
				const street = this.#differs(this.#street, () => `${d.pick(STREETS)} ${d.int(1, 150)}`);
				this.#street = street;
				return [{ type: 'set', field: 'street', value: street }];
			}
			case 'move': {
				const city = this.#differs(this.#city, () => d.skewed(CITIES, 2).name, true);
				const info = CITIES.find((c) => c.name === city) ?? d.pick(CITIES);
				this.#city = city;
				this.#street = `${d.pick(STREETS)} ${d.int(1, 150)}`;
				const zip = String(d.int(info.zipFrom, info.zipTo)).padStart(5, '0');
				return [
					{ type: 'set', field: 'street', value: this.#street },
					{ type: 'set', field: 'zip', value: zip },
					{ type: 'set', field: 'city', value: city }
				];
			}
			case 'notes': {
				// The notes keep their last two lines and get a new, numbered one.
				const kept = this.#notes.split('\n').filter(Boolean).slice(-2);
				this.#notes = [...kept, `${this.#count}: ${d.pick(NOTES)}`].join('\n');
				return [{ type: 'set', field: 'notes', value: this.#notes }];
			}
			case 'updateChannel': {
				const channel = d.pick(this.#channels);
				const value = this.#poolValue(channel.kind, channel.normalized);
				Object.assign(channel, { value: value.value, normalized: value.normalized });
				return [{ type: 'updateChannel', id: channel.id, patch: { value: value.value } }];
			}
			case 'relabelChannel': {
				const channel = d.pick(this.#channels);
				channel.label = this.#differs(channel.label, () => d.pick(LABELS));
				return [{ type: 'updateChannel', id: channel.id, patch: { label: channel.label } }];
			}
			case 'addChannel': {
				const kinds = [...this.#fixture.pool.keys()];
				const kindOf = d.pick(kinds);
				const value = this.#poolValue(kindOf, '');
				const last = this.#channels.reduce<string | null>(
					(o, c) => (o === null || c.order > o ? c.order : o),
					null
				);
				const channel: Channel = {
					...value,
					id: newChannelId(),
					label: d.pick(LABELS),
					purpose: null,
					order: generateKeyBetween(last, null)
				};
				this.#channels.push(channel);
				return [{ type: 'addChannel', channel }];
			}
			case 'removeChannel': {
				const index = d.int(0, this.#channels.length - 1);
				const [channel] = this.#channels.splice(index, 1);
				return channel ? [{ type: 'removeChannel', id: channel.id }] : [];
			}
			case 'addGroup': {
				const id = d.pick(this.#fixture.groups.filter((g) => !this.#groups.has(g.id))).id;
				this.#groups.add(id);
				return [{ type: 'addGroup', id }];
			}
			case 'removeGroup': {
				const id = d.pick([...this.#groups]);
				this.#groups.delete(id);
				return [{ type: 'removeGroup', id }];
			}
		}
	}

	/** A value from `make()` that differs from `current` (and, with `often`, tries harder). */
	#differs(current: string, make: () => string, often = false): string {
		for (let i = 0; i < (often ? 50 : 10); i++) {
			const value = make();
			if (value !== current) return value;
		}
		return `${current} (${this.#count})`;
	}

	/** A pooled value of `kind` that differs from `current` and from the contact's other channels. */
	#poolValue(kind: ChannelKind, current: string): Pick<Channel, 'kind' | 'value' | 'normalized'> {
		const pool = this.#fixture.pool.get(kind) ?? [];
		for (let i = 0; i < 50; i++) {
			const c = this.#d.pick(pool);
			if (c.normalized !== current && !this.#channels.some((o) => o.normalized === c.normalized))
				return { kind, value: c.value, normalized: c.normalized };
		}
		throw new Error(`No unused ${kind} value in the pool`);
	}
}
