/**
 * Browser bundle added as an init script to every page of the app under test, so it runs before the
 * app does: it notices the first painted rows (cold start) and drives search and opening contacts
 * while timing them in the page. Exposed as `window.KontorProbe` (see page-api.ts).
 */
import type { FirstRows, Keystroke, OpenResult, ProbeApi } from './page-api';
import { afterPaint, until } from './page-timing';

const OPTIONS = '#contact-list [role=option]';

function element<T extends Element>(selector: string): T {
	const found = document.querySelector<T>(selector);
	if (!found) throw new Error(`No ${selector} on ${location.pathname}`);
	return found;
}

/** The size of the list the listbox shows (0 when it shows no rows). */
function listSize(): number {
	return Number(document.querySelector(OPTIONS)?.getAttribute('aria-setsize') ?? 0);
}

/** True when every rendered row shows its contact (no loading placeholders). */
function rowsLoaded(list: Element): boolean {
	return list.querySelector('.placeholder') === null;
}

const firstRows: Promise<FirstRows> = until(() => document.querySelector(`${OPTIONS} a.name`) !== null, {
	attributes: false,
	what: 'the first rows'
})
	.then(afterPaint)
	.then((ms) => ({ ms, setSize: listSize() }));
/**
 * The list may paint its first screen before it knows all keys; it is complete once it is not busy
 * and its size is the number of contacts the runner seeded (`window.kontorBenchCount`).
 */
const fullList: Promise<number> = until(
	() =>
		document.querySelector('#contact-list')?.getAttribute('aria-busy') === 'false' &&
		listSize() === window.kontorBenchCount,
	{ attributeFilter: ['aria-busy', 'aria-setsize'], what: 'the complete list' }
).then(afterPaint);
// Pages that never show the list (or close early) must not report an unhandled rejection.
firstRows.catch(() => undefined);
fullList.catch(() => undefined);

async function search(value: string): Promise<Keystroke> {
	const input = element<HTMLInputElement>('#contact-search');
	const list = element<HTMLElement>('#contact-list');
	// Marks let a trace or profile of the same page line up with what the benchmark timed.
	const start = performance.mark('kontor-bench:input').startTime;
	input.value = value;
	input.dispatchEvent(new Event('input', { bubbles: true }));
	await until(
		() =>
			list.getAttribute('data-query') === value &&
			list.getAttribute('aria-busy') === 'false' &&
			rowsLoaded(list),
		{ root: list, what: `the results for "${value}"` }
	);
	const painted = await afterPaint();
	return { ms: painted - start, results: listSize() };
}

/** The row at `index` or one of the next few, the first whose name is not `avoid`; null while loading. */
function rowNear(list: Element, index: number, avoid: string): HTMLElement | null {
	for (let i = index; i < index + 10; i++) {
		const row = list.querySelector<HTMLElement>(`[role=option][aria-posinset="${i + 1}"]`);
		const name = row?.querySelector('a.name')?.textContent?.trim();
		if (!row || name === undefined) return null;
		if (name !== avoid) return row;
	}
	return null;
}

async function openAt(index: number, avoid: string): Promise<OpenResult> {
	const list = element<HTMLElement>('#contact-list');
	const rowHeight = list.querySelector<HTMLElement>('[role=option]')?.offsetHeight || 56;
	list.scrollTop = index * rowHeight;
	await until(() => rowNear(list, index, avoid) !== null && rowsLoaded(list), {
		root: list,
		what: `row ${index}`
	});
	// A person stops scrolling, sees the row, then clicks: the list is at rest when the timing starts.
	await afterPaint();
	await new Promise((resolve) => setTimeout(resolve, 100));
	const row = rowNear(list, index, avoid) as HTMLElement;
	const link = row.querySelector('a.name') as HTMLAnchorElement;
	const name = link.textContent?.trim() ?? '';
	const path = link.getAttribute('href') ?? '';
	const start = performance.mark('kontor-bench:click').startTime;
	row.click();
	await until(
		() =>
			location.pathname === path &&
			document.querySelector('article.contact h1')?.textContent?.trim() === name &&
			document.querySelector('article.contact input') !== null,
		{ what: `the form of ${name}` }
	);
	const painted = await afterPaint();
	const kind = document.querySelector('article.contact .kind')?.textContent?.trim() ?? '';
	return { ms: painted - start, name, kind };
}

const probe: ProbeApi = { firstRows, fullList, search, openAt };
window.KontorProbe = probe;
