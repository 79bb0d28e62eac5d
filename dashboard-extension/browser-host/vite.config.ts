import { defineConfig } from "vite";

// The browser tests' stand-in for the Dashboard (see host.ts); never shipped.
export default defineConfig({
  root: __dirname,
  base: "./",
  logLevel: "warn",
  build: { outDir: "dist", emptyOutDir: true },
});
