/**
 * Intersection of several ascending key lists, ascending. Starts from the shortest list and
 * checks membership in the others, so a rare search term keeps the work small.
 */
export function intersectSorted(lists: readonly (readonly string[])[]): string[] {
	if (lists.length === 0) return [];
	const sorted = [...lists].sort((a, b) => a.length - b.length);
	const [first, ...rest] = sorted as [readonly string[], ...(readonly string[])[]];
	if (rest.length === 0) return [...first];
	const sets = rest.map((l) => new Set(l));
	// Filtering keeps the order of `first`, which is ascending already.
	return first.filter((k) => sets.every((s) => s.has(k)));
}
