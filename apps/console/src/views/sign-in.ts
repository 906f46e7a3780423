import { h } from '../dom';

/**
 * The sign-in screen: an API token (one of the system's API_TOKENS), kept in this tab only.
 * Shown at the start when the API asks for one, and whenever a call answers 401.
 */
export function renderSignIn(
  container: HTMLElement,
  reason: string | null,
  submit: (token: string) => Promise<string | null>,
): void {
  const input = h('input', {
    id: 'token',
    type: 'password',
    autocomplete: 'off',
    required: true,
    'aria-describedby': 'token-help',
  });
  const message = h('p', { id: 'sign-in-message', role: 'alert' }, reason ?? '');
  const form = h(
    'form',
    { id: 'sign-in', 'aria-labelledby': 'sign-in-title' },
    h('h2', { id: 'sign-in-title' }, 'Sign in'),
    message,
    h('label', { for: 'token' }, 'API token'),
    input,
    h(
      'p',
      { id: 'token-help', class: 'help' },
      'One of the API tokens of this system (API_TOKENS). It stays in this browser tab and is ' +
        'sent only in the Authorization header.',
    ),
    h('button', { type: 'submit' }, 'Sign in'),
  );
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    const token = input.value.trim();
    input.value = '';
    void submit(token).then((problem) => {
      if (problem) message.textContent = problem;
    });
  });
  container.replaceChildren(form);
  input.focus();
}

/** Shown when the server cannot be reached at all: what happened, and a way to try again. */
export function renderUnreachable(container: HTMLElement, detail: string, retry: () => void): void {
  container.replaceChildren(
    h(
      'section',
      { id: 'connection-lost', 'aria-labelledby': 'lost-title' },
      h('h2', { id: 'lost-title' }, 'Connection lost'),
      h('p', { role: 'alert' }, `The console cannot reach the server: ${detail}`),
      h('p', {}, 'It tries again by itself every few seconds.'),
      h('button', { type: 'button', onclick: retry }, 'Try again now'),
    ),
  );
}
