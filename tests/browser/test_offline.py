"""After one visit the guide works in flight mode; logs made offline are sent once, later."""

import pytest
from playwright.sync_api import expect

from cramps.models import HydrationEntry, ReliefTechnique

pytestmark = pytest.mark.browser

WAIT_FOR_WORKER = """async () => {
  const registration = await navigator.serviceWorker.ready;
  for (let i = 0; i < 100 && !navigator.serviceWorker.controller; i++) {
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return registration.active.state;
}"""


def test_the_guide_and_a_technique_page_reload_in_flight_mode(page, context, live_url):
    page.goto(f"{live_url}/cramp-now/")
    assert page.evaluate(WAIT_FOR_WORKER) == "activated"
    technique = ReliefTechnique.objects.filter(in_cramp_guide=True).first()

    context.set_offline(True)
    page.reload()
    expect(page.locator("[data-clot-check]")).to_be_visible()
    # The stylesheet and the script came from the device too: the gate still works.
    expect(page.locator("[data-massage]").first).to_be_hidden()
    page.get_by_role("button", name="No, show the steps").click()
    expect(page.locator("[data-guide-player]")).to_be_visible()

    page.goto(f"{live_url}/techniques/{technique.slug}/")
    expect(page.get_by_role("heading", level=1)).to_contain_text(technique.name)
    page.goto(f"{live_url}/red-flags/")
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    context.set_offline(False)


def test_water_logged_offline_waits_then_is_sent_exactly_once(page, context, live_url, signed_in):
    page.goto(f"{live_url}/today/")
    page.evaluate(WAIT_FOR_WORKER)
    page.reload()  # now kept on the device, as the person's own page

    context.set_offline(True)
    # Chromium's offline emulation can reach a freshly reloaded page a moment after its first
    # script runs: the API is refused outright too, as it would be with no signal at all.
    context.route("**/api/**", lambda route: route.abort("internetdisconnected"))
    page.reload()
    page.get_by_role("button", name="+250 ml").click()
    expect(page.locator("[data-outbox]")).to_contain_text("1 entry is kept on this device")
    page.reload()  # still there after a reload, offline
    expect(page.locator("[data-outbox]")).to_contain_text("1 entry is kept on this device")
    assert HydrationEntry.objects.count() == 0

    context.unroute("**/api/**")
    context.set_offline(False)
    page.evaluate("() => window.crampless.outbox.flush()")
    expect(page.locator("[data-outbox]")).to_have_count(0)
    entry = HydrationEntry.objects.get()
    assert (entry.user, entry.amount_ml) == (signed_in, 250)
    assert entry.client_id is not None
    page.reload()  # nothing left to send: still exactly one
    expect(page.locator("[data-outbox]")).to_have_count(0)
    assert HydrationEntry.objects.count() == 1


def test_a_refused_entry_stays_queued_with_its_reason(page, live_url, signed_in):
    page.goto(f"{live_url}/today/")
    page.evaluate("() => window.crampless.outbox.add('hydration', {amount_ml: 0})")

    box = page.locator("[data-outbox]")
    expect(box).to_contain_text("not sent")
    expect(box).to_contain_text("amount_ml")
    page.reload()
    expect(page.locator("[data-outbox]")).to_contain_text("amount_ml")
    page.get_by_role("button", name="Discard").click()
    expect(page.locator("[data-outbox]")).to_have_count(0)


def test_an_entry_waiting_for_one_person_is_never_sent_into_the_next_persons_account(
    page, context, live_url, signed_in, outsider, client
):
    page.goto(f"{live_url}/today/")
    # What an offline tap left on the device for the owner (written directly: a tap would be
    # sent at once when the connection returns, before anyone else could sign in).
    page.evaluate(
        """(owner) => {
          const id = crypto.randomUUID();
          localStorage.setItem("crampless.outbox", JSON.stringify([{
            id, kind: "hydration", owner, body: {amount_ml: 300, client_id: id},
            queuedAt: new Date().toISOString(),
          }]));
        }""",
        str(signed_in.pk),
    )

    # Someone else signs in on the same device: the owner's entry waits for the owner.
    client.force_login(outsider)
    context.add_cookies(
        [{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": live_url}]
    )
    page.goto(f"{live_url}/today/")
    page.evaluate("() => window.crampless.outbox.flush()")
    expect(page.locator("[data-outbox]")).to_have_count(0)
    assert HydrationEntry.objects.count() == 0

    # The owner is back: it is sent into the owner's account, once.
    client.force_login(signed_in)
    context.add_cookies(
        [{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": live_url}]
    )
    page.goto(f"{live_url}/today/")
    page.evaluate("() => window.crampless.outbox.flush()")
    expect(page.locator("[data-outbox]")).to_have_count(0)
    entry = HydrationEntry.objects.get()
    assert (entry.user, entry.amount_ml) == (signed_in, 300)


def test_the_outbox_speaks_the_pages_language(page, live_url, signed_in):
    page.goto(f"{live_url}/zh-hans/today/")
    page.evaluate("() => window.crampless.outbox.add('hydration', {amount_ml: 0})")

    box = page.locator("[data-outbox]")
    expect(box).to_contain_text("有 1 条记录保存在这台设备上，等待发送。")
    expect(box).to_contain_text("一次饮水，记录于")
    expect(box).to_contain_text("未发送。")
    expect(box).to_contain_text("amount_ml")
    expect(box.get_by_role("button", name="立即发送")).to_be_visible()
    box.get_by_role("button", name="丢弃").click()
    expect(page.locator("[data-outbox]")).to_have_count(0)


def test_an_entry_kept_before_the_words_were_translated_still_reads_in_the_pages_language(
    page, live_url, signed_in
):
    page.goto(f"{live_url}/zh-hans/today/")
    # Queued by the earlier script, which kept an English sentence as the reason. The API never
    # answers here, so the entry stays in the box while the page shows it.
    page.route("**/api/v1/cramps/", lambda route: None)
    page.evaluate(
        """(owner) => {
          const id = crypto.randomUUID();
          localStorage.setItem("crampless.outbox", JSON.stringify([{
            id, kind: "cramps", owner, body: {side: "left", severity: 5, client_id: id},
            queuedAt: new Date().toISOString(), error: "No connection yet.",
          }]));
        }""",
        str(signed_in.pk),
    )
    page.reload()

    box = page.locator("[data-outbox]")
    expect(box).to_contain_text("一次抽筋，记录于")
    expect(box).to_contain_text("还没有网络连接。")
    # Waiting for a connection is not a refusal: nothing to discard.
    expect(box.get_by_role("button", name="丢弃")).to_have_count(0)
