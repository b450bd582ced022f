import { fireEvent, render, screen } from '@testing-library/svelte';
import { createRawSnippet } from 'svelte';
import { describe, expect, it } from 'vitest';
import VirtualRows from './VirtualRows.svelte';

const items = Array.from({ length: 10_000 }, (_, i) => `piece ${i}`);
const row = createRawSnippet((item: () => string, i: () => number) => ({
  render: () => `<div role="row" data-index="${i()}">${item()}</div>`,
}));

function renderedIndexes(): number[] {
  return screen.getAllByRole('row').map((r) => Number(r.dataset.index));
}

/** jsdom does no layout: give the viewport the height a browser would, then let the component read it. */
function sized(viewport: HTMLElement, height: number): void {
  Object.defineProperty(viewport, 'clientHeight', { configurable: true, value: height });
}

describe('VirtualRows', () => {
  it('renders only the rows in view plus the overscan margin, over a spacer as tall as the whole list', () => {
    render(VirtualRows<string>, { items, row, label: 'Pieces', rowHeight: 30 });
    const viewport = screen.getByRole('rowgroup', { name: 'Pieces' });
    expect(viewport.dataset.rows).toBe('10000');
    // Default view height 400 px / 30 px rows = 14 rows, plus 8 overscan below (none above at the top).
    expect(renderedIndexes()).toEqual(Array.from({ length: 22 }, (_, i) => i));
    expect((viewport.firstElementChild as HTMLElement).style.height).toBe(`${10_000 * 30}px`);
  });

  it('moves the window with the scroll position and offsets it to where those rows sit', async () => {
    render(VirtualRows<string>, { items, row, label: 'Pieces', rowHeight: 30 });
    const viewport = screen.getByRole('rowgroup', { name: 'Pieces' });
    viewport.scrollTop = 3000; // row 100 at the top
    await fireEvent.scroll(viewport);
    const shown = renderedIndexes();
    expect(shown[0]).toBe(92); // 8 rows of overscan above
    expect(shown.at(-1)).toBe(100 + Math.ceil(400 / 30) + 8 - 1);
    expect(screen.getByText('piece 100')).toBeInTheDocument();
    expect(screen.queryByText('piece 0')).toBeNull();
    const inner = viewport.firstElementChild!.firstElementChild as HTMLElement;
    expect(inner.style.transform).toBe(`translateY(${92 * 30}px)`);
  });

  it('scrolls a keyboard-selected row into view, below and then above the window', async () => {
    const { rerender } = render(VirtualRows<string>, { items, row, label: 'Pieces', rowHeight: 30, selectedIndex: 0 });
    const viewport = screen.getByRole('rowgroup', { name: 'Pieces' });
    sized(viewport, 400);
    expect(viewport.scrollTop).toBe(0);

    // Row 50 is below a 400 px view: scroll just far enough that its bottom edge is the view's.
    await rerender({ selectedIndex: 50 });
    expect(viewport.scrollTop).toBe(51 * 30 - 400);
    await fireEvent.scroll(viewport);
    expect(screen.getByText('piece 50')).toBeInTheDocument();

    // Inside the view: nothing moves.
    await rerender({ selectedIndex: 45 });
    expect(viewport.scrollTop).toBe(51 * 30 - 400);

    // Above the view: its top edge becomes the view's top.
    await rerender({ selectedIndex: 10 });
    expect(viewport.scrollTop).toBe(10 * 30);
  });

  it('shrinks the window to the list when it is shorter than the view', () => {
    render(VirtualRows<string>, { items: items.slice(0, 5), row, label: 'Pieces' });
    expect(renderedIndexes()).toEqual([0, 1, 2, 3, 4]);
  });
});
