import { defineConfig } from "@playwright/test";
import base from "./playwright.config";

/**
 * The browser tests that need no app server (pages served by `page.route`): the main config
 * runs them too, with the others; this one runs them without a release build, e.g.
 * `npx playwright test -c playwright.page.config.ts`.
 */
export default defineConfig({
  ...base,
  testMatch: ["boot_script.spec.ts"],
  webServer: undefined,
});
