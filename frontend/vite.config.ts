import { defineConfig } from "vite";
import react from "@vitejs/plugin-react";

// Django serves the bundle from /static/app/ and reads .vite/manifest.json to find
// the entry's hashed file names (key "src/main.tsx").
export default defineConfig(({ command }) => ({
  plugins: [react()],
  // The dev server serves the app at / (log in on Django first: the session cookie is shared).
  base: command === "build" ? "/static/app/" : "/",
  build: {
    outDir: "../builder/static/app",
    emptyOutDir: true,
    manifest: true,
    sourcemap: false,
    chunkSizeWarningLimit: 1500,
    rollupOptions: {
      input: "src/main.tsx",
    },
  },
  server: {
    port: 5173,
    proxy: {
      "/api": { target: "http://127.0.0.1:8000", changeOrigin: false },
      "/ws": { target: "ws://127.0.0.1:8000", ws: true },
      "/login": { target: "http://127.0.0.1:8000" },
      "/logout": { target: "http://127.0.0.1:8000" },
      "/healthz": { target: "http://127.0.0.1:8000" },
    },
  },
}));
