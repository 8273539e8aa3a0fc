import { getContext, setContext } from 'svelte';
import type { KontorStore } from '$lib/store';
import type { ContactListModel } from './contact-list.svelte';
import type { FavoritesModel } from './favorites.svelte';
import type { GroupsModel } from './groups.svelte';
import type { ListAccessModel } from './list-access.svelte';
import type { SyncModel } from './sync.svelte';
import type { WorkspaceConfigModel } from './workspace-config.svelte';

/** What the app shell hands to its pages once the device database is open. */
export interface Session {
	store: KontorStore;
	list: ContactListModel;
	groups: GroupsModel;
	/** Workspace lists (terms, product groups, status tags), salutations and text blocks. */
	config: WorkspaceConfigModel;
	/** Sync status and the account actions. */
	sync: SyncModel;
	/** Which listed contacts the user may only read. */
	listAccess: ListAccessModel;
	/** The user's starred contacts (on this device) and today's birthdays. */
	favorites: FavoritesModel;
}

const KEY = Symbol('kontor-session');

export function setSession(session: Session): void {
	setContext(KEY, session);
}

/** The open session; pages render only inside the shell after it was set. */
export function getSession(): Session {
	const session = getContext<Session | undefined>(KEY);
	if (!session) throw new Error('Kontor session used outside the app shell');
	return session;
}
