import { defineConfig } from "vitest/config";
import react from "@vitejs/plugin-react";

export default defineConfig({
  plugins: [react()],
  test: {
    environment: "node",
    include: ["src/**/*.test.ts", "src/**/*.test.tsx"],
    // Component tests opt into jsdom with a `// @vitest-environment jsdom` docblock.
    pool: "threads",
  },
});
