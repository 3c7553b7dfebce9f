import { defineConfig } from 'vite';
import react from '@vitejs/plugin-react';

// The resident page (H5), served by the server at /m/ (server/web.ts). Built by scripts/build-web.mjs
// with the console. Phones on slow networks: the first screen loads only the framework, antd-mobile's
// parts it uses and the active language; every other page is its own chunk.
export default defineConfig({
  base: '/m/',
  plugins: [react()],
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    reportCompressedSize: false,
    // Android WebViews and browsers of older phones (Chrome 87, iOS 14)
    target: ['chrome87', 'safari14'],
  },
  server: { proxy: { '/api': 'http://localhost:8080' } },
});
