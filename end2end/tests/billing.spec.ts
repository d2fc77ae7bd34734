import { expect, test } from "@playwright/test";
import { HISTORY_ROWS, expectCustomer, openConversation } from "./simulator";

test("the summary, chart and billing sections show what the customer paid and owes", async ({ page }) => {
  // Omar: an unpaid order, its card declined, its invoice overdue.
  const omar = await openConversation(page, 102);
  await expectCustomer(omar, "Omar Haddad");
  await expect(omar.locator("[data-state=open-balance]")).toHaveText("£15.00");
  await expect(omar.locator(".summary .attention")).toBeVisible();
  await expect(omar.locator(HISTORY_ROWS).first()).toContainText("payment failed");
  const invoices = omar.locator("[data-section=invoices]");
  await expect(invoices.locator("summary")).toContainText("1 overdue");
  await invoices.locator("summary").click();
  await expect(invoices.locator("[data-id=INV-1007]")).toContainText("overdue");
  const payments = omar.locator("[data-section=payments]");
  await expect(payments.locator("summary")).toContainText("1 failed");
  // Keyboard: a section opens with Enter on its heading.
  await payments.locator("summary").focus();
  await page.keyboard.press("Enter");
  await expect(payments.locator("[data-status=failed]")).toContainText(
    "Card declined: insufficient funds",
  );

  // Jane: a partial refund, a subscription, a chart of twelve months.
  const jane = await openConversation(page, 101);
  await expectCustomer(jane, "Jane Doe");
  await expect(jane.locator("[data-state=refunded]")).toHaveText("€85.00");
  await expect(jane.locator("[data-state=active-subscriptions]")).toHaveText("1 active");
  await expect(jane.locator("[data-state=chart] rect")).toHaveCount(12);
  await jane.locator(`${HISTORY_ROWS}[data-order="1003"] button`).click();
  const details = jane.locator('[data-order-detail="1003"]');
  await expect(details.locator(".refunds")).toContainText("One mug arrived chipped");
  await expect(details.locator("address")).toContainText("50672 Köln");
});

test("a customer with many orders in two currencies pages through them", async ({ page }) => {
  const marco = await openConversation(page, 109);
  await expectCustomer(marco, "Marco Rossi");
  await expect(marco.locator("[data-state=spent]")).toContainText("CHF");
  await expect(marco.locator("[data-state=spent]")).toContainText("€");
  await expect(marco.locator("[data-state=order-count]")).toHaveText("45");
  const rows = marco.locator(HISTORY_ROWS);
  await expect(rows).toHaveCount(20);
  const more = marco.locator("button.more");
  await more.click();
  await expect(rows).toHaveCount(40);
  await more.click();
  await expect(rows).toHaveCount(45);
  await expect(more).toHaveCount(0);
  // Newest first across pages: the last row is the oldest order.
  await expect(rows.last()).toHaveAttribute("data-order", "1014");
  // Billing lists hold the newest twenty and say how many there are in all.
  await expect(marco.locator("[data-section=invoices] summary")).toContainText("(45, newest 20 shown)");
  const subscriptions = marco.locator("[data-section=subscriptions]");
  await subscriptions.locator("summary").click();
  await expect(subscriptions.locator("[data-status=past_due]")).toContainText("Tea club");
});

test.describe("in a German browser", () => {
  test.use({ locale: "de-DE" });

  test("money and dates follow the agent's locale", async ({ page }) => {
    const jane = await openConversation(page, 101);
    await expectCustomer(jane, "Jane Doe");
    const newest = jane.locator(HISTORY_ROWS).first();
    await expect(newest).toContainText("49,90\u00a0€");
    await expect(newest).toContainText("18.11.2026");
    await expect(jane.locator("[data-state=refunded]")).toHaveText("85,00\u00a0€");
  });
});

test("an invoice number in the conversation pins the order it bills", async ({ page }) => {
  const marco = await openConversation(page, 109);
  await expectCustomer(marco, "Marco Rossi");
  await expect(marco.locator("table.mentioned tr.order")).toHaveAttribute("data-order", "1020");
});

test("what needs attention is said first, each line taking the agent to its row", async ({ page }) => {
  // Omar ("I paid twice I think"): INV-1006 was paid by card and again by bank transfer; his
  // card was declined for order 1007, whose invoice is overdue.
  const omar = await openConversation(page, 102);
  await expectCustomer(omar, "Omar Haddad");
  const attention = omar.locator("section.attention li");
  await expect(attention).toHaveCount(3);
  const doubleCharge = attention.nth(0);
  await expect(doubleCharge).toHaveAttribute("data-kind", "overcharged");
  await expect(doubleCharge).toContainText("Charged twice: order 1006, £220.00 more than due");
  await expect(attention.nth(1)).toHaveAttribute("data-kind", "failed-payment");
  await expect(attention.nth(1)).toContainText("order 1007");
  await expect(attention.nth(2)).toHaveAttribute("data-kind", "overdue-invoice");
  await expect(attention.nth(2)).toContainText("invoice INV-1007");
  // The double charge shows its order's row.
  await doubleCharge.getByRole("button").click();
  await expect(omar.locator(`${HISTORY_ROWS}[data-order="1006"]`)).toHaveAttribute("data-highlight", "");
  // The overdue invoice opens the invoices and shows it.
  const invoices = omar.locator("[data-section=invoices]");
  await expect(invoices).not.toHaveAttribute("open", "");
  await attention.nth(2).getByRole("button").click();
  await expect(invoices).toHaveAttribute("open", "");
  await expect(invoices.locator("[data-id=INV-1007]")).toHaveAttribute("data-highlight", "");
  await expect(invoices.locator("[data-id=INV-1007]")).toBeInViewport();

  // Marco: the tea club's renewal failed and it is past due; only the espresso club is active.
  const marco = await openConversation(page, 109);
  await expectCustomer(marco, "Marco Rossi");
  const pastDue = marco.locator('section.attention li[data-kind="past-due-subscription"]');
  await expect(pastDue).toContainText("Subscription past due: Tea club, monthly");
  await expect(marco.locator('section.attention li[data-kind="failed-payment"]')).toContainText("a renewal");
  await expect(marco.locator("[data-state=active-subscriptions]")).toHaveText("1 active");
  await pastDue.getByRole("button").click();
  await expect(marco.locator("[data-section=subscriptions]")).toHaveAttribute("open", "");
  await expect(marco.locator("[data-section=subscriptions] summary")).toContainText("1 past due");

  // Lena: the refund of her returned order has been pending for days.
  const lena = await openConversation(page, 103);
  await lena.locator('.candidates li[data-customer="C-1003"]').getByRole("button").click();
  await expectCustomer(lena, "Lena Fischer");
  await expect(lena.locator('section.attention li[data-kind="refund-pending"]')).toContainText(
    /Refund pending for \d+ days: order 1008, €19\.90/,
  );

  // Jane: her declined card was followed by one that went through: nothing about payments.
  // The demo store's dates are fixed (its "today" is 2026-11-20), so by now her order 1005,
  // paid on 2026-11-18, waits to be shipped, and 1004's parcel, shipped on 2026-11-06, is
  // still on its way.
  const jane = await openConversation(page, 101);
  await expectCustomer(jane, "Jane Doe");
  await expect(jane.locator('section.attention li[data-kind="not-shipped"]')).toContainText(
    /Paid but not shipped after \d+ days: order 1005/,
  );
  const transit = jane.locator('section.attention li[data-kind="long-in-transit"]');
  await expect(transit).toContainText(/In transit for \d+ days: order 1004 \(DHL\)/);
  await transit.getByRole("button").click();
  await expect(jane.locator(`${HISTORY_ROWS}[data-order="1004"]`)).toBeInViewport();
  await expect(jane.locator('section.attention li[data-kind="failed-payment"]')).toHaveCount(0);
  await expect(jane.locator('section.attention li[data-kind="overcharged"]')).toHaveCount(0);
});
