import { tick } from 'svelte';
import { validateEmail } from '$lib/domain';
import { MIN_PASSWORD_LENGTH, type ApiErrorCode, type ApiResult } from '$lib/sync';
import { handleError } from '../state/handle-error';
import { apiErrorMessage, messageText, type Message } from './messages';

/**
 * The state of an account form: errors beside their fields, one error for the whole form, and
 * whether a request is on its way (the submit button says so and waits).
 */
export class FormState<F extends string> {
	#errors = $state<Partial<Record<F, Message>>>({});
	#formError = $state<Message | null>(null);
	#sending = $state(false);
	/** Which field an error code from the server belongs to; the rest is shown for the whole form. */
	readonly #fieldOf: Partial<Record<ApiErrorCode, F>>;

	constructor(fieldOf: Partial<Record<ApiErrorCode, F>> = {}) {
		this.#fieldOf = fieldOf;
	}

	get sending(): boolean {
		return this.#sending;
	}

	/** The form-wide error text, or null. */
	get formError(): string | null {
		return this.#formError ? messageText(this.#formError) : null;
	}

	/** The error text beside `field`, or null. */
	error(field: F): string | null {
		const message = this.#errors[field];
		return message ? messageText(message) : null;
	}

	/** Forgets the error of a field the user is correcting. */
	clear(field: F): void {
		if (!this.#errors[field]) return;
		const { [field]: _cleared, ...rest } = this.#errors;
		this.#errors = rest as Partial<Record<F, Message>>;
	}

	/** Shows the errors of a check before sending; true when there are none. */
	check(errors: Partial<Record<F, Message | null>>, form: HTMLFormElement): boolean {
		const found = Object.entries(errors).filter((entry): entry is [F, Message] => entry[1] !== null);
		this.#errors = Object.fromEntries(found) as Partial<Record<F, Message>>;
		this.#formError = null;
		if (found.length > 0) void focusFirstInvalid(form);
		return found.length === 0;
	}

	/**
	 * Sends a request and resolves to its result; an error is shown beside its field (which gets the
	 * focus) or for the whole form. Null when the request threw (the error funnel has shown it).
	 */
	async send<T>(request: () => Promise<ApiResult<T>>, form: HTMLFormElement): Promise<ApiResult<T> | null> {
		if (this.#sending) return null;
		this.#sending = true;
		this.#formError = null;
		try {
			const result = await request();
			if (result.ok) return result;
			const message = apiErrorMessage(result);
			const field = result.error === 'network' ? undefined : this.#fieldOf[result.error];
			if (field) {
				this.#errors = { ...this.#errors, [field]: message };
				void focusFirstInvalid(form);
			} else this.#formError = message;
			return result;
		} catch (error) {
			handleError(error, 'sending an account request');
			return null;
		} finally {
			this.#sending = false;
		}
	}

	reset(): void {
		this.#errors = {};
		this.#formError = null;
		this.#sending = false;
	}
}

/** Runs an account request; null when it threw, which the error funnel reports. */
export async function attempt<T>(
	request: () => Promise<ApiResult<T>>,
	context: string
): Promise<ApiResult<T> | null> {
	try {
		return await request();
	} catch (error) {
		handleError(error, context);
		return null;
	}
}

async function focusFirstInvalid(form: HTMLFormElement): Promise<void> {
	await tick();
	form.querySelector<HTMLElement>('[aria-invalid="true"]')?.focus();
}

export function requiredError(value: string): Message | null {
	return value.trim() === '' ? { key: 'error.required' } : null;
}

export function emailError(value: string): Message | null {
	const result = validateEmail(value);
	return result.ok ? null : { key: `error.${result.error}` as Message['key'] };
}

export function passwordError(value: string): Message | null {
	if (value === '') return { key: 'error.required' };
	return value.length < MIN_PASSWORD_LENGTH
		? { key: 'form.passwordShort', params: { min: MIN_PASSWORD_LENGTH } }
		: null;
}

export function confirmError(password: string, confirmation: string): Message | null {
	if (confirmation === '') return { key: 'error.required' };
	return confirmation === password ? null : { key: 'form.passwordMismatch' };
}

const BROWSERS: [RegExp, string][] = [
	[/Edg\//, 'Edge'],
	[/Firefox\//, 'Firefox'],
	[/Chrome\//, 'Chrome'],
	[/Safari\//, 'Safari']
];
const SYSTEMS: [RegExp, string][] = [
	[/Android/, 'Android'],
	[/iPhone|iPad/, 'iOS'],
	[/Windows/, 'Windows'],
	[/Mac OS X/, 'macOS'],
	[/Linux/, 'Linux']
];

/** What this device calls itself in the list of sessions ("Firefox, Windows"). */
export function deviceLabel(userAgent = globalThis.navigator?.userAgent ?? ''): string {
	const browser = BROWSERS.find(([pattern]) => pattern.test(userAgent))?.[1] ?? 'Browser';
	const os = SYSTEMS.find(([pattern]) => pattern.test(userAgent))?.[1];
	return os ? `${browser}, ${os}` : browser;
}
