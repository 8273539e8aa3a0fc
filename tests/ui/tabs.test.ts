import { render, screen } from '@testing-library/svelte';
import userEvent from '@testing-library/user-event';
import { describe, expect, it, vi } from 'vitest';
import Tabs from '../../src/lib/ui/shell/Tabs.svelte';

const TABS = [
	{ id: 'data', label: 'Stammdaten' },
	{ id: 'history', label: 'Verlauf' }
] as const;

function setup(selected: 'data' | 'history' = 'data') {
	const onselect = vi.fn();
	const view = render(Tabs, {
		props: { prefix: 'c', label: 'Ansichten des Kontakts', tabs: TABS, selected, onselect }
	});
	onselect.mockImplementation((tab: 'data' | 'history') => view.rerender({ selected: tab }));
	return { onselect, user: userEvent.setup() };
}

describe('Tabs', () => {
	it('is a tab list with one tab in the tab order, controlling its panel', () => {
		setup();
		expect(screen.getByRole('tablist', { name: 'Ansichten des Kontakts' })).toBeInTheDocument();
		const data = screen.getByRole('tab', { name: 'Stammdaten', selected: true });
		const history = screen.getByRole('tab', { name: 'Verlauf', selected: false });
		expect(data).toHaveAttribute('tabindex', '0');
		expect(history).toHaveAttribute('tabindex', '-1');
		expect(history).toHaveAttribute('aria-controls', 'c-panel-history');
	});

	it('moves between tabs with the arrow keys, Home and End, wrapping around', async () => {
		const { onselect, user } = setup();
		await user.tab();
		expect(screen.getByRole('tab', { name: 'Stammdaten' })).toHaveFocus();
		await user.keyboard('{ArrowRight}');
		expect(onselect).toHaveBeenLastCalledWith('history');
		expect(screen.getByRole('tab', { name: 'Verlauf', selected: true })).toHaveFocus();
		await user.keyboard('{ArrowRight}');
		expect(screen.getByRole('tab', { name: 'Stammdaten', selected: true })).toHaveFocus();
		await user.keyboard('{ArrowLeft}');
		expect(screen.getByRole('tab', { name: 'Verlauf', selected: true })).toHaveFocus();
		await user.keyboard('{Home}');
		expect(onselect).toHaveBeenLastCalledWith('data');
		await user.keyboard('{End}');
		expect(onselect).toHaveBeenLastCalledWith('history');
	});

	it('selects a tab on click', async () => {
		const { onselect, user } = setup();
		await user.click(screen.getByRole('tab', { name: 'Verlauf' }));
		expect(onselect).toHaveBeenCalledWith('history');
	});
});
