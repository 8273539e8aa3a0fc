/**
 * The account API over HTTP (`/api/*`, routes in `src/lib/sync/account-types.ts`): parses and checks
 * requests, calls `Accounts`, and turns its outcomes into status codes. Tokens and passwords are
 * never logged; a failing request logs its method and path only.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { TLSSocket } from 'node:tls';
import { PROTOCOL_VERSION } from '../src/lib/sync/protocol';
import type {
	AcceptInviteRequest,
	ApiError,
	ApiErrorCode,
	InviteRequest,
	LoginRequest,
	MemberRole,
	ServerStatus,
	SetupRequest
} from '../src/lib/sync/account-types';
import { accountInfo } from './accounts';
import type { AccountResult, Accounts, AuthContext } from './accounts';

/** Request bodies are small JSON objects; anything larger is refused unread. */
export const MAX_BODY_BYTES = 64 * 1024;

export interface ApiHandlerOptions {
	accounts: Accounts;
	/**
	 * The origin people reach the server at (`https://kontor.example.com`), used in invite links.
	 * Without it the origin is derived from the request's Host header.
	 */
	publicOrigin?: string;
	/**
	 * Take the client address for login rate limits from the last `X-Forwarded-For` entry (the one
	 * the reverse proxy in front added). Only with such a proxy: anyone can send that header.
	 */
	trustProxy?: boolean;
}

/** Answers a request and resolves true, or resolves false when the path is not under `/api`. */
export type ApiHandler = (req: IncomingMessage, res: ServerResponse) => Promise<boolean>;

const STATUS: Readonly<Record<ApiErrorCode, number>> = {
	badRequest: 400,
	invalidEmail: 400,
	weakPassword: 400,
	nameRequired: 400,
	invalidCredentials: 401,
	unauthorized: 401,
	forbidden: 403,
	inviteInvalid: 404,
	notFound: 404,
	setupDone: 409,
	emailTaken: 409,
	inviteExpired: 410,
	tooLarge: 413,
	rateLimited: 429,
	internal: 500
};

/** The HTTP status for an API error code. */
export function statusFor(code: ApiErrorCode): number {
	return STATUS[code];
}

type Body = Record<string, unknown>;

interface RouteContext {
	req: IncomingMessage;
	params: string[];
	token: string | null;
	readBody(): Promise<AccountResult<Body>>;
}

interface SessionContext extends RouteContext {
	auth: AuthContext;
}

/**
 * One API route. `path` holds the segments after `/api`, where `:id` captures one segment. A route
 * with `withSession` answers 401 unless the request carries a live session's Bearer token.
 */
type Route = { method: 'GET' | 'POST' | 'PUT' | 'DELETE'; path: string[] } & (
	| { handle: (context: RouteContext) => Promise<AccountResult<unknown>> }
	| { withSession: (context: SessionContext) => Promise<AccountResult<unknown>> }
);

function ok<T>(value: T): AccountResult<T> {
	return { ok: true, value };
}

function failure<T>(error: ApiErrorCode, message: string): AccountResult<T> {
	return { ok: false, error, message };
}

const BAD_BODY = failure<never>('badRequest', 'The request body lacks a field or has one of the wrong type.');

// ---- request bodies ----

function text(body: Body, key: string): string | null {
	const value = body[key];
	return typeof value === 'string' ? value : null;
}

function optionalText(body: Body, key: string): string | undefined | null {
	const value = body[key];
	if (value === undefined) return undefined;
	return typeof value === 'string' ? value : null;
}

function parseSetup(body: Body): SetupRequest | null {
	const name = text(body, 'name');
	const email = text(body, 'email');
	const password = text(body, 'password');
	const workspaceName = text(body, 'workspaceName');
	const deviceLabel = optionalText(body, 'deviceLabel');
	if (name === null || email === null || password === null || workspaceName === null) return null;
	if (deviceLabel === null) return null;
	return { name, email, password, workspaceName, deviceLabel };
}

function parseLogin(body: Body): LoginRequest | null {
	const email = text(body, 'email');
	const password = text(body, 'password');
	const deviceLabel = optionalText(body, 'deviceLabel');
	if (email === null || password === null || deviceLabel === null) return null;
	return { email, password, deviceLabel };
}

function parseInvite(body: Body): InviteRequest | null {
	const email = text(body, 'email');
	const role = text(body, 'role');
	if (email === null || !isRole(role)) return null;
	return { email, role };
}

function isRole(role: string | null): role is MemberRole {
	return role === 'admin' || role === 'member';
}

function parseAccept(body: Body): AcceptInviteRequest | null {
	const token = text(body, 'token');
	const name = text(body, 'name');
	const email = text(body, 'email');
	const password = text(body, 'password');
	const deviceLabel = optionalText(body, 'deviceLabel');
	if (token === null || name === null || email === null || password === null || deviceLabel === null)
		return null;
	return { token, name, email, password, deviceLabel };
}

/** Only the type is checked here; which values are allowed is for `Accounts` (after the role). */
function parseWorkspaceSettings(body: Body): { defaultAccess: string } | null {
	const defaultAccess = text(body, 'defaultAccess');
	return defaultAccess === null ? null : { defaultAccess };
}

/** Runs `then` on the parsed body, or answers 400/413 when the body is not what the route takes. */
async function withBody<R, T>(
	context: RouteContext,
	parse: (body: Body) => R | null,
	then: (request: R) => Promise<AccountResult<T>>
): Promise<AccountResult<T>> {
	const body = await context.readBody();
	if (!body.ok) return body;
	const request = parse(body.value);
	return request === null ? BAD_BODY : then(request);
}

// ---- routes ----

function routes(options: ApiHandlerOptions, ip: (req: IncomingMessage) => string): Route[] {
	const { accounts } = options;
	return [
		{
			method: 'GET',
			path: ['status'],
			handle: async () =>
				ok<ServerStatus>({ needsSetup: await accounts.needsSetup(), protocolVersion: PROTOCOL_VERSION })
		},
		{
			method: 'POST',
			path: ['setup'],
			handle: (c) => withBody(c, parseSetup, (request) => accounts.setup(request))
		},
		{
			method: 'POST',
			path: ['login'],
			handle: (c) => withBody(c, parseLogin, (request) => accounts.login(request, ip(c.req)))
		},
		{
			method: 'POST',
			path: ['logout'],
			handle: async (c) => (c.token !== null && (await accounts.logout(c.token)) ? ok(null) : unauthorized())
		},
		{ method: 'GET', path: ['session'], withSession: async (c) => ok(accountInfo(c.auth)) },
		{ method: 'GET', path: ['sessions'], withSession: async (c) => ok(await accounts.sessions(c.auth)) },
		{
			method: 'DELETE',
			path: ['sessions', ':id'],
			withSession: (c) => accounts.revokeSession(c.auth, c.params[0] ?? '')
		},
		{ method: 'GET', path: ['members'], withSession: async (c) => ok(await accounts.members(c.auth)) },
		{
			method: 'POST',
			path: ['invites'],
			withSession: (c) =>
				withBody(c, parseInvite, async (request) => {
					const created = await accounts.createInvite(c.auth, request);
					if (!created.ok) return created;
					const { id, token, expiresAt } = created.value;
					return ok({ id, url: `${origin(c.req, options.publicOrigin)}/invite#${token}`, expiresAt });
				})
		},
		{ method: 'GET', path: ['invites'], withSession: (c) => accounts.invites(c.auth) },
		{
			method: 'DELETE',
			path: ['invites', ':id'],
			withSession: (c) => accounts.revokeInvite(c.auth, c.params[0] ?? '')
		},
		{
			method: 'POST',
			path: ['invites', 'lookup'],
			handle: (c) =>
				withBody(
					c,
					(body) => text(body, 'token'),
					(token) => accounts.previewInvite(token)
				)
		},
		{
			method: 'POST',
			path: ['invites', 'accept'],
			handle: (c) => withBody(c, parseAccept, (request) => accounts.acceptInvite(request))
		},
		{
			method: 'GET',
			path: ['workspace'],
			withSession: async (c) => ok(await accounts.workspaceSettings(c.auth))
		},
		{
			method: 'PUT',
			path: ['workspace'],
			withSession: (c) =>
				withBody(c, parseWorkspaceSettings, (request) => accounts.setWorkspaceSettings(c.auth, request))
		}
	];
}

function unauthorized<T>(): AccountResult<T> {
	return failure('unauthorized', 'Log in first; the session is missing, expired or revoked.');
}

/** The captured segments when `segments` fit `pattern`, else null. */
function match(pattern: readonly string[], segments: readonly string[]): string[] | null {
	if (pattern.length !== segments.length) return null;
	const params: string[] = [];
	for (const [i, part] of pattern.entries()) {
		const segment = segments[i] ?? '';
		if (part === ':id') {
			if (segment === '') return null;
			params.push(segment);
		} else if (part !== segment) return null;
	}
	return params;
}

/** The path segments after `/api`, decoded; null when the path is not under `/api` at all. */
function apiSegments(url: string): string[] | 'malformed' | null {
	const pathname = new URL(url, 'http://localhost').pathname;
	if (pathname !== '/api' && !pathname.startsWith('/api/')) return null;
	try {
		return pathname.split('/').slice(2).map(decodeURIComponent);
	} catch {
		return 'malformed';
	}
}

// ---- request details ----

function bearerToken(req: IncomingMessage): string | null {
	const found = /^Bearer\s+(\S+)\s*$/i.exec(req.headers.authorization ?? '');
	return found?.[1] ?? null;
}

function clientIp(req: IncomingMessage, trustProxy: boolean): string {
	if (trustProxy) {
		const forwarded = String(req.headers['x-forwarded-for'] ?? '')
			.split(',')
			.map((entry) => entry.trim())
			.filter(Boolean)
			.at(-1);
		if (forwarded) return forwarded;
	}
	return req.socket.remoteAddress ?? 'unknown';
}

const HOST_SHAPE = /^[A-Za-z0-9.\-[\]:]+$/;

/**
 * The origin for links. A forged Host header only changes the link in the forger's own response, so
 * it is checked for shape, not trusted for more.
 */
function origin(req: IncomingMessage, publicOrigin: string | undefined): string {
	if (publicOrigin) return publicOrigin.replace(/\/+$/, '');
	const host = req.headers.host ?? '';
	const scheme = (req.socket as Partial<TLSSocket>).encrypted ? 'https' : 'http';
	return `${scheme}://${HOST_SHAPE.test(host) ? host : 'localhost'}`;
}

/**
 * Requiring `application/json` makes a cross-site form or `no-cors` fetch impossible without a CORS
 * preflight, which this server never grants: another site cannot log a browser in or out.
 */
function isJson(req: IncomingMessage): boolean {
	const type = (req.headers['content-type'] ?? '').split(';')[0]?.trim().toLowerCase();
	return type === 'application/json';
}

/** Reads a JSON object body of at most `MAX_BODY_BYTES`. */
async function readJsonBody(req: IncomingMessage): Promise<AccountResult<Body>> {
	if (!isJson(req)) return failure('badRequest', 'The body must be JSON (Content-Type: application/json).');
	const tooLarge = failure<Body>('tooLarge', `The body exceeds ${MAX_BODY_BYTES} bytes.`);
	if (Number(req.headers['content-length'] ?? 0) > MAX_BODY_BYTES) return tooLarge;
	const chunks: Buffer[] = [];
	let size = 0;
	for await (const chunk of req as AsyncIterable<Buffer>) {
		size += chunk.length;
		if (size > MAX_BODY_BYTES) return tooLarge;
		chunks.push(chunk);
	}
	let body: unknown;
	try {
		body = JSON.parse(Buffer.concat(chunks).toString('utf8'));
	} catch {
		return failure('badRequest', 'The body is not valid JSON.');
	}
	if (typeof body !== 'object' || body === null || Array.isArray(body)) {
		return failure('badRequest', 'The body must be a JSON object.');
	}
	return ok(body as Body);
}

// ---- responses ----

function send(req: IncomingMessage, res: ServerResponse, status: number, body?: unknown): void {
	res.statusCode = status;
	res.setHeader('Cache-Control', 'no-store');
	res.setHeader('X-Content-Type-Options', 'nosniff');
	// A body left unread (too large, or not needed) must not be parsed as the next request.
	if (!req.complete) res.setHeader('Connection', 'close');
	if (body === undefined) {
		res.end();
		return;
	}
	const json = JSON.stringify(body);
	res.setHeader('Content-Type', 'application/json; charset=utf-8');
	res.setHeader('Content-Length', Buffer.byteLength(json));
	res.end(json);
}

/** Answers with a value (200, or 204 for null) or an `ApiError` body with its status code. */
function sendResult(
	req: IncomingMessage,
	res: ServerResponse,
	result: AccountResult<unknown>,
	status?: number
): void {
	if (result.ok) {
		if (result.value === null) send(req, res, 204);
		else send(req, res, 200, result.value);
		return;
	}
	const error: ApiError = { error: result.error, message: result.message };
	if (result.retryAfter !== undefined) {
		error.retryAfter = result.retryAfter;
		res.setHeader('Retry-After', String(result.retryAfter));
	}
	send(req, res, status ?? statusFor(result.error), error);
}

/** Unknown paths answer 404; a known path with another method answers 405 with the allowed ones. */
function sendNoRoute(req: IncomingMessage, res: ServerResponse, allowed: readonly string[]): void {
	if (allowed.length === 0) return sendResult(req, res, failure('notFound', 'No such API.'));
	res.setHeader('Allow', allowed.join(', '));
	sendResult(req, res, failure('badRequest', 'Method not allowed.'), 405);
}

async function runRoute(
	route: Route,
	context: RouteContext,
	accounts: Accounts
): Promise<AccountResult<unknown>> {
	if ('handle' in route) return route.handle(context);
	const auth = context.token === null ? null : await accounts.authenticate(context.token);
	return auth ? route.withSession({ ...context, auth }) : unauthorized();
}

/** The request handler for `/api/*`; mount it as `startServer`'s `onRequest`. */
export function createApiHandler(options: ApiHandlerOptions): ApiHandler {
	const table = routes(options, (req) => clientIp(req, options.trustProxy ?? false));
	return async (req, res) => {
		const segments = apiSegments(req.url ?? '/');
		if (segments === null) return false;
		try {
			if (segments === 'malformed') {
				sendResult(req, res, failure('badRequest', 'The path is malformed.'));
				return true;
			}
			const matching = table.flatMap((route) => {
				const params = match(route.path, segments);
				return params ? [{ route, params }] : [];
			});
			const found = matching.find(({ route }) => route.method === req.method);
			if (!found) {
				sendNoRoute(
					req,
					res,
					matching.map(({ route }) => route.method)
				);
				return true;
			}
			const context: RouteContext = {
				req,
				params: found.params,
				token: bearerToken(req),
				readBody: () => readJsonBody(req)
			};
			sendResult(req, res, await runRoute(found.route, context, options.accounts));
		} catch (error) {
			console.error(
				'API request failed:',
				req.method,
				new URL(req.url ?? '/', 'http://localhost').pathname,
				error
			);
			if (res.headersSent) res.destroy();
			else sendResult(req, res, failure('internal', 'The server failed; try again.'));
		}
		return true;
	};
}
