import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

/**
 * The dashboard builds to apps/web/dist, which the server serves. In development the API and the
 * viewer stream are proxied to a server on port 3100 (override with RAFTLENS_API).
 */
const api = process.env.RAFTLENS_API ?? 'http://127.0.0.1:3100';

export default defineConfig({
  root: import.meta.dirname,
  plugins: [react()],
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    sourcemap: true,
    minify: process.env.RAFTLENS_NO_MINIFY ? false : 'oxc',
    rolldownOptions: {
      output: {
        // React and D3 change far less often than the dashboard: a chunk each, cached apart.
        codeSplitting: {
          groups: [
            { name: 'react', test: /node_modules[\\/].*(react|react-dom|scheduler|zustand)[\\/]/ },
            { name: 'd3', test: /node_modules[\\/].*d3-[a-z-]+[\\/]/ },
          ],
        },
      },
    },
  },
  server: {
    proxy: { '/api': { target: api, ws: true } },
  },
});
