import type { ChannelId, ContactId, GroupId } from './ids';
import type { Channel, ContactFields } from './types';

/** Scalar fields a user edits directly; kind is fixed at creation, the parent moves with `setParent`. */
export type EditableField = Exclude<keyof ContactFields, 'kind' | 'parentId'>;

export type ChannelPatch = Partial<Pick<Channel, 'value' | 'normalized' | 'label' | 'purpose'>>;

/**
 * One change a user makes to a contact, as plain data. The UI sends these; the store validates
 * them, applies them to the contact's document and records them.
 */
export type ContactEdit =
	| { type: 'set'; field: EditableField; value: ContactFields[EditableField] }
	| { type: 'setParent'; parentId: ContactId | null }
	| { type: 'addChannel'; channel: Channel }
	| { type: 'updateChannel'; id: ChannelId; patch: ChannelPatch }
	| { type: 'removeChannel'; id: ChannelId }
	| { type: 'moveChannel'; id: ChannelId; order: string }
	| { type: 'addGroup'; id: GroupId }
	| { type: 'removeGroup'; id: GroupId };
