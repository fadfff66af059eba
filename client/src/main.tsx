// Entry point: applies the remembered theme before the first paint, then
// mounts the app.
import { render } from 'preact';
import { App } from './ui/App';
import { applyTheme, followSystemTheme, initialTheme } from './ui/theme';
import './ui/styles.css';

applyTheme(initialTheme());
followSystemTheme();
render(<App />, document.getElementById('app')!);
