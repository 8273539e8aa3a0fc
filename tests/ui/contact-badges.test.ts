import { render, screen, within } from '@testing-library/svelte';
import { afterEach, describe, expect, it } from 'vitest';
import { projectContact, type ListEntry } from '../../src/lib/domain';
import ContactBadges from '../../src/lib/ui/contact/ContactBadges.svelte';
import ContactPersons from '../../src/lib/ui/contact/ContactPersons.svelte';
import { i18n } from '../../src/lib/ui/i18n/index.svelte';
import { makeContact } from '../factories';

const TAGS: ListEntry[] = [
	{ id: 'late', name: 'Zahlungsverzug', color: '#ffd54f' },
	{ id: 'vip', name: 'VIP', color: '#1f4e79' },
	{ id: 'plain', name: 'Ohne Farbe', color: '' }
];
const EMBARGO = { reason: 'Offene Forderungen', since: '2026-03-01' };

afterEach(() => {
	i18n.lang = 'de';
});

describe('ContactBadges', () => {
	it('shows a red "Handelssperre" badge, read out with its date and reason', () => {
		render(ContactBadges, { props: { embargo: EMBARGO, tags: [], statusTags: TAGS } });
		const badge = screen.getByTestId('embargo-badge');
		expect(within(badge).getByText('Handelssperre')).toHaveAttribute('aria-hidden', 'true');
		expect(badge).toHaveAttribute('title', 'Handelssperre seit 01.03.2026: Offene Forderungen');
		expect(within(badge).getByText('Handelssperre seit 01.03.2026: Offene Forderungen')).toHaveClass(
			'visually-hidden'
		);
	});

	it('shows the status tags by their workspace names and colours, in list order, readable on their colour', () => {
		render(ContactBadges, { props: { tags: ['vip', 'gone', 'late', 'plain'], statusTags: TAGS } });
		const names = screen.getAllByText(/./).map((el) => el.textContent);
		expect(names).toEqual(['Zahlungsverzug', 'VIP', 'Ohne Farbe']);
		expect(screen.getByText('VIP')).toHaveStyle({ background: '#1f4e79', color: '#ffffff' });
		expect(screen.getByText('Zahlungsverzug')).toHaveStyle({ color: '#000000' });
		expect(screen.queryByTestId('embargo-badge')).toBeNull();
	});

	it('renders nothing without embargo and tags (or with tags the workspace no longer has)', () => {
		const { container } = render(ContactBadges, { props: { tags: ['gone'], statusTags: TAGS } });
		expect(container.textContent).toBe('');
	});

	it('speaks English when the UI does', () => {
		i18n.lang = 'en';
		render(ContactBadges, { props: { embargo: EMBARGO, statusTags: [] } });
		expect(screen.getByTestId('embargo-badge')).toHaveTextContent(
			'Trade embargo since Mar 1, 2026: Offene Forderungen'
		);
	});
});

describe('badges beside the names of contact persons', () => {
	it('shows the embargo and tags of each person from its list row', () => {
		const blocked = projectContact(
			makeContact({ firstName: 'Anna', lastName: 'Albers', embargo: EMBARGO, tags: ['vip'] }),
			null,
			1
		);
		const plain = projectContact(makeContact({ firstName: 'Bernd', lastName: 'Brandt' }), null, 1);
		render(ContactPersons, {
			props: { persons: [blocked, plain], statusTags: TAGS, onadd: () => undefined }
		});
		const [first, second] = screen.getAllByRole('listitem');
		expect(within(first as HTMLElement).getByText('VIP')).toBeInTheDocument();
		expect(first).toHaveTextContent('Handelssperre seit 01.03.2026: Offene Forderungen');
		expect(second).not.toHaveTextContent('Handelssperre');
	});
});
