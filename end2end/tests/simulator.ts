import { expect, type FrameLocator, type Page } from "@playwright/test";
import { SIMULATOR_URL } from "../playwright.config";

/** Opens the host simulator on one demo conversation and returns the app's frame. */
export async function openConversation(
  page: Page,
  conversationId: number,
  extra: Record<string, string> = {},
  base: string = SIMULATOR_URL,
): Promise<FrameLocator> {
  const params = new URLSearchParams({ conversation: String(conversationId), ...extra });
  await page.goto(`${base}?${params}`);
  return page.frameLocator("#dashboard-app");
}

/** The simulator's log lines (newest first), as the host saw the app's messages. */
export async function hostLog(page: Page): Promise<string> {
  return (await page.locator("#host-log").textContent()) ?? "";
}

/** Waits until the panel in the frame shows a customer header with this name, rendered by
 * the page itself: the server-rendered early panel the boot script shows first has given way. */
export async function expectCustomer(app: FrameLocator, name: string) {
  await expect(app.locator(".customer h1")).toHaveText(name);
  await expectLive(app);
}

/** Waits until the wasm has taken over from the early panel (if one was shown). */
export async function expectLive(app: FrameLocator) {
  await expect(app.locator("html")).not.toHaveAttribute("data-early");
  await expect(app.locator("#op-early > *")).toHaveCount(0);
}

/** The rows of the customer's order history (not the orders pinned as mentioned). */
export const HISTORY_ROWS = "table.orders:not(.mentioned) tr.order";
