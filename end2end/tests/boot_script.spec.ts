// The page's boot script (app/src/boot.js) on its own, in Chromium: no server, no wasm. A host
// page on one fake origin frames a page on another that holds only the session's <meta> tags
// and the script; page.route serves both and answers the early lookup.
//
// Each test runs twice: on boot.js as written, and on the compact copy the pages inline, made
// here with the same rules as app/build.rs (documented at the top of boot.js), so a rule that
// changed what the script does would show. The real pages' copy is exercised end to end by
// walking_skeleton.spec.ts (the early lookup runs, once, before the wasm).
import { expect, test, type Frame, type Page } from "@playwright/test";
import { readFileSync } from "node:fs";
import { join } from "node:path";

declare global {
  interface Window {
    __orderpaneInbox: MessageEvent[] | null;
    __orderpaneEarly?: Promise<string | null> | null;
    /** Set by the page once it shows its own panel (the early one must then stay away). */
    __orderpaneEarlyDone?: boolean;
    /** The wasm's start, which the script calls once the early panel is shown. */
    __orderpaneGo?: () => void;
    /** How often the test's stand-in for __orderpaneGo was called (-1: before the panel showed). */
    __went?: number;
    /** What the test's own listener saw (it runs after the script's). */
    __seen: unknown[];
    __kept?: unknown;
  }
}

const BOOT_JS = readFileSync(join(__dirname, "../../app/src/boot.js"), "utf8");

/** app/build.rs's `compact`, for valid input (the build, not this, refuses what it cannot handle). */
function compact(source: string): string {
  const code: string[] = [];
  let inBlock = false;
  for (const raw of source.split("\n")) {
    const line = raw.trim();
    if (inBlock || line.startsWith("/*")) {
      inBlock = !(inBlock ? line : line.slice(2)).includes("*/");
    } else if (line !== "" && !line.startsWith("//")) {
      code.push(line);
    }
  }
  const glued = (previous: string, line: string) =>
    /(?:[{([,;]|\|\||&&)$/.test(previous) || /^[})\]]/.test(line);
  return code.map((line, i) => (i > 0 && !glued(code[i - 1], line) ? "\n" : "") + line).join("");
}

const HOST = "http://host.test";
const APP = "http://app.test";
const OTHER = "http://other.test";
const EARLY_URL = `${APP}/api/panel/early`;
const INSTALL = "demo";
const TOKEN = "v1.session-token.signature";
const NONCE = "boot-test-nonce";

/** Chatwoot's appContext, as Chatwoot posts it: a JSON string. */
const appContext = (conversation: number) =>
  JSON.stringify({
    event: "appContext",
    data: { contact: { id: 55 }, conversation: { id: conversation }, currentAgent: { id: 7 } },
  });

type Answer = { status: number; body: string } | "network error";

interface Setup {
  /** The origin of the window that frames the app page; none: the app page is the top window. */
  parent?: string | null;
  /** The install's host origin, in the app page's <meta name="orderpane-host-origin">. */
  hostOrigin?: string;
  answer?: Answer;
  /** Holds the early lookup's answer back until the returned `release` is called. */
  hold?: boolean;
}

/** The app page: the script and the session's tags, under the real page's policy in short. */
function appPage(script: string, hostOrigin: string): string {
  // As in the real page, the script comes before the tags it reads.
  return `<!DOCTYPE html><html><head><meta charset="utf-8">
<script nonce="${NONCE}">${script}</script>
<meta name="orderpane-install" content="${INSTALL}">
<meta name="orderpane-host-origin" content="${hostOrigin}">
<meta name="orderpane-session" content="${TOKEN}">
</head><body><p data-state="waiting">app</p><div id="op-early"></div></body></html>`;
}

/** Opens the pages and returns ways to post to the app page and what it sent. */
async function open(page: Page, script: string, setup: Setup = {}) {
  const parent = setup.parent === undefined ? HOST : setup.parent;
  const hostOrigin = setup.hostOrigin ?? HOST;
  const answer = setup.answer ?? { status: 200, body: '{"panel":"answer"}' };
  const posts: { method: string; contentType?: string; body: unknown }[] = [];
  let release = () => {};
  const held = setup.hold ? new Promise<void>((resolve) => (release = resolve)) : Promise.resolve();

  // Nothing reaches the network; the routes below (registered later, tried first) serve all.
  await page.route(/.*/, (route) => route.abort());
  await page.route(`${APP}/`, (route) =>
    route.fulfill({
      contentType: "text/html; charset=utf-8",
      // The real page's policy in short: scripts by nonce, requests to itself.
      headers: {
        "content-security-policy":
          `default-src 'none'; script-src 'nonce-${NONCE}'; connect-src 'self'; ` +
          `frame-ancestors 'self' ${parent ?? ""}`,
      },
      body: appPage(script, hostOrigin),
    }),
  );
  await page.route(EARLY_URL, async (route) => {
    const request = route.request();
    posts.push({
      method: request.method(),
      contentType: await request.headerValue("content-type") ?? undefined,
      body: JSON.parse(request.postData() ?? "null"),
    });
    await held;
    if (answer === "network error") await route.abort("connectionfailed");
    else await route.fulfill({ status: answer.status, contentType: "application/json", body: answer.body });
  });
  if (parent) {
    await page.route(`${parent}/`, (route) =>
      route.fulfill({
        contentType: "text/html",
        body: `<!DOCTYPE html><title>host</title>
<iframe name="app" src="${APP}/"></iframe>
<iframe name="sibling" src="${parent}/sibling"></iframe>`,
      }),
    );
    await page.route(`${parent}/sibling`, (route) =>
      route.fulfill({ contentType: "text/html", body: "<!DOCTYPE html><title>sibling</title>" }),
    );
  }
  await page.goto(parent ? `${parent}/` : `${APP}/`);
  const app: Frame = parent ? page.frame({ name: "app" })! : page.mainFrame();
  const sibling: Frame | null = parent ? page.frame({ name: "sibling" }) : null;
  // The test's listener, added after the script's, runs after it: once it has seen a message,
  // the script has handled it.
  await app.evaluate(() => {
    window.__seen = [];
    window.addEventListener("message", (event) => window.__seen.push(event.data));
  });

  /** Posts `data` to the app page from `from` and waits until the page has handled it. */
  async function post(from: "parent" | "sibling" | "self", data: unknown) {
    const seen = await app.evaluate(() => window.__seen.length);
    if (from === "parent") {
      await page.mainFrame().evaluate((data) => {
        const frame = document.querySelector<HTMLIFrameElement>('iframe[name="app"]');
        frame!.contentWindow!.postMessage(data, "*");
      }, data);
    } else if (from === "sibling") {
      // A window on the host's origin, but not the app page's parent.
      await sibling!.evaluate((data) => {
        const frame = window.parent.document.querySelector<HTMLIFrameElement>('iframe[name="app"]');
        frame!.contentWindow!.postMessage(data, "*");
      }, data);
    } else {
      await app.evaluate((data) => window.postMessage(data, "*"), data);
    }
    await expect.poll(() => app.evaluate(() => window.__seen.length)).toBe(seen + 1);
  }

  /** Whether the script has started an early lookup (it sets this as it calls fetch). */
  const earlyStarted = () => app.evaluate(() => window.__orderpaneEarly !== undefined);

  /** What the early lookup sends for `message`: the session, the message, the language. */
  const bodyFor = async (message: string) => ({
    session: { install: INSTALL, token: TOKEN },
    message,
    language: await app.evaluate(() => navigator.language),
  });

  return { app, post, posts, earlyStarted, bodyFor, release };
}

for (const [variant, script] of [
  ["as written", BOOT_JS],
  ["as inlined", compact(BOOT_JS)],
] as const) {
  test.describe(`boot.js ${variant}`, () => {
    test("keeps every message event for the wasm, until the wasm takes them", async ({ page }) => {
      const { app, post, earlyStarted } = await open(page, script);
      await post("parent", '{"event":"themeChanged"}');
      await post("parent", { event: "appContext" });
      await post("sibling", appContext(101));
      await post("self", "from the page itself");
      const inbox = await app.evaluate(() =>
        window.__orderpaneInbox!.map((event) => ({
          event: event instanceof MessageEvent,
          data: event.data,
          origin: event.origin,
          source: event.source === window.parent ? "parent" : event.source === window ? "self" : "other",
        })),
      );
      expect(inbox).toEqual([
        { event: true, data: '{"event":"themeChanged"}', origin: HOST, source: "parent" },
        { event: true, data: { event: "appContext" }, origin: HOST, source: "parent" },
        { event: true, data: appContext(101), origin: HOST, source: "other" },
        { event: true, data: "from the page itself", origin: APP, source: "self" },
      ]);
      expect(await earlyStarted()).toBe(false);

      // The host bridge takes the array and leaves null: from then on the script does nothing,
      // not even for the host's appContext.
      await app.evaluate(() => {
        window.__kept = window.__orderpaneInbox;
        window.__orderpaneInbox = null;
      });
      await post("parent", appContext(102));
      expect(await app.evaluate(() => (window.__kept as MessageEvent[]).length)).toBe(4);
      expect(await app.evaluate(() => window.__orderpaneInbox)).toBeNull();
      expect(await earlyStarted()).toBe(false);
    });

    test("posts the host's appContext once to /api/panel/early, with the page's session", async ({ page }) => {
      const { app, post, posts, bodyFor } = await open(page, script);
      await post("parent", appContext(101));
      await expect.poll(() => posts.length).toBe(1);
      expect(posts[0]).toEqual({
        method: "POST",
        contentType: "application/json",
        body: await bodyFor(appContext(101)),
      });

      // A later appContext (Chatwoot sends one per conversation switch) starts no other.
      await app.evaluate(() => {
        window.__kept = window.__orderpaneEarly;
      });
      await post("parent", appContext(102));
      expect(await app.evaluate(() => window.__orderpaneEarly === window.__kept)).toBe(true);
      // So does one after the app took the lookup (it leaves null).
      await app.evaluate(() => {
        window.__orderpaneEarly = null;
      });
      await post("parent", appContext(103));
      expect(await app.evaluate(() => window.__orderpaneEarly)).toBeNull();
      expect(posts).toHaveLength(1);
    });

    test("starts no lookup for anything but an appContext string from the host's window", async ({ page }) => {
      const { post, posts, earlyStarted, bodyFor } = await open(page, script);
      // On the host's origin but another window.
      await post("sibling", appContext(201));
      // The page itself.
      await post("self", appContext(202));
      // The host, but not an appContext.
      await post("parent", '{"event":"themeChanged","data":{"theme":"dark"}}');
      // The host, but not a string (Lime Connect posts objects); the array would pass the
      // appContext test if the script took it for a string.
      await post("parent", ['"appContext"']);
      await post("parent", { event: "appContext", data: {} });
      expect(await earlyStarted()).toBe(false);
      // The one lookup (there is only ever one) is the host's appContext that came last.
      await post("parent", appContext(203));
      await expect.poll(() => posts.length).toBe(1);
      expect(posts[0].body).toEqual(await bodyFor(appContext(203)));
    });

    test("starts no lookup for a parent window on another origin than the install's host", async ({ page }) => {
      const { post, posts, earlyStarted } = await open(page, script, { parent: OTHER });
      await post("parent", appContext(301));
      expect(await earlyStarted()).toBe(false);
      expect(posts).toEqual([]);
    });

    test("takes the appContext a top-level page's own window posts (Chatwoot's mobile app)", async ({ page }) => {
      // The mobile app opens the page top-level in a WebView and injects
      // `window.postMessage(JSON.stringify(appContext))` into it: source is the page itself,
      // origin its own. The install's host origin (the web helpdesk's) plays no part.
      const { post, posts, bodyFor } = await open(page, script, { parent: null, hostOrigin: HOST });
      await post("self", appContext(401));
      await expect.poll(() => posts.length).toBe(1);
      expect(posts[0].body).toEqual(await bodyFor(appContext(401)));
    });

    test("a top-level page ignores an appContext from its opener, even on its own origin", async ({ page, context }) => {
      const posts: unknown[] = [];
      await context.route(/.*/, (route) => route.abort());
      await context.route(`${APP}/`, (route) =>
        route.fulfill({ contentType: "text/html; charset=utf-8", body: appPage(script, HOST) }),
      );
      await context.route(`${APP}/opener`, (route) =>
        route.fulfill({ contentType: "text/html", body: "<!DOCTYPE html><title>opener</title>" }),
      );
      await context.route(EARLY_URL, async (route) => {
        posts.push(route.request().postData());
        await route.fulfill({ status: 200, contentType: "application/json", body: "{}" });
      });
      await page.goto(`${APP}/opener`);
      const [app] = await Promise.all([
        context.waitForEvent("page"),
        page.evaluate(() => {
          (window as unknown as { app: Window | null }).app = window.open("/", "app");
        }),
      ]);
      await app.waitForLoadState();
      await app.evaluate(() => {
        window.__seen = [];
        window.addEventListener("message", (event) => window.__seen.push(event.data));
      });
      // Same origin as the page, but another window: an opener is never the host.
      await page.evaluate((data) => (window as unknown as { app: Window }).app.postMessage(data, "*"), appContext(402));
      await expect.poll(() => app.evaluate(() => window.__seen.length)).toBe(1);
      expect(await app.evaluate(() => window.__orderpaneEarly !== undefined)).toBe(false);
      expect(posts).toEqual([]);
      // The page's own window still is.
      await app.evaluate((data) => window.postMessage(data, "*"), appContext(403));
      await expect.poll(() => posts.length).toBe(1);
    });

    const EARLY_HTML = '<table class="orders"><tbody><tr class="order"><td>1005</td></tr></tbody></table>';
    const withHtml = { status: 200, body: JSON.stringify({ panel: "answer", html: EARLY_HTML }) };
    /** The early panel as the page shows it: the element's HTML and the page's mark. */
    const shown = (app: Frame) =>
      app.evaluate(() => ({
        html: document.getElementById("op-early")!.innerHTML,
        marked: document.documentElement.hasAttribute("data-early"),
      }));

    test("shows the answer's server-rendered panel at once, in #op-early, and marks the page", async ({ page }) => {
      const { app, post } = await open(page, script, { answer: withHtml });
      // The wasm's start (ui/wasm_start.rs) waits for the early panel: it is told once shown.
      await app.evaluate(() => {
        window.__orderpaneGo = () => {
          window.__went = (window.__went ?? 0) + 1;
          if (!document.documentElement.hasAttribute("data-early")) window.__went = -1;
        };
      });
      await post("parent", appContext(601));
      await expect.poll(() => shown(app)).toEqual({ html: EARLY_HTML, marked: true });
      await expect.poll(() => app.evaluate(() => window.__went)).toBe(1);
      // The same context again (Chatwoot repeats it on fetch-info) keeps it.
      await post("parent", appContext(601));
      expect(await shown(app)).toEqual({ html: EARLY_HTML, marked: true });
    });

    test("takes the early panel down when the host posts another contact's context first", async ({ page }) => {
      const { app, post } = await open(page, script, { answer: withHtml });
      await post("parent", appContext(602));
      await expect.poll(() => shown(app)).toEqual({ html: EARLY_HTML, marked: true });
      await post("parent", appContext(603));
      expect(await shown(app)).toEqual({ html: "", marked: false });
    });

    test("never shows an early panel that came after another context did", async ({ page }) => {
      const { app, post, release } = await open(page, script, { answer: withHtml, hold: true });
      await post("parent", appContext(604));
      await post("parent", appContext(605));
      release();
      await expect.poll(() => app.evaluate(() => window.__orderpaneEarly)).toBe(withHtml.body);
      expect(await shown(app)).toEqual({ html: "", marked: false });
    });

    test("shows no early panel once the page has shown its own", async ({ page }) => {
      const { app, post, release } = await open(page, script, { answer: withHtml, hold: true });
      await post("parent", appContext(606));
      // The wasm rendered the panel itself (ui/bridge/host.rs drop_early_view says so).
      await app.evaluate(() => {
        window.__orderpaneEarlyDone = true;
      });
      release();
      await expect.poll(() => app.evaluate(() => window.__orderpaneEarly)).toBe(withHtml.body);
      expect(await shown(app)).toEqual({ html: "", marked: false });
    });

    for (const [answer, expected] of [
      [{ status: 200, body: '{"panel":"answer"}' }, '{"panel":"answer"}'],
      [{ status: 500, body: "oops" }, null],
      [{ status: 503, body: "busy" }, null],
      ["network error", null],
    ] as const) {
      const name = answer === "network error" ? answer : `HTTP ${answer.status}`;
      test(`the early lookup settles to ${expected === null ? "null" : "the answer's text"} on ${name}`, async ({
        page,
      }) => {
        const { app, post, posts } = await open(page, script, { answer });
        await post("parent", appContext(501));
        expect(await app.evaluate(() => window.__orderpaneEarly)).toBe(expected);
        expect(posts).toHaveLength(1);
      });
    }
  });
}
