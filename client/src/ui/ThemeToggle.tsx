// Light/dark switch; the choice is remembered in localStorage.
import { useState } from 'preact/hooks';
import { applyTheme, saveTheme, type Theme } from './theme';

export function ThemeToggle() {
  const [theme, setTheme] = useState<Theme>(() => (document.documentElement.dataset.theme === 'dark' ? 'dark' : 'light'));
  const next: Theme = theme === 'dark' ? 'light' : 'dark';
  const toggle = () => {
    // Read the page, not the state: the system theme may have changed it.
    const target: Theme = document.documentElement.dataset.theme === 'dark' ? 'light' : 'dark';
    applyTheme(target);
    saveTheme(target);
    setTheme(target);
  };
  return (
    <button type="button" class="icon-btn" data-testid="theme-toggle" onClick={toggle} aria-label={`Switch to ${next} theme`} title={`Switch to ${next} theme`}>
      {theme === 'dark' ? (
        <svg viewBox="0 0 24 24" width="20" height="20" aria-hidden="true"><circle cx="12" cy="12" r="4.5" fill="currentColor" /><g stroke="currentColor" stroke-width="2" stroke-linecap="round"><path d="M12 2v2.5M12 19.5V22M2 12h2.5M19.5 12H22M4.9 4.9l1.8 1.8M17.3 17.3l1.8 1.8M4.9 19.1l1.8-1.8M17.3 6.7l1.8-1.8" /></g></svg>
      ) : (
        <svg viewBox="0 0 24 24" width="20" height="20" aria-hidden="true"><path d="M20 14.5A8 8 0 0 1 9.5 4a8 8 0 1 0 10.5 10.5z" fill="currentColor" /></svg>
      )}
    </button>
  );
}
