import { defineConfig } from "@playwright/test";

/** Ports of the app and the host simulator during browser tests (not the `make run` ones). */
/** ORDERPANE_E2E_PORTS="app,simulator" moves them, so that two checkouts can test at once. */
const PORTS = (process.env.ORDERPANE_E2E_PORTS ?? "3200,3300").split(",").map(Number);
export const APP_PORT = PORTS[0];
export const SIMULATOR_PORT = PORTS[1];
/** The simulator's allowed origin (localhost: another site than the app's 127.0.0.1). */
export const SIMULATOR_URL = `http://localhost:${SIMULATOR_PORT}/`;
/** The same simulator on an origin the app does not allow to frame it. */
export const FOREIGN_SIMULATOR_URL = `http://127.0.0.1:${SIMULATOR_PORT}/`;
export const APP_URL = `http://127.0.0.1:${APP_PORT}/`;

export default defineConfig({
  testDir: "./tests",
  timeout: 30_000,
  expect: { timeout: 10_000 },
  fullyParallel: true,
  workers: 2,
  reporter: [["list"]],
  use: {
    browserName: "chromium",
    // The agent's locale decides how money and dates read; tests that need another set it.
    locale: "en-US",
    launchOptions: {
      // Debian's Chromium; nothing is downloaded.
      executablePath: "/usr/bin/chromium",
      args: [
        "--no-sandbox",
        "--disable-gpu",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--no-first-run",
      ],
    },
  },
  webServer: {
    // The release server built by `cargo leptos build --release`, run from the project root,
    // with its embedded database in a fresh folder (DATABASE_URL is unset by scripts/test.sh).
    // ORDERPANE_E2E_SERVER runs another build of the server (it must sit beside its hash.txt).
    command: process.env.ORDERPANE_E2E_SERVER ?? "./target/release/server",
    cwd: "..",
    url: `${APP_URL}readyz`,
    timeout: 120_000,
    reuseExistingServer: false,
    stdout: "pipe",
    stderr: "pipe",
    env: {
      LEPTOS_SITE_ADDR: `127.0.0.1:${APP_PORT}`,
      LEPTOS_SITE_ROOT: "target/site",
      LEPTOS_ENV: "PROD",
      ORDERPANE_SIMULATOR_ADDR: `127.0.0.1:${SIMULATOR_PORT}`,
      ORDERPANE_DATA_DIR: "target/e2e-db",
      RUST_LOG: "info",
    },
  },
});
