import { describe, expect, it } from 'vitest';
import {
	accessChanges,
	canEdit,
	canManage,
	canRead,
	initialAccess,
	parseAccess,
	permission,
	type AccessInfo,
	type AccessUser
} from '../../src/lib/domain';

const owner: AccessUser = { userId: 'u-owner', role: 'member' };
const admin: AccessUser = { userId: 'u-admin', role: 'admin' };
const anna: AccessUser = { userId: 'u-anna', role: 'member' };
const ben: AccessUser = { userId: 'u-ben', role: 'member' };

const access = (everyone: AccessInfo['everyone'], users: AccessInfo['users'] = {}): AccessInfo => ({
	ownerId: owner.userId,
	everyone,
	users
});

describe('permission', () => {
	it('lets the owner and admins manage, whatever the grants say', () => {
		for (const rights of [access('none'), access('read'), access('edit', { 'u-owner': 'read' })]) {
			expect(permission(owner, rights)).toBe('manage');
			expect(permission(admin, rights)).toBe('manage');
		}
	});

	it('gives other members the higher of their own grant and the grant to everyone', () => {
		expect(permission(anna, access('none'))).toBe('none');
		expect(permission(anna, access('read'))).toBe('read');
		expect(permission(anna, access('edit'))).toBe('edit');
		expect(permission(anna, access('none', { 'u-anna': 'read' }))).toBe('read');
		expect(permission(anna, access('read', { 'u-anna': 'edit' }))).toBe('edit');
		expect(permission(anna, access('edit', { 'u-anna': 'read' }))).toBe('edit');
		expect(permission(ben, access('none', { 'u-anna': 'edit' }))).toBe('none');
	});

	it('answers the three questions the server and the form ask', () => {
		const rights = access('none', { 'u-anna': 'read', 'u-ben': 'edit' });
		expect([canRead(anna, rights), canEdit(anna, rights), canManage(anna, rights)]).toEqual([
			true,
			false,
			false
		]);
		expect([canRead(ben, rights), canEdit(ben, rights), canManage(ben, rights)]).toEqual([true, true, false]);
		expect([canRead(owner, rights), canEdit(owner, rights), canManage(owner, rights)]).toEqual([
			true,
			true,
			true
		]);
		const stranger: AccessUser = { userId: 'u-x', role: 'member' };
		expect([canRead(stranger, rights), canEdit(stranger, rights)]).toEqual([false, false]);
	});
});

describe('initialAccess', () => {
	it('follows the workspace default: everyone edits, or private to the owner', () => {
		expect(initialAccess('u1', 'everyoneEdits')).toEqual({ ownerId: 'u1', everyone: 'edit', users: {} });
		expect(initialAccess('u1', 'private')).toEqual({ ownerId: 'u1', everyone: 'none', users: {} });
	});
});

describe('parseAccess', () => {
	it('accepts well-formed rights and drops a grant to the owner', () => {
		expect(parseAccess({ ownerId: 'u1', everyone: 'read', users: { u1: 'edit', u2: 'read' } })).toEqual({
			ownerId: 'u1',
			everyone: 'read',
			users: { u2: 'read' }
		});
	});

	it('refuses unknown levels, missing owners, arrays and too many grants', () => {
		expect(parseAccess(null)).toBeNull();
		expect(parseAccess({ ownerId: '', everyone: 'read', users: {} })).toBeNull();
		expect(parseAccess({ ownerId: 'u1', everyone: 'all', users: {} })).toBeNull();
		expect(parseAccess({ ownerId: 'u1', everyone: 'read', users: { u2: 'manage' } })).toBeNull();
		expect(parseAccess({ ownerId: 'u1', everyone: 'read', users: [] })).toBeNull();
		expect(parseAccess({ ownerId: 'u1', everyone: 'read', users: { '': 'read' } })).toBeNull();
		const many = Object.fromEntries(Array.from({ length: 4 }, (_, i) => [`u${i + 2}`, 'read']));
		expect(parseAccess({ ownerId: 'u1', everyone: 'none', users: many }, 3)).toBeNull();
		expect(parseAccess({ ownerId: 'u1', everyone: 'none', users: many }, 4)).not.toBeNull();
	});
});

describe('accessChanges', () => {
	it('lists owner, everyone and each changed grant, users in id order', () => {
		const before = access('edit', { 'u-ben': 'edit', 'u-anna': 'read' });
		const after: AccessInfo = {
			ownerId: 'u-anna',
			everyone: 'none',
			users: { 'u-ben': 'read', 'u-carl': 'edit' }
		};
		expect(accessChanges(before, after)).toEqual([
			{ subject: 'owner', from: 'u-owner', to: 'u-anna' },
			{ subject: 'everyone', from: 'edit', to: 'none' },
			{ subject: 'u-anna', from: 'read', to: null },
			{ subject: 'u-ben', from: 'edit', to: 'read' },
			{ subject: 'u-carl', from: null, to: 'edit' }
		]);
		expect(accessChanges(before, before)).toEqual([]);
	});
});
