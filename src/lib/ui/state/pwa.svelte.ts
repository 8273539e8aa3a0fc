/** Service worker state: whether a new version waits, and how to switch to it. */
class PwaState {
	#needRefresh = $state(false);
	#update: ((reload?: boolean) => Promise<void>) | null = null;

	get needRefresh(): boolean {
		return this.#needRefresh;
	}

	/** Registers the service worker that precaches the app shell, so Kontor starts offline. */
	async register(): Promise<void> {
		if (!('serviceWorker' in navigator)) return;
		const { registerSW } = await import('virtual:pwa-register');
		this.#update = registerSW({
			immediate: true,
			onNeedRefresh: () => (this.#needRefresh = true),
			onRegisterError: (error: unknown) => console.error('Kontor: service worker registration failed', error)
		});
	}

	async update(): Promise<void> {
		await this.#update?.(true);
	}

	reset(): void {
		this.#needRefresh = false;
	}
}

export const pwa = new PwaState();
