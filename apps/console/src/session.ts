/**
 * The API token: in memory, and in this tab's sessionStorage so a reload keeps the session
 * (closing the tab forgets it). Never in a URL, never in localStorage.
 */
const KEY = 'dock-console.token';
let token: string | null = read();

function read(): string | null {
  try {
    return sessionStorage.getItem(KEY);
  } catch {
    return null;
  }
}

export function currentToken(): string | null {
  return token;
}

export function signIn(value: string): void {
  token = value;
  try {
    sessionStorage.setItem(KEY, value);
  } catch {
    // storage refused (private mode): memory only
  }
}

export function signOut(): void {
  token = null;
  try {
    sessionStorage.removeItem(KEY);
  } catch {
    // nothing stored
  }
}
