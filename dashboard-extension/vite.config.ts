/// <reference types="vitest/config" />
import react from "@vitejs/plugin-react";
import { defineConfig } from "vite";

/*
 * The plugin serves the build under /plugins/saleor.crm/dashboard/ (CRM_DASHBOARD_BASE
 * overrides it). Asset names carry a content hash, so the plugin may cache them for good;
 * index.html is served for every route under the base (the path picks the view).
 */
const base = process.env.CRM_DASHBOARD_BASE ?? "/plugins/saleor.crm/dashboard/";

export default defineConfig({
  base: base.endsWith("/") ? base : `${base}/`,
  plugins: [react()],
  build: {
    // Inside the Python package, so the wheel ships it (saleor_crm_plugin/dashboard/assets.py).
    outDir: "../saleor_crm_plugin/dashboard/dist",
    emptyOutDir: true,
    sourcemap: false,
    chunkSizeWarningLimit: 1500,
    rollupOptions: {
      output: {
        entryFileNames: "assets/[name]-[hash].js",
        chunkFileNames: "assets/[name]-[hash].js",
        assetFileNames: "assets/[name]-[hash][extname]",
      },
    },
  },
  test: {
    environment: "node",
    include: ["src/**/*.test.ts", "src/**/*.test.tsx"],
    // Component tests render the real macaw-ui stack in jsdom; the machine is shared.
    testTimeout: 20_000,
  },
});
