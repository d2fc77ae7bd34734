// Chatwoot's mobile app and the newest Chatwoot web frame (HOSTS.md).
//
// The mobile app opens the registered URL top-level in a WebView and injects the context into
// the page itself; the simulator's "mobile app" link opens the app that way
// (server/src/simulator/mobile.rs plays the native side, including
// window.ReactNativeWebView). Chatwoot's newest web frame re-sends the same context on theme
// and attribute changes: that must cost nothing.
import { expect, test, type Page } from "@playwright/test";
import { APP_URL } from "../playwright.config";
import { expectCustomer, openConversation } from "./simulator";

/** The simulator's mobile link for a conversation: the app's URL with simulate=mobile. */
async function mobileUrl(page: Page, conversationId: number): Promise<string> {
  await openConversation(page, conversationId);
  const href = await page.locator("#mobile-link").getAttribute("href");
  expect(href).toContain("simulate=mobile");
  return href!;
}

test.describe("Chatwoot's mobile app", () => {
  test("the app opened top-level reads the injected context and fits a 360 px phone", async ({ page, context }) => {
    const url = await mobileUrl(page, 101);
    const phone = await context.newPage();
    await phone.setViewportSize({ width: 360, height: 740 });
    await phone.goto(url);
    await expect(phone.locator(".customer h1")).toHaveText("Jane Doe");
    // The context came the mobile way: injected into the page itself, snake_cased.
    expect(Number(await phone.locator("html").getAttribute("data-mobile-injected"))).toBeGreaterThanOrEqual(1);
    await expect(phone.locator("tr.order").first()).toBeVisible();
    // Nothing wider than the phone: no sideways scrolling.
    const width = await phone.evaluate(() => document.documentElement.scrollWidth);
    expect(width).toBeLessThanOrEqual(360);
  });

  test("Refresh asks again through the native bridge, not window.parent", async ({ page, context }) => {
    const url = await mobileUrl(page, 102);
    const phone = await context.newPage();
    await phone.goto(url);
    await expect(phone.locator(".customer h1")).toHaveText("Omar Haddad");
    // The server-rendered early panel shows first; Refresh works once the wasm has taken over.
    await expect(phone.locator("html")).not.toHaveAttribute("data-early");
    const injected = async () => Number(await phone.locator("html").getAttribute("data-mobile-injected"));
    const before = await injected();
    await phone.getByRole("button", { name: "Refresh" }).click();
    await expect(phone.locator("html")).toHaveAttribute("data-mobile-asked", "chatwoot-dashboard-app:fetch-info");
    await expect.poll(injected).toBe(before + 1);
    await expect(phone.locator(".customer h1")).toHaveText("Omar Haddad");
  });

  test("a context posted by another window, even on the app's own origin, is ignored", async ({ page, context }) => {
    const url = await mobileUrl(page, 101);
    // The forged context: another demo conversation's, in the mobile shape.
    const forged = await (await page.request.get(`${APP_URL}dev/mobile-context?conversation=102`)).text();
    expect(forged).toContain("Omar");
    // An opener on the app's own origin opens the app top-level, as a phishing page might.
    const opener = await context.newPage();
    await opener.goto(`${APP_URL}readyz`);
    const [phone] = await Promise.all([
      context.waitForEvent("page"),
      opener.evaluate((url) => {
        (window as unknown as { app: Window | null }).app = window.open(url);
      }, url),
    ]);
    const ignored: string[] = [];
    phone.on("console", (message) => {
      if (message.text().includes("not the page's own window")) ignored.push(message.text());
    });
    await expect(phone.locator(".customer h1")).toHaveText("Jane Doe");
    await opener.evaluate((forged) => (window as unknown as { app: Window }).app.postMessage(forged, "*"), forged);
    await expect.poll(() => ignored.length).toBeGreaterThan(0);
    await expect(phone.locator(".customer h1")).toHaveText("Jane Doe");
    await expect(phone.locator("text=Omar Haddad")).toHaveCount(0);
  });
});

test.describe("Chatwoot's newest web frame", () => {
  test("the same context again costs nothing; a theme change changes only the theme", async ({ page }) => {
    const lookups: string[] = [];
    page.on("request", (request) => {
      if (/\/api\/panel(\/early)?$/.test(new URL(request.url()).pathname)) lookups.push(`${request.url()} ${request.postData() ?? ""}`);
    });
    // Kenji Sato: a customer no other test changes, so no live change (from a test running
    // alongside) can set off a lookup while this one counts them.
    const app = await openConversation(page, 104);
    await expectCustomer(app, "Kenji Sato");
    await expect(app.locator("main.panel")).toHaveAttribute("data-live", "open");
    const settled = lookups.length;
    // Watch for any flash of the loading state from now on.
    const frame = page.frames().find((f) => f.url().startsWith(APP_URL))!;
    await frame.evaluate(() => {
      (window as unknown as { flickers: number }).flickers = 0;
      new MutationObserver(() => {
        if (document.querySelector('[data-state="loading"]')) (window as unknown as { flickers: number }).flickers++;
      }).observe(document.body, { subtree: true, childList: true, attributes: true });
    });
    for (let i = 0; i < 3; i++) await page.evaluate(() => (window as unknown as { simulator: { sendContextAgain(): void } }).simulator.sendContextAgain());
    await page.locator("#dark-theme").check();
    await expect(app.locator("main.panel")).toHaveClass(/dark/);
    // Give a lookup every chance to start.
    await page.waitForTimeout(1000);
    expect(lookups, `settled at ${settled}`).toHaveLength(settled);
    expect(await frame.evaluate(() => (window as unknown as { flickers: number }).flickers)).toBe(0);
    await expectCustomer(app, "Kenji Sato");
  });
});
