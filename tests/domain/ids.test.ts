import { describe, expect, it } from 'vitest';
import {
	isUuid,
	newChannelId,
	newContactId,
	newDeviceId,
	newGroupId,
	newUserId,
	newWorkspaceId,
	parseChannelId,
	parseContactId,
	parseDeviceId,
	parseGroupId,
	parseUserId,
	parseWorkspaceId,
	uuidv7
} from '../../src/lib/domain';

const UUID_V7 = /^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

/** The 48-bit millisecond timestamp at the front of a UUIDv7. */
const timeOf = (id: string) => parseInt(id.replace(/-/g, '').slice(0, 12), 16);

describe('uuidv7', () => {
	it('has the canonical lower-case form with version 7 and the RFC 4122 variant', () => {
		for (let i = 0; i < 200; i++) expect(uuidv7()).toMatch(UUID_V7);
	});

	it.each([
		[0, '00000000-0000'],
		[1, '00000000-0001'],
		[1_700_000_000_000, '018bcfe5-6800'],
		[2 ** 48 - 1, 'ffffffff-ffff']
	])('encodes the time %i in the first 48 bits', (now, prefix) => {
		const id = uuidv7(now);
		expect(id.startsWith(prefix)).toBe(true);
		expect(id).toMatch(UUID_V7);
		expect(timeOf(id)).toBe(now);
	});

	it('sorts later ids after earlier ones (by string, as IndexedDB does)', () => {
		const times = [1_000, 1_001, 1_256, 65_536, 1_700_000_000_000, 1_700_000_000_001, 1_800_000_000_000];
		const ids = times.map((t) => uuidv7(t));
		expect([...ids].sort()).toEqual(ids);
	});

	it('is unique within one millisecond', () => {
		const ids = new Set(Array.from({ length: 1000 }, () => uuidv7(1_700_000_000_000)));
		expect(ids.size).toBe(1000);
	});

	it.each([
		['newContactId', newContactId],
		['newChannelId', newChannelId],
		['newGroupId', newGroupId],
		['newDeviceId', newDeviceId],
		['newUserId', newUserId],
		['newWorkspaceId', newWorkspaceId]
	])('%s makes a UUIDv7 of now', (_, make) => {
		const before = Date.now();
		const id = make();
		const after = Date.now();
		expect(id).toMatch(UUID_V7);
		expect(timeOf(id)).toBeGreaterThanOrEqual(before);
		expect(timeOf(id)).toBeLessThanOrEqual(after);
	});
});

describe('isUuid and parse functions', () => {
	const parsers = [
		parseContactId,
		parseChannelId,
		parseGroupId,
		parseDeviceId,
		parseUserId,
		parseWorkspaceId
	];

	it.each([
		['0190a3c2-7b1e-7c3d-8e4f-0123456789ab'],
		// any canonical UUID is accepted, not only v7
		['123e4567-e89b-42d3-a456-426614174000'],
		['00000000-0000-0000-0000-000000000000']
	])('accepts %s', (value) => {
		expect(isUuid(value)).toBe(true);
		for (const parse of parsers) expect(parse(value)).toBe(value);
	});

	it.each([
		['upper case', '0190A3C2-7B1E-7C3D-8E4F-0123456789AB'],
		['no dashes', '0190a3c27b1e7c3d8e4f0123456789ab'],
		['braces', '{0190a3c2-7b1e-7c3d-8e4f-0123456789ab}'],
		['too short', '0190a3c2-7b1e-7c3d-8e4f-0123456789a'],
		['too long', '0190a3c2-7b1e-7c3d-8e4f-0123456789abc'],
		['not hex', '0190a3c2-7b1e-7c3d-8e4f-0123456789ag'],
		['surrounding space', ' 0190a3c2-7b1e-7c3d-8e4f-0123456789ab'],
		['trailing newline', '0190a3c2-7b1e-7c3d-8e4f-0123456789ab\n'],
		['empty', ''],
		['number', 42],
		['null', null],
		['undefined', undefined],
		['object', { id: '0190a3c2-7b1e-7c3d-8e4f-0123456789ab' }]
	])('refuses %s', (_, value) => {
		expect(isUuid(value)).toBe(false);
		for (const parse of parsers) expect(parse(value)).toBeNull();
	});
});

describe('uuidv7 order within one millisecond', () => {
	it('makes ids that sort in the order they were made, even thousands in the same millisecond', () => {
		// Later than any id made before in this process, so the counter starts afresh.
		const ms = Date.now() + 60_000;
		const ids = Array.from({ length: 5000 }, () => uuidv7(ms));
		expect([...ids].sort()).toEqual(ids);
		expect(new Set(ids).size).toBe(ids.length);
		// Ids beyond the 12-bit counter borrow the next millisecond, never a later one.
		const msOf = (id: string) => parseInt(id.slice(0, 8) + id.slice(9, 13), 16);
		expect(new Set(ids.map(msOf))).toEqual(new Set([ms, ms + 1]));
		expect(msOf(ids[0] as string)).toBe(ms);
		expect(
			ids.every((id) => /^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/.test(id))
		).toBe(true);
	});
});
