import { render, screen } from '@testing-library/svelte';
import userEvent from '@testing-library/user-event';
import { describe, expect, it, vi } from 'vitest';
import TextField from '../../src/lib/ui/contact/TextField.svelte';

function field(value: string, onsave = vi.fn(async (_value: string) => null as string | null)) {
	const view = render(TextField, { id: 'city', label: 'Ort', value, onsave });
	return { ...view, onsave, input: screen.getByLabelText('Ort') as HTMLInputElement };
}

describe('TextField while the stored value changes', () => {
	it('keeps what the user is typing when the contact is reloaded with another value', async () => {
		const user = userEvent.setup();
		const { input, onsave, rerender } = field('Bonn');
		await user.clear(input);
		await user.type(input, 'Köln');
		// A change from elsewhere (another device, an acknowledgement) reloads the contact.
		await rerender({ value: 'Berlin' });
		expect(input.value).toBe('Köln');
		await user.tab();
		expect(onsave).toHaveBeenCalledWith('Köln');
	});

	it('shows a changed stored value when the user is not typing', async () => {
		const { input, rerender, onsave } = field('Bonn');
		await rerender({ value: 'Berlin' });
		expect(input.value).toBe('Berlin');
		expect(onsave).not.toHaveBeenCalled();
	});

	it('follows the stored value again after saving, and Escape drops what was typed', async () => {
		const user = userEvent.setup();
		const { input, rerender, onsave } = field('Bonn');
		await user.clear(input);
		await user.type(input, 'Köln{Enter}');
		expect(onsave).toHaveBeenCalledWith('Köln');
		await rerender({ value: 'Köln' });
		await rerender({ value: 'Hamburg' });
		expect(input.value).toBe('Hamburg');
		await user.type(input, 'er{Escape}');
		expect(input.value).toBe('Hamburg');
	});
});
