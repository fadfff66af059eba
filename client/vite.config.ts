// Vite build and dev server for the Parley browser app. The dev server
// forwards /api (HTTP and the WebSocket) to a local Parley server so the app
// and the API share one origin, as they do in production.
import { defineConfig } from 'vitest/config';
import preact from '@preact/preset-vite';

const target = process.env.PARLEY_API ?? 'http://127.0.0.1:8080';

export default defineConfig({
  plugins: [preact()],
  build: {
    outDir: 'dist',
    assetsDir: 'assets',
    sourcemap: false,
    target: 'es2020',
  },
  server: {
    proxy: {
      '/api': { target, ws: true, changeOrigin: false },
    },
  },
  test: {
    environment: 'node',
    include: ['test/**/*.test.{ts,tsx}'],
  },
});
