export function App() {
  return <div data-testid="app-main">Parley</div>;
}
