// Light/dark theme: default from prefers-color-scheme, the user's choice kept
// in localStorage (not a secret).
export type Theme = 'light' | 'dark';
const KEY = 'parley.theme';

export function initialTheme(): Theme {
  const saved = savedTheme();
  if (saved) return saved;
  return typeof matchMedia === 'function' && matchMedia('(prefers-color-scheme: dark)').matches ? 'dark' : 'light';
}

export function applyTheme(theme: Theme): void {
  document.documentElement.dataset.theme = theme;
}

export function saveTheme(theme: Theme): void {
  try {
    localStorage.setItem(KEY, theme);
  } catch {
    /* not fatal */
  }
}

function savedTheme(): Theme | null {
  try {
    const saved = localStorage.getItem(KEY);
    return saved === 'light' || saved === 'dark' ? saved : null;
  } catch {
    return null;
  }
}

// Until the user picks a theme, follow the system's when it changes.
export function followSystemTheme(): void {
  if (typeof matchMedia !== 'function') return;
  matchMedia('(prefers-color-scheme: dark)').addEventListener?.('change', (e) => {
    if (savedTheme() === null) applyTheme(e.matches ? 'dark' : 'light');
  });
}
