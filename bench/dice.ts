/**
 * Seeded randomness for the benchmark's data generator, and the ASCII spelling of German words
 * that e-mail addresses and domains use.
 */
import { mulberry32 } from '../tests/factories';

/** Seeded random choices; the same seed gives the same sequence on every engine. */
export class Dice {
	readonly #next: () => number;
	readonly #zipf = new Map<string, number[]>();
	constructor(seed: number) {
		this.#next = mulberry32(seed);
	}
	chance(p: number): boolean {
		return this.#next() < p;
	}
	int(min: number, max: number): number {
		return min + Math.floor(this.#next() * (max - min + 1));
	}
	pick<T>(items: readonly T[]): T {
		return items[Math.floor(this.#next() * items.length)] as T;
	}
	/**
	 * Picks with Zipf-like weight 1/(rank + flatten): the first entries are more common than the last;
	 * a larger `flatten` makes the skew milder.
	 */
	skewed<T>(items: readonly T[], flatten = 5): T {
		const key = `${items.length}:${flatten}`;
		let cumulative = this.#zipf.get(key);
		if (!cumulative) {
			let sum = 0;
			cumulative = items.map((_, rank) => (sum += 1 / (rank + flatten)));
			this.#zipf.set(key, cumulative);
		}
		const target = this.#next() * (cumulative[cumulative.length - 1] ?? 0);
		let lo = 0;
		let hi = cumulative.length - 1;
		while (lo < hi) {
			const mid = (lo + hi) >> 1;
			if ((cumulative[mid] ?? 0) < target) lo = mid + 1;
			else hi = mid;
		}
		return items[lo] as T;
	}
	digits(count: number, first = '123456789'): string {
		let out = this.pick([...first]);
		for (let i = 1; i < count; i++) out += String(this.int(0, 9));
		return out;
	}
}

/** ASCII form for e-mail addresses and domains: Müller -> mueller, Weiß -> weiss. */
export function slug(text: string): string {
	return text
		.toLowerCase()
		.replace(/ä/g, 'ae')
		.replace(/ö/g, 'oe')
		.replace(/ü/g, 'ue')
		.replace(/ß/g, 'ss')
		.normalize('NFD')
		.replace(/[\u0300-\u036f]/g, '')
		.replace(/[^a-z0-9]+/g, '-')
		.replace(/^-|-$/g, '');
}
