/** The signed-in account as the sync status would give it, reactive like it (for owner changes). */
export class AccountBox {
	current = $state<{ user: { id: string } } | null>(null);
}
