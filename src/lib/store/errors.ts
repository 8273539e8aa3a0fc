/** Why the device database cannot be used, as a code the UI turns into a message. */
export type StorageErrorCode = 'unavailable' | 'blocked' | 'version' | 'quota' | 'unknown';

/** A storage failure with a code; the original error stays as `cause` for the log. */
export class StorageError extends Error {
	constructor(
		readonly code: StorageErrorCode,
		options?: { cause?: unknown }
	) {
		super(`storage: ${code}`, options);
		this.name = 'StorageError';
	}
}

function nameOf(error: unknown): string {
	if (error && typeof error === 'object') {
		const inner = (error as { inner?: unknown }).inner;
		const own = (error as { name?: unknown }).name;
		if (typeof own === 'string' && own !== 'OpenFailedError' && own !== 'AbortError') return own;
		if (inner) return nameOf(inner);
		if (typeof own === 'string') return own;
	}
	return '';
}

/** Classifies an IndexedDB or Dexie error. */
export function classifyStorageError(error: unknown): StorageError {
	if (error instanceof StorageError) return error;
	const name = nameOf(error);
	const message = error instanceof Error ? error.message : '';
	if (name === 'QuotaExceededError' || /quota/i.test(message))
		return new StorageError('quota', { cause: error });
	if (name === 'VersionError' || name === 'UpgradeError')
		return new StorageError('version', { cause: error });
	if (name === 'MissingAPIError' || name === 'InvalidStateError' || name === 'SecurityError')
		return new StorageError('unavailable', { cause: error });
	if (name === 'DatabaseClosedError' && /blocked/i.test(message))
		return new StorageError('blocked', { cause: error });
	return new StorageError('unknown', { cause: error });
}
