"""The console, end to end in headless Chromium: sign-up to a board-approved T3, as the people who
use Writ would do it, with axe-core on every page and a screenshot of each at desktop and phone width.

Usage: console_test.py WRIT_BINARY SOCKET_DIR DATABASE SCREENSHOT_DIR
"""
import base64
import glob
import hashlib
import hmac
import json
import os
import re
import struct
import sys
import tempfile
import time

from selenium import webdriver
from selenium.common.exceptions import TimeoutException
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions as EC
from selenium.webdriver.support.ui import Select, WebDriverWait
from axe_selenium_python import Axe

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "lib"))
import served  # noqa: E402

binary, socket_dir, database, shots = sys.argv[1:5]
os.makedirs(shots, exist_ok=True)
mail = tempfile.mkdtemp(prefix="writ-console-mail-")
PASSWORD = "console test password"
DESKTOP, PHONE = (1280, 900), (375, 812)
checked_pages = []


def totp(secret, step_offset=0):
    """RFC 6238 code (SHA-1, 6 digits, 30 s), written here so the test shares no code with Writ."""
    key = base64.b32decode(secret + "=" * (-len(secret) % 8))
    counter = int(time.time()) // 30 + step_offset
    digest = hmac.new(key, struct.pack(">Q", counter), hashlib.sha1).digest()
    offset = digest[-1] & 0x0F
    return "%06d" % ((struct.unpack(">I", digest[offset:offset + 4])[0] & 0x7FFFFFFF) % 1_000_000)


def browser():
    options = webdriver.ChromeOptions()
    for argument in ["--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu", "--lang=en-GB",
                     f"--window-size={DESKTOP[0]},{DESKTOP[1]}", "--force-prefers-reduced-motion"]:
        options.add_argument(argument)
    options.binary_location = "/usr/bin/chromium"
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    return webdriver.Chrome(service=Service("/usr/bin/chromedriver"), options=options)


def wait(driver, condition, seconds=15, what="the page"):
    try:
        return WebDriverWait(driver, seconds).until(condition)
    except TimeoutException:
        driver.save_screenshot(os.path.join(shots, "failure.png"))
        sys.exit(f"console_test: timed out waiting for {what} at {driver.current_url}\n"
                 f"{driver.find_element(By.TAG_NAME, 'body').text[:1500]}")


def css(driver, selector, seconds=15):
    return wait(driver, EC.visibility_of_element_located((By.CSS_SELECTOR, selector)), seconds, selector)


def text_appears(driver, selector, text, seconds=15):
    wait(driver, EC.text_to_be_present_in_element((By.CSS_SELECTOR, selector), text), seconds, f"'{text}' in {selector}")


def heading(driver, text):
    text_appears(driver, "main h1", text)


def type_into(element, text):
    element.clear()
    element.send_keys(text)


def phone_viewport(driver):
    """A 375 px phone, as the device toolbar emulates one."""
    driver.execute_cdp_cmd("Emulation.setDeviceMetricsOverride", {"width": PHONE[0], "height": PHONE[1], "deviceScaleFactor": 1, "mobile": True})


def check_page(driver, name):
    """axe-core: no serious or critical violation; no console errors; screenshots at both widths."""
    axe = Axe(driver)
    axe.inject()
    results = axe.run()
    bad = [v for v in results["violations"] if v["impact"] in ("serious", "critical")]
    if bad:
        details = "\n".join(f"  {v['id']} ({v['impact']}): {v['help']} — {[(n['target'], n['html'][:160]) for n in v['nodes']][:3]}" for v in bad)
        sys.exit(f"console_test: accessibility violations on {name}:\n{details}")
    errors = [entry for entry in driver.get_log("browser") if entry["level"] == "SEVERE" and "favicon" not in entry["message"]]
    # A 4xx the page expected (e.g. a refused invalid policy) is logged by Chromium as a failed resource; scripts errors are not expected.
    script_errors = [entry for entry in errors if "Failed to load resource" not in entry["message"]]
    if script_errors:
        sys.exit(f"console_test: browser errors on {name}: {script_errors}")
    driver.execute_script("document.getElementById('toast')?.replaceChildren()")
    for label, (width, height) in (("desktop", DESKTOP), ("phone", PHONE)):
        driver.execute_cdp_cmd("Emulation.setDeviceMetricsOverride", {"width": width, "height": height, "deviceScaleFactor": 1, "mobile": label == "phone"})
        time.sleep(0.2)
        full = driver.execute_script("window.scrollTo(0, 0); return Math.max(document.body.scrollHeight, document.documentElement.scrollHeight)")
        shot = driver.execute_cdp_cmd("Page.captureScreenshot", {
            "format": "png", "captureBeyondViewport": True, "clip": {"x": 0, "y": 0, "width": width, "height": min(max(height, full), 5000), "scale": 1}})
        with open(os.path.join(shots, f"{name}-{label}.png"), "wb") as file:
            file.write(base64.b64decode(shot["data"]))
    driver.execute_cdp_cmd("Emulation.clearDeviceMetricsOverride", {})
    checked_pages.append(name)


def sign_in(driver, node, email):
    driver.delete_all_cookies()
    driver.get(node + "/")
    driver.execute_script("localStorage.clear(); sessionStorage.clear();")
    driver.get(node + "/#/signin")
    driver.refresh()
    type_into(css(driver, "input[name=email]"), email)
    type_into(css(driver, "input[name=password]"), PASSWORD)
    driver.find_element(By.CSS_SELECTOR, "form button[type=submit]").click()
    heading(driver, "Overview")


def mailed_link(address, kind, path):
    """The link of kind `path` (approve/invite) mailed to `address`."""
    for _ in range(200):
        for file in glob.glob(os.path.join(mail, "*.eml")):
            text = open(file, encoding="utf-8", newline="").read()
            if f"\r\nTo: {address}\r\n" in text and f"X-Writ-Kind: {kind}" in text:
                return re.search(rf"(http\S*/{path}#\S+)", text).group(1)
        time.sleep(0.05)
    sys.exit(f"console_test: no {kind} mail for {address}")


def main():
    process, node = served.start(binary, socket_dir, database, served.environment(WRIT_MAIL_DIR=mail))
    driver = browser()
    try:
        run(driver, node)
    finally:
        driver.quit()
        process.terminate()
        process.wait(timeout=20)
    print(f"console_test: every step passed; axe-core found no serious or critical violation on {len(checked_pages)} pages; "
          f"screenshots in {shots}")


def run(driver, node):
    admin_email = f"admin-{os.getpid()}@example.com"
    # 1. Sign up.
    driver.get(node + "/")
    heading(driver, "Sign in")
    check_page(driver, "signin")
    driver.find_element(By.LINK_TEXT, "Create an organisation").click()
    heading(driver, "Create your organisation")
    check_page(driver, "signup")
    type_into(css(driver, "input[name=organization]"), "Acme Robotics")
    type_into(driver.find_element(By.CSS_SELECTOR, "input[name=email]"), admin_email)
    type_into(driver.find_element(By.CSS_SELECTOR, "input[name=password]"), "short")
    driver.find_element(By.CSS_SELECTOR, "form button[type=submit]").click()
    text_appears(driver, "[data-path=password] .field-error", "12")  # the server's problem, next to its field
    type_into(driver.find_element(By.CSS_SELECTOR, "input[name=password]"), PASSWORD)
    driver.find_element(By.CSS_SELECTOR, "form button[type=submit]").click()
    heading(driver, "Overview")
    text_appears(driver, "#start-title", "Getting started")
    check_page(driver, "overview-new")

    # 2. A team, an agent and its key; the people, invited by mail.
    driver.get(node + "/#/admin")
    heading(driver, "Administration")
    type_into(css(driver, "#teams-title ~ form input[name=name]"), "Platform")
    driver.find_element(By.XPATH, "//button[text()='Create the team']").click()
    text_appears(driver, "#toast", "Created the team Platform")
    text_appears(driver, "#teams-title ~ .table-scroll", "Platform")
    wait(driver, lambda d: d.find_elements(By.CSS_SELECTOR, "#agents-title ~ form select[name=team_id] option"), what="the team in the agent form")
    type_into(driver.find_element(By.CSS_SELECTOR, "#agents-title ~ form input[name=name]"), "deployer")
    type_into(driver.find_element(By.CSS_SELECTOR, "#agents-title ~ form input[name=labels]"), "env=prod")
    driver.find_element(By.XPATH, "//button[text()='Register the agent']").click()
    text_appears(driver, "#toast", "Registered the agent deployer")
    text_appears(driver, "#agents-title ~ .table-scroll", "deployer")
    wait(driver, lambda d: len(d.find_elements(By.CSS_SELECTOR, "#keys-title ~ form select[name=agent_id] option")) == 2, what="the agent in the key form")
    type_into(driver.find_element(By.CSS_SELECTOR, "#keys-title ~ form input[name=name]"), "deployer key")
    Select(driver.find_element(By.CSS_SELECTOR, "#keys-title ~ form select[name=agent_id]")).select_by_visible_text("deployer")
    driver.find_element(By.XPATH, "//button[text()='Create the key']").click()
    key = css(driver, "#new-key").text
    assert key.startswith("writ_"), key

    people = {}
    for name, roles in [("operator", ["operator"]), ("approver1", ["approver"]), ("approver2", ["approver"]),
                        ("board1", ["board"]), ("board2", ["board"]), ("board3", ["board"])]:
        email = f"{name}-{os.getpid()}@example.com"
        people[name] = email
        type_into(driver.find_element(By.CSS_SELECTOR, "#members-title ~ form input[name=email]"), email)
        for box in driver.find_elements(By.CSS_SELECTOR, "#members-title ~ form input[name=roles]"):
            if box.is_selected() != (box.get_attribute("value") in roles):
                box.click()
        team_box = driver.find_element(By.CSS_SELECTOR, "#members-title ~ form input[name=teams]")
        if team_box.is_selected() != (name == "operator"):
            team_box.click()
        driver.find_element(By.XPATH, "//button[text()='Send the invitation']").click()
        text_appears(driver, "#toast", f"Invitation mailed to {email}")
        text_appears(driver, "#members-title ~ .table-scroll", email)  # the section was drawn anew
    # A webhook endpoint: its signing secret is shown once, the endpoint listed.
    type_into(driver.find_element(By.CSS_SELECTOR, "#webhooks-title ~ form input[name=url]"), "https://hooks.example.com/writ")
    driver.find_element(By.XPATH, "//button[text()='Add the endpoint']").click()
    secret = css(driver, "#new-webhook-secret").text
    assert secret.startswith("whsec_"), secret
    text_appears(driver, "#webhooks-title ~ div", "https://hooks.example.com/writ")
    check_page(driver, "admin")

    # The operator accepts in the browser; the others through the same page, quickly.
    for name, email in people.items():
        driver.delete_all_cookies()
        driver.get(mailed_link(email, "member.invitation", "invite"))
        driver.refresh()  # the fragment-only navigation must load the page anew
        type_into(css(driver, "#password"), PASSWORD)
        driver.find_element(By.CSS_SELECTOR, "#accept button").click()
        text_appears(driver, "#status", "Welcome to Acme Robotics")
        if name == "operator":
            check_page(driver, "invite-accepted")

    # 3. Policies: an invalid document shows its errors at their lines; then a real one.
    sign_in(driver, node, admin_email)
    driver.get(node + "/#/policies")
    heading(driver, "Policies")
    Select(css(driver, "#policy-scope")).select_by_visible_text("Team: Platform")
    text_appears(driver, "#editor-title ~ p", "no policy of its own")
    editor = driver.find_element(By.CSS_SELECTOR, "#policy-text")
    invalid = json.dumps({"defaults": {"tier": "T1"}, "rules": [
        {"id": "reads", "match": {"action": "*.read"}, "tier": "T0"},
        {"id": "broken", "match": {"action": "k8s.*"}, "tier": "T9", "colour": "red"}]}, indent=2)
    set_editor(driver, editor, invalid)
    driver.find_element(By.XPATH, "//button[text()='Validate and save']").click()
    problems = css(driver, ".problems")
    bad_lines = {int(line) for line in re.findall(r"Line (\d+)", problems.text)}
    tier_line = invalid.split("\n").index('      "tier": "T9",') + 1
    assert tier_line in bad_lines, (problems.text, tier_line)
    assert "/rules/1/tier" in problems.text, problems.text
    assert driver.find_elements(By.CSS_SELECTOR, ".gutter .bad"), "no line marked in the gutter"
    check_page(driver, "policy-errors")

    policy = json.dumps({
        "defaults": {"tier": "T1", "approval_timeout": "1h"},
        "rules": [
            {"id": "reads", "match": {"action": "**.read"}, "tier": "T0"},
            {"id": "restarts", "match": {"action": "k8s.restart"}, "tier": "T1"},
            {"id": "payments", "match": {"action": "payments.send"}, "tier": "T2", "approvals": {"count": 2, "roles": ["approver"]}},
            {"id": "scale-prod", "match": {"action": "k8s.scale", "resource": "prod/**"}, "tier": "T3"},
        ],
        "board": {"quorum": 3, "veto": True, "timeout": "1h"},
    }, indent=2)
    set_editor(driver, editor, policy)
    type_into(driver.find_element(By.CSS_SELECTOR, "#editor-title ~ .field input[name=comment], form input[name=comment]"), "first team policy")
    driver.find_element(By.XPATH, "//button[text()='Validate and save']").click()
    text_appears(driver, "#toast", "Saved version 1")

    # Simulate and backtest the draft.
    type_into(css(driver, "#sim-title ~ form input[name=action]"), "k8s.scale")
    type_into(driver.find_element(By.CSS_SELECTOR, "#sim-title ~ form input[name=resource]"), "prod/api")
    driver.find_element(By.XPATH, "//button[text()='Simulate']").click()
    text_appears(driver, "#sim-title ~ form .result", "T3")
    text_appears(driver, "#sim-title ~ form .result", "scale-prod")
    driver.find_element(By.XPATH, "//button[text()='Run the backtest']").click()
    text_appears(driver, "#bt-title ~ form .result", "intents")
    check_page(driver, "policies")

    # 4. The agent submits T0, T1, T2 and T3 over HTTP.
    agent = {"Authorization": f"Bearer {key}"}
    submitted = {}
    for tier, body in [("T0", {"action": "k8s.pods.read", "resource": "prod/api"}),
                       ("T1", {"action": "k8s.restart", "resource": "staging/api", "justification": "memory leak"}),
                       ("T2", {"action": "payments.send", "resource": "vendor/42", "params": {"amount": 25000}, "justification": "invoice 42"}),
                       ("T3", {"action": "k8s.scale", "resource": "prod/api", "params": {"replicas": 80}, "justification": "launch day"})]:
        status, answer, _ = served.call(node, "POST", "/v1/intents", body, agent)
        assert status == 201 and answer["tier"] == tier, (status, answer)
        submitted[tier] = answer["id"]

    # The admin now sees them on the overview and in the list.
    driver.get(node + "/#/overview")
    heading(driver, "Overview")
    check_page(driver, "overview")
    driver.get(node + "/#/intents")
    heading(driver, "Intents")
    wait(driver, lambda d: len(d.find_elements(By.CSS_SELECTOR, "table.list tbody tr")) == 4, what="four intents in the list")
    Select(driver.find_element(By.CSS_SELECTOR, "#filter-tier")).select_by_visible_text("T2")
    driver.find_element(By.XPATH, "//button[text()='Filter']").click()
    wait(driver, lambda d: len(d.find_elements(By.CSS_SELECTOR, "table.list tbody tr")) == 1, what="the T2 filter")
    check_page(driver, "intents")

    # 5. The operator approves the T1 in the inbox, which updates by itself.
    sign_in(driver, node, people["operator"])
    driver.get(node + "/#/approvals")
    heading(driver, "Approvals")
    text_appears(driver, ".inbox", "k8s.restart on staging/api")
    status, late, _ = served.call(node, "POST", "/v1/intents", {"action": "k8s.restart", "resource": "staging/worker"}, agent)
    assert status == 201, late
    text_appears(driver, ".inbox", "k8s.restart on staging/worker", seconds=20)  # no reload: the long-poll brought it
    check_page(driver, "approvals")
    card = driver.find_element(By.CSS_SELECTOR, f"article[aria-labelledby='t-{submitted['T1']}']")
    card.find_element(By.CSS_SELECTOR, "textarea[name=comment]").send_keys("restart approved")
    card.find_element(By.CSS_SELECTOR, "button.approve").click()
    text_appears(driver, "#toast", "Approved: k8s.restart on staging/api")
    wait(driver, lambda d: not d.find_elements(By.CSS_SELECTOR, f"article[aria-labelledby='t-{submitted['T1']}']"), what="the decided card to leave")

    # 6. Two approvers enrol TOTP in the console and approve the T2 with codes.
    for name in ("approver1", "approver2"):
        sign_in(driver, node, people[name])
        driver.get(node + "/#/account")
        heading(driver, "Your account")
        driver.find_element(By.XPATH, "//button[text()='Set up an authenticator app']").click()
        secret = css(driver, "#totp-secret").text
        if name == "approver1":
            check_page(driver, "account-totp")
        type_into(driver.find_element(By.CSS_SELECTOR, "#totp-confirm"), totp(secret))
        driver.find_element(By.XPATH, "//button[text()='Confirm']").click()
        codes = css(driver, "#recovery-codes").text.split()
        assert len(codes) >= 8, codes
        driver.get(node + "/#/approvals")
        heading(driver, "Approvals")
        card = css(driver, f"article[aria-labelledby='t-{submitted['T2']}']")
        assert "invoice 42" in card.text and "payments" in card.text, card.text
        card.find_element(By.CSS_SELECTOR, "input[name=totp]").send_keys(totp(secret, 1))
        card.find_element(By.CSS_SELECTOR, "button.approve").click()
        text_appears(driver, "#toast", "Approved: payments.send on vendor/42")
    status, t2, _ = served.call(node, "GET", f"/v1/intents/{submitted['T2']}", None, agent)
    assert t2["status"] == "approved" and "warrant" in t2, t2

    # 7. Three board members open their mailed links on a phone and approve.
    driver.delete_all_cookies()
    phone_viewport(driver)
    for index, name in enumerate(("board1", "board2", "board3")):
        driver.get("about:blank")
        driver.get(mailed_link(people[name], "board.approval_link", "approve"))
        text_appears(driver, "#summary", "k8s.scale on prod/api")
        text_appears(driver, "#summary", "3 board members approve")
        if index == 0:
            check_page(driver, "board-approval")
            phone_viewport(driver)
        driver.find_element(By.CSS_SELECTOR, "#comment").send_keys(f"approved by {name}")
        driver.find_element(By.CSS_SELECTOR, "button.approve").click()
        text_appears(driver, "#status", "your approval is recorded")
        if index == 2:
            text_appears(driver, "#status", "now approved")
            check_page(driver, "board-approved")
            phone_viewport(driver)
        # The used link says so when opened again.
        driver.refresh()
        text_appears(driver, "#status", "already")
    assert driver.execute_script("return document.documentElement.scrollWidth") <= PHONE[0], "the board page scrolls sideways on a phone"
    driver.execute_cdp_cmd("Emulation.clearDeviceMetricsOverride", {})

    # 8. The warrant on the intent page; the audit page shows a verified chain.
    sign_in(driver, node, admin_email)
    driver.get(node + f"/#/intents/{submitted['T3']}")
    heading(driver, "k8s.scale on prod/api")
    text_appears(driver, "#warrant-title ~ div", "Warrant id (jti)")
    text_appears(driver, ".timeline", "Warrant issued")
    text_appears(driver, ".timeline", "Approved")
    check_page(driver, "intent")

    # The intent page follows the event stream: the agent's cancellation appears without a reload.
    status, live, _ = served.call(node, "POST", "/v1/intents", {"action": "k8s.restart", "resource": "staging/live"}, agent)
    assert status == 201 and live["status"] == "pending_approval", live
    driver.get(node + f"/#/intents/{live['id']}")
    heading(driver, "k8s.restart on staging/live")
    time.sleep(1)  # the page has subscribed
    status, cancelled, _ = served.call(node, "POST", f"/v1/intents/{live['id']}/cancel", {}, agent)
    assert status == 200, cancelled
    text_appears(driver, "#toast", "This intent is now cancelled", seconds=20)
    text_appears(driver, ".timeline", "Cancelled by the agent")
    driver.get(node + "/#/audit")
    heading(driver, "Audit")
    wait(driver, lambda d: d.find_element(By.CSS_SELECTOR, ".verify-badge").get_attribute("data-state") == "valid", 30, "a verified chain")
    text_appears(driver, ".verify-badge", "Chain verified")
    check_page(driver, "audit")
    driver.get(node + "/#/account")
    heading(driver, "Your account")
    check_page(driver, "account")

    # Signing out ends the session: the console returns to sign-in.
    driver.find_element(By.CSS_SELECTOR, "#sign-out").click()
    heading(driver, "Sign in")
    driver.get(node + "/#/audit")
    heading(driver, "Sign in")


def set_editor(driver, editor, text):
    driver.execute_script("arguments[0].value = arguments[1]; arguments[0].dispatchEvent(new Event('input'));", editor, text)


if __name__ == "__main__":
    main()
