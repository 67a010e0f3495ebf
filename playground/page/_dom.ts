/// <reference lib="dom" />
/** The page's element with `data-testid="id"` (the contract in docs/playground.md). */
export function byTestId<T extends HTMLElement = HTMLElement>(id: string): T {
  const element = document.querySelector<T>(`[data-testid="${id}"]`);
  if (!element) throw new Error(`page: no element with data-testid="${id}"`);
  return element;
}

/** A new element with a class and text. */
export function element<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  text = "",
  className = "",
): HTMLElementTagNameMap[K] {
  const node = document.createElement(tag);
  node.textContent = text;
  if (className) node.className = className;
  return node;
}

/** Shows `message` in the page's error box (or hides the box for null). */
export function showError(message: string | null): void {
  const box = byTestId("error");
  box.hidden = message === null;
  box.textContent = message ?? "";
}

/** Sets the status line and its `data-state` (loading, ready, generating, error). */
export function setStatus(state: string, text: string): void {
  const status = byTestId("status");
  status.dataset.state = state;
  status.textContent = text;
}
