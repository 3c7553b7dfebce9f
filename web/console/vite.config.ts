import { defineConfig } from 'vite';
import react from '@vitejs/plugin-react';

// The staff console, served by the server at / (server/web.ts). Built by scripts/build-web.mjs on
// `npm install` and on `npm start` when sources changed; `npx vite` in this folder serves it with hot
// reload and forwards /api to a server on :8080.
export default defineConfig({
  base: '/',
  plugins: [react()],
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    // antd's shared core is ~1 MB before gzip; the screens themselves are loaded on demand
    chunkSizeWarningLimit: 1200,
    reportCompressedSize: false,
    rolldownOptions: {
      output: {
        // the framework every screen needs gets a stable name (and stays cached across releases
        // that change only screens); everything else is split automatically along the lazy screens
        codeSplitting: {
          groups: [{ name: 'framework', test: /node_modules[\\/](react|react-dom|scheduler|react-router|i18next|react-i18next)[\\/]/ }],
        },
      },
    },
  },
  server: { proxy: { '/api': 'http://localhost:8080' } },
});
