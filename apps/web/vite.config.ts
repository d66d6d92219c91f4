import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

/** The dev server proxies the API; `CB_API_URL` points it at an API on another port. */
const api = process.env.CB_API_URL ?? 'http://localhost:3000';

export default defineConfig({
  plugins: [react()],
  server: { proxy: { '/trpc': api, '/api': api, '/health': api } },
  build: { chunkSizeWarningLimit: 1200 },
});
