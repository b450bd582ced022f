// DOM matchers (toBeInTheDocument, toHaveValue…) for the component tests; jsdom lacks the layout APIs
// the components observe, so a no-op ResizeObserver stands in (sizes come from the components' defaults).
import '@testing-library/jest-dom/vitest';

class NoResizeObserver {
  observe(): void {}
  unobserve(): void {}
  disconnect(): void {}
}
globalThis.ResizeObserver ??= NoResizeObserver as unknown as typeof ResizeObserver;
