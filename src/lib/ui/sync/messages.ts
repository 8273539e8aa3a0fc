import { MIN_PASSWORD_LENGTH, type ApiErrorCode, type ApiResult } from '$lib/sync';
import type { MessageKey } from '../i18n/de';
import { t } from '../i18n/index.svelte';

/**
 * A text kept as its key, so a message already on screen follows a switch of the UI language.
 */
export interface Message {
	key: MessageKey;
	params?: Record<string, string | number>;
}

/** How long to wait, in words: "45 Sekunden", "3 Minuten". */
function waitText(seconds: number): string {
	if (seconds >= 120) return t('api.waitMinutes', { count: Math.ceil(seconds / 60) });
	return seconds <= 1 ? t('api.waitSecond') : t('api.waitSeconds', { count: Math.ceil(seconds) });
}

/** The message in the current UI language. */
export function messageText(message: Message): string {
	// The wait of a rate-limited login is put into words when shown, so it reads right in either language.
	if (message.key === 'api.rateLimited') {
		return t('api.rateLimited', { wait: waitText(Number(message.params?.seconds ?? 0)) });
	}
	return t(message.key, message.params);
}

const API_ERRORS: Record<ApiErrorCode | 'network', MessageKey> = {
	badRequest: 'api.badRequest',
	invalidEmail: 'api.invalidEmail',
	weakPassword: 'api.weakPassword',
	nameRequired: 'api.nameRequired',
	setupDone: 'api.setupDone',
	emailTaken: 'api.emailTaken',
	invalidCredentials: 'api.invalidCredentials',
	rateLimited: 'api.rateLimited',
	unauthorized: 'api.unauthorized',
	forbidden: 'api.forbidden',
	inviteInvalid: 'api.inviteInvalid',
	inviteExpired: 'api.inviteExpired',
	notFound: 'api.notFound',
	tooLarge: 'api.tooLarge',
	internal: 'api.internal',
	network: 'api.network'
};

/** What a failed account request means for the user: each code says what to do next. */
export function apiErrorMessage(result: Extract<ApiResult<unknown>, { ok: false }>): Message {
	if (result.error === 'rateLimited') {
		return result.retryAfter === undefined
			? { key: 'api.rateLimitedLater' }
			: { key: 'api.rateLimited', params: { seconds: result.retryAfter } };
	}
	const key = API_ERRORS[result.error] ?? 'error.unknown';
	return key === 'api.weakPassword' ? { key, params: { min: MIN_PASSWORD_LENGTH } } : { key };
}
