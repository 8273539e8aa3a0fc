import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Accounts, INVITE_TTL_MS } from '../../sync-server/accounts';
import { createApiHandler, MAX_BODY_BYTES } from '../../sync-server/http-api';
import type { ApiHandlerOptions } from '../../sync-server/http-api';
import { startServer } from '../../sync-server/static-server';
import type { RunningServer } from '../../sync-server/static-server';
import { openTestStorage } from './test-database';
import type { Storage } from '../../sync-server/storage/storage';
import { createAccountClient } from '../../src/lib/sync/account-client';
import type { AccountClient } from '../../src/lib/sync/account-client';
import type { AuthResponse } from '../../src/lib/sync/account-types';
import { PROTOCOL_VERSION } from '../../src/lib/sync/protocol';
import type { ApiResult } from '../../src/lib/sync/sync-api';

const PASSWORD = 'correct horse battery';
const SHELL = '<!doctype html><title>Kontor</title>';
const PUBLIC_ORIGIN = 'https://kontor.example.com';

let root: string;
let storage: Storage;
let clock: number;
let accounts: Accounts;
const servers: RunningServer[] = [];
let base: string;
let client: AccountClient;

/** Starts the real server on port 0 with the API mounted; more than one per test is fine. */
async function serve(options: Omit<ApiHandlerOptions, 'accounts'> = {}): Promise<string> {
	const server = await startServer({
		port: 0,
		buildDir: path.join(root, 'build'),
		dataDir: path.join(root, 'data'),
		onRequest: createApiHandler({ accounts, ...options })
	});
	servers.push(server);
	return `http://127.0.0.1:${server.port}`;
}

beforeEach(async () => {
	root = await mkdtemp(path.join(tmpdir(), 'kontor-api-'));
	await mkdir(path.join(root, 'build'));
	await writeFile(path.join(root, 'build', 'index.html'), SHELL);
	storage = await openTestStorage(path.join(root, 'data', 'kontor.sqlite'));
	clock = Date.UTC(2025, 4, 5, 10, 0, 0);
	accounts = new Accounts({ storage, now: () => clock, scryptN: 2 ** 10 });
	base = await serve({ publicOrigin: `${PUBLIC_ORIGIN}/` });
	client = createAccountClient(base);
});

afterEach(async () => {
	await Promise.all(servers.splice(0).map((server) => server.close()));
	await storage.close();
	await rm(root, { recursive: true, force: true });
});

function value<T>(result: ApiResult<T>): T {
	if (!result.ok) throw new Error(`expected success, got ${result.error}: ${result.message ?? ''}`);
	return result.value;
}

function errorOf(result: ApiResult<unknown>): string {
	return result.ok ? 'ok' : result.error;
}

async function setupAdmin(): Promise<AuthResponse> {
	return value(
		await client.setup({
			name: 'Ada Admin',
			email: 'ada@example.com',
			password: PASSWORD,
			workspaceName: 'Acme'
		})
	);
}

function postJson(pathname: string, body: string, headers: Record<string, string> = {}): Promise<Response> {
	return fetch(`${base}${pathname}`, {
		method: 'POST',
		headers: { 'Content-Type': 'application/json', ...headers },
		body
	});
}

/** Invites and accepts a member; returns the member's session. */
async function addMember(admin: AuthResponse, email = 'bo@example.com'): Promise<AuthResponse> {
	const invite = value(await client.createInvite(admin.token, { email, role: 'member' }));
	const token = new URL(invite.url).hash.slice(1);
	return value(
		await client.acceptInvite({ token, name: 'Bo', email, password: PASSWORD, deviceLabel: 'Laptop' })
	);
}

describe('account API', () => {
	it('reports whether setup is needed and the protocol version', async () => {
		expect(value(await client.status())).toEqual({ needsSetup: true, protocolVersion: PROTOCOL_VERSION });
		await setupAdmin();
		expect(value(await client.status())).toEqual({ needsSetup: false, protocolVersion: PROTOCOL_VERSION });
	});

	it('sets up the first admin once (409 afterwards) and answers the session', async () => {
		const admin = await setupAdmin();
		expect(value(await client.session(admin.token))).toEqual({
			user: admin.user,
			workspace: admin.workspace,
			role: 'admin'
		});
		const again = await postJson(
			'/api/setup',
			JSON.stringify({ name: 'Eve', email: 'eve@example.com', password: PASSWORD, workspaceName: 'E' })
		);
		expect(again.status).toBe(409);
		expect(await again.json()).toMatchObject({ error: 'setupDone' });
	});

	it('marks every API answer no-store, whatever its status', async () => {
		const admin = await setupAdmin();
		const answers = await Promise.all([
			fetch(`${base}/api/status`),
			fetch(`${base}/api/session`),
			fetch(`${base}/api/nothing`),
			postJson('/api/login', '{'),
			fetch(`${base}/api/logout`, { method: 'POST', headers: { Authorization: `Bearer ${admin.token}` } })
		]);
		expect(answers.map((answer) => answer.status)).toEqual([200, 401, 404, 400, 204]);
		for (const answer of answers) expect(answer.headers.get('cache-control')).toBe('no-store');
	});

	it('logs in, lists and revokes own sessions, and logs out', async () => {
		const admin = await setupAdmin();
		const phone = value(
			await client.login({ email: 'ADA@example.com', password: PASSWORD, deviceLabel: 'Phone' })
		);
		const sessions = value(await client.sessions(admin.token));
		expect(sessions.map((s) => [s.label, s.current])).toEqual(
			expect.arrayContaining([
				['Phone', false],
				['', true]
			])
		);
		const phoneSession = sessions.find((s) => s.label === 'Phone');
		expect(errorOf(await client.revokeSession(admin.token, phoneSession?.id ?? ''))).toBe('ok');
		expect(errorOf(await client.session(phone.token))).toBe('unauthorized');
		expect(errorOf(await client.revokeSession(admin.token, 'no-such-session'))).toBe('notFound');

		expect(errorOf(await client.logout(admin.token))).toBe('ok');
		expect(errorOf(await client.session(admin.token))).toBe('unauthorized');
		expect(errorOf(await client.logout(admin.token))).toBe('unauthorized');
	});

	it('refuses wrong credentials with 401 and, after 5, any login with 429 and Retry-After', async () => {
		await setupAdmin();
		const wrong = await postJson(
			'/api/login',
			JSON.stringify({ email: 'ada@example.com', password: 'wrong password' })
		);
		expect(wrong.status).toBe(401);
		expect(await wrong.json()).toMatchObject({ error: 'invalidCredentials' });
		for (let i = 0; i < 4; i++) await client.login({ email: 'ada@example.com', password: 'wrong password' });

		const limited = await postJson(
			'/api/login',
			JSON.stringify({ email: 'ada@example.com', password: PASSWORD })
		);
		expect(limited.status).toBe(429);
		expect(limited.headers.get('retry-after')).toBe('900');
		expect(await limited.json()).toMatchObject({ error: 'rateLimited', retryAfter: 900 });
		expect(await client.login({ email: 'ada@example.com', password: PASSWORD })).toMatchObject({
			ok: false,
			error: 'rateLimited',
			retryAfter: 900
		});
	});

	it('takes the client address from the socket, not from X-Forwarded-For', async () => {
		await setupAdmin();
		for (let i = 0; i < 20; i++) {
			await postJson('/api/login', JSON.stringify({ email: `guess${i}@example.com`, password: PASSWORD }), {
				'X-Forwarded-For': `203.0.113.${i}`
			});
		}
		const login = await postJson(
			'/api/login',
			JSON.stringify({ email: 'ada@example.com', password: PASSWORD }),
			{
				'X-Forwarded-For': '203.0.113.200'
			}
		);
		expect(login.status).toBe(429);
	});

	it('takes the address from X-Forwarded-For when told there is a proxy', async () => {
		const proxied = await serve({ trustProxy: true });
		await setupAdmin();
		const login = (ip: string, email: string, password: string) =>
			fetch(`${proxied}/api/login`, {
				method: 'POST',
				headers: { 'Content-Type': 'application/json', 'X-Forwarded-For': `198.51.100.1, ${ip}` },
				body: JSON.stringify({ email, password })
			});
		for (let i = 0; i < 20; i++) await login('203.0.113.1', `guess${i}@example.com`, PASSWORD);
		expect((await login('203.0.113.1', 'ada@example.com', PASSWORD)).status).toBe(429);
		expect((await login('203.0.113.2', 'ada@example.com', PASSWORD)).status).toBe(200);
	});

	it('answers 401 on every session route without a live session', async () => {
		const admin = await setupAdmin();
		await client.logout(admin.token);
		for (const token of ['', 'forged-token', admin.token]) {
			const results = await Promise.all([
				client.session(token),
				client.sessions(token),
				client.members(token),
				client.invites(token),
				client.createInvite(token, { email: 'x@example.com', role: 'member' }),
				client.revokeInvite(token, 'x'),
				client.revokeSession(token, 'x'),
				client.logout(token)
			]);
			expect(results.map(errorOf)).toEqual(Array(8).fill('unauthorized'));
		}
		expect((await fetch(`${base}/api/members`)).status).toBe(401);
	});
});

describe('invites over HTTP', () => {
	it('invites through a link on the public origin, once', async () => {
		const admin = await setupAdmin();
		const invite = value(await client.createInvite(admin.token, { email: 'bo@example.com', role: 'member' }));
		const url = new URL(invite.url);
		expect(`${url.origin}${url.pathname}`).toBe(`${PUBLIC_ORIGIN}/invite`);
		const token = url.hash.slice(1);
		expect(token).toMatch(/^[A-Za-z0-9_-]{43}$/);
		expect(value(await client.invites(admin.token)).map((i) => i.email)).toEqual(['bo@example.com']);

		expect(value(await client.previewInvite(token))).toMatchObject({ workspaceName: 'Acme', role: 'member' });
		const bo = value(
			await client.acceptInvite({ token, name: 'Bo', email: 'bo@example.com', password: PASSWORD })
		);
		expect(bo.role).toBe('member');
		expect(value(await client.members(bo.token)).map((m) => m.name)).toEqual(['Ada Admin', 'Bo']);
		expect(value(await client.invites(admin.token))).toEqual([]);

		const again = await postJson(
			'/api/invites/accept',
			JSON.stringify({ token, name: 'Eve', email: 'eve@example.com', password: PASSWORD })
		);
		expect(again.status).toBe(404);
		expect(await again.json()).toMatchObject({ error: 'inviteInvalid' });
	});

	it('builds the link from the Host header without a public origin', async () => {
		const local = await serve();
		const admin = await setupAdmin();
		const localClient = createAccountClient(local);
		const invite = value(
			await localClient.createInvite(admin.token, { email: 'bo@example.com', role: 'member' })
		);
		expect(invite.url).toMatch(new RegExp(`^${local}/invite#[A-Za-z0-9_-]{43}$`));
	});

	it('answers 410 for an expired invite', async () => {
		const admin = await setupAdmin();
		const invite = value(await client.createInvite(admin.token, { email: 'bo@example.com', role: 'member' }));
		clock += INVITE_TTL_MS;
		const lookup = await postJson(
			'/api/invites/lookup',
			JSON.stringify({ token: new URL(invite.url).hash.slice(1) })
		);
		expect(lookup.status).toBe(410);
		expect(await lookup.json()).toMatchObject({ error: 'inviteExpired' });
	});

	it('revokes an invite (204) so its link stops working', async () => {
		const admin = await setupAdmin();
		const invite = value(await client.createInvite(admin.token, { email: 'bo@example.com', role: 'member' }));
		const revoke = await fetch(`${base}/api/invites/${invite.id}`, {
			method: 'DELETE',
			headers: { Authorization: `Bearer ${admin.token}` }
		});
		expect(revoke.status).toBe(204);
		expect(errorOf(await client.previewInvite(new URL(invite.url).hash.slice(1)))).toBe('inviteInvalid');
		expect(errorOf(await client.revokeInvite(admin.token, invite.id))).toBe('notFound');
	});

	it('keeps invites to admins (403) and refuses a taken e-mail (409)', async () => {
		const admin = await setupAdmin();
		const bo = await addMember(admin);
		const forbidden = await fetch(`${base}/api/invites`, {
			headers: { Authorization: `Bearer ${bo.token}` }
		});
		expect(forbidden.status).toBe(403);
		expect(errorOf(await client.createInvite(bo.token, { email: 'x@example.com', role: 'admin' }))).toBe(
			'forbidden'
		);

		const invite = value(await client.createInvite(admin.token, { email: 'x@example.com', role: 'member' }));
		const taken = await postJson(
			'/api/invites/accept',
			JSON.stringify({
				token: new URL(invite.url).hash.slice(1),
				name: 'B',
				email: 'BO@example.com',
				password: PASSWORD
			})
		);
		expect(taken.status).toBe(409);
		expect(await taken.json()).toMatchObject({ error: 'emailTaken' });
	});
});

describe('workspace settings over HTTP', () => {
	function putWorkspace(token: string, body: string, contentType = 'application/json'): Promise<Response> {
		return fetch(`${base}/api/workspace`, {
			method: 'PUT',
			headers: { Authorization: `Bearer ${token}`, 'Content-Type': contentType },
			body
		});
	}

	it('lets a member read the default for new contacts', async () => {
		const admin = await setupAdmin();
		const bo = await addMember(admin);
		const answer = await fetch(`${base}/api/workspace`, { headers: { Authorization: `Bearer ${bo.token}` } });
		expect(answer.status).toBe(200);
		expect(answer.headers.get('cache-control')).toBe('no-store');
		expect(await answer.json()).toEqual({ defaultAccess: 'everyoneEdits' });
		expect(value(await client.workspaceSettings(bo.token))).toEqual({ defaultAccess: 'everyoneEdits' });
	});

	it('refuses a member changing it with 403 and keeps the default', async () => {
		const admin = await setupAdmin();
		const bo = await addMember(admin);
		const answer = await putWorkspace(bo.token, JSON.stringify({ defaultAccess: 'private' }));
		expect(answer.status).toBe(403);
		expect(await answer.json()).toMatchObject({ error: 'forbidden' });
		expect(errorOf(await client.setWorkspaceSettings(bo.token, { defaultAccess: 'private' }))).toBe(
			'forbidden'
		);
		expect(await storage.workspaceDefault(admin.workspace.id)).toBe('everyoneEdits');
	});

	it('lets an admin change it, which every member then reads', async () => {
		const admin = await setupAdmin();
		const bo = await addMember(admin);
		const answer = await putWorkspace(admin.token, JSON.stringify({ defaultAccess: 'private' }));
		expect(answer.status).toBe(200);
		expect(await answer.json()).toEqual({ defaultAccess: 'private' });
		expect(await storage.workspaceDefault(admin.workspace.id)).toBe('private');
		expect(value(await client.workspaceSettings(bo.token))).toEqual({ defaultAccess: 'private' });

		expect(value(await client.setWorkspaceSettings(admin.token, { defaultAccess: 'everyoneEdits' }))).toEqual(
			{
				defaultAccess: 'everyoneEdits'
			}
		);
		expect(value(await client.workspaceSettings(bo.token))).toEqual({ defaultAccess: 'everyoneEdits' });
	});

	it.each([
		['an unknown value', JSON.stringify({ defaultAccess: 'public' }), 'application/json'],
		['a value of the wrong type', JSON.stringify({ defaultAccess: 1 }), 'application/json'],
		['no value', JSON.stringify({}), 'application/json'],
		['malformed JSON', '{"defaultAccess":', 'application/json'],
		['another content type', JSON.stringify({ defaultAccess: 'private' }), 'text/plain']
	])('answers 400 badRequest to an admin sending %s', async (_case, body, contentType) => {
		const admin = await setupAdmin();
		const answer = await putWorkspace(admin.token, body, contentType);
		expect(answer.status).toBe(400);
		expect(await answer.json()).toMatchObject({ error: 'badRequest' });
		expect(await storage.workspaceDefault(admin.workspace.id)).toBe('everyoneEdits');
	});

	it('answers 401 without a live session, to reading and to changing', async () => {
		const admin = await setupAdmin();
		await client.logout(admin.token);
		for (const token of ['', 'forged-token', admin.token]) {
			expect(errorOf(await client.workspaceSettings(token))).toBe('unauthorized');
			expect(errorOf(await client.setWorkspaceSettings(token, { defaultAccess: 'private' }))).toBe(
				'unauthorized'
			);
		}
		expect((await fetch(`${base}/api/workspace`)).status).toBe(401);
		const put = await fetch(`${base}/api/workspace`, {
			method: 'PUT',
			headers: { 'Content-Type': 'application/json' },
			body: JSON.stringify({ defaultAccess: 'private' })
		});
		expect(put.status).toBe(401);
		expect(await storage.workspaceDefault(admin.workspace.id)).toBe('everyoneEdits');
	});

	it('answers 405 with the allowed methods for another method', async () => {
		const answer = await fetch(`${base}/api/workspace`, { method: 'POST' });
		expect(answer.status).toBe(405);
		expect(answer.headers.get('allow')).toBe('GET, PUT');
	});
});

describe('request checks', () => {
	it.each([
		['malformed JSON', '{"email":', 'application/json'],
		['an array', '[]', 'application/json'],
		['a missing field', JSON.stringify({ email: 'ada@example.com' }), 'application/json'],
		[
			'a field of the wrong type',
			JSON.stringify({ email: 'ada@example.com', password: 42 }),
			'application/json'
		],
		['another content type', JSON.stringify({ email: 'a@example.com', password: PASSWORD }), 'text/plain']
	])('answers 400 badRequest for %s', async (_case, body, contentType) => {
		const answer = await postJson('/api/login', body, { 'Content-Type': contentType });
		expect(answer.status).toBe(400);
		expect(await answer.json()).toMatchObject({ error: 'badRequest' });
	});

	it('answers 400 for invalid account fields with the field code', async () => {
		const answer = await client.setup({
			name: 'Ada',
			email: 'ada@example.com',
			password: 'short',
			workspaceName: 'A'
		});
		expect(answer).toMatchObject({ ok: false, error: 'weakPassword' });
	});

	it('answers 413 for a body over 64 KB', async () => {
		const big = JSON.stringify({ email: 'a@example.com', password: 'x'.repeat(MAX_BODY_BYTES) });
		const answer = await postJson('/api/login', big);
		expect(answer.status).toBe(413);
		expect(await answer.json()).toMatchObject({ error: 'tooLarge' });
	});

	it('answers 413 for a streamed body that grows over 64 KB', async () => {
		const { status, body } = await new Promise<{ status: number; body: string }>((resolve, reject) => {
			const req = request(`${base}/api/login`, {
				method: 'POST',
				headers: { 'Content-Type': 'application/json' }
			});
			req.on('response', (res) => {
				let text = '';
				res.setEncoding('utf8');
				res.on('data', (chunk: string) => (text += chunk));
				res.on('end', () => resolve({ status: res.statusCode ?? 0, body: text }));
			});
			req.on('error', reject);
			// No Content-Length: the body arrives chunked and is counted as it comes.
			for (let i = 0; i < 5; i++) req.write('x'.repeat(16 * 1024));
			req.end();
		});
		expect(status).toBe(413);
		expect(JSON.parse(body)).toMatchObject({ error: 'tooLarge' });
	});

	it('answers 404 JSON for unknown API paths and 405 for a wrong method', async () => {
		for (const pathname of ['/api', '/api/', '/api/nothing', '/api/sessions/a/b']) {
			const answer = await fetch(`${base}${pathname}`);
			expect(answer.status, pathname).toBe(404);
			expect(await answer.json()).toMatchObject({ error: 'notFound' });
		}
		const wrongMethod = await fetch(`${base}/api/status`, { method: 'DELETE' });
		expect(wrongMethod.status).toBe(405);
		expect(wrongMethod.headers.get('allow')).toBe('GET');
		const invites = await fetch(`${base}/api/invites`, { method: 'PUT' });
		expect(invites.headers.get('allow')).toBe('POST, GET');
	});

	it('leaves other paths to the app', async () => {
		for (const pathname of ['/', '/contacts/abc', '/apiary']) {
			const answer = await fetch(`${base}${pathname}`);
			expect(answer.status, pathname).toBe(200);
			expect(await answer.text()).toBe(SHELL);
		}
	});
});

describe('account client', () => {
	const answer = (body: string, status: number, type = 'application/json') =>
		(async () => new Response(body, { status, headers: { 'Content-Type': type } })) as typeof fetch;

	it('reports an unreachable server as a network error', async () => {
		const closed = servers.pop();
		await closed?.close();
		expect(await client.status()).toMatchObject({ ok: false, error: 'network' });
	});

	it.each([
		['an HTML page', answer('<!doctype html><p>proxy</p>', 200, 'text/html')],
		['JSON of another shape', answer(JSON.stringify({ needsSetup: 'yes' }), 200)],
		['an error without a known code', answer(JSON.stringify({ error: 'teapot' }), 418)],
		['a server error page', answer('Bad Gateway', 502, 'text/plain')]
	])('reports %s as internal', async (_case, fetchImpl) => {
		const stubbed = createAccountClient('http://kontor.invalid', fetchImpl);
		expect(await stubbed.status()).toMatchObject({ ok: false, error: 'internal' });
	});

	it('sends the token as Bearer and the body as JSON to the route', async () => {
		const calls: { url: string; init: RequestInit | undefined }[] = [];
		const recording = (async (url: string | URL | Request, init?: RequestInit) => {
			calls.push({ url: String(url), init });
			return new Response(null, { status: 204 });
		}) as typeof fetch;
		const stubbed = createAccountClient('http://kontor.test/', recording);
		expect(await stubbed.revokeSession('tok', 'a/b')).toEqual({ ok: true, value: null });
		expect(calls[0]?.url).toBe('http://kontor.test/api/sessions/a%2Fb');
		expect(calls[0]?.init?.method).toBe('DELETE');
		expect(new Headers(calls[0]?.init?.headers).get('authorization')).toBe('Bearer tok');
	});
});
