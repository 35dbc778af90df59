// @ts-check
// The sandbox dashboard (/_sandbox/ui): reads the world of the key entered from the control API
// (GET /_sandbox/users, /_sandbox/deliveries, /_sandbox/requests) every 2 s while the tab is
// visible, and acts through it (decisions, resend, clock, reset); nothing else changes state.
// The key is kept in this tab's sessionStorage; answers are never cached (the control API says
// no-store, and every fetch asks for no-store), and a change of key drops what was shown.

const keyStore = "p100-mock:sandbox-key";
const refreshMs = 2000;

/** @param {string} id */
const byId = (id) => /** @type {HTMLElement} */ (document.getElementById(id));
const keyInput = /** @type {HTMLInputElement} */ (byId("key"));
const live = /** @type {HTMLInputElement} */ (byId("live"));
const status = byId("status");

let key = sessionStorage.getItem(keyStore) ?? "";
/** Bumped at each change of key: answers that come back for an older key are dropped. */
let generation = 0;
/** What each panel last showed, so that an unchanged world is not drawn again (focus stays). */
const shown = new Map();
/** Deliveries whose payload is open, by id. */
const openPayloads = new Set();

/**
 * An element with attributes and children (strings become text, never HTML).
 * @param {string} tag
 * @param {Record<string, string>} [attributes]
 * @param {(Node | string | undefined)[]} children
 */
function el(tag, attributes = {}, ...children) {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) node.setAttribute(name, value);
  for (const child of children) if (child !== undefined) node.append(child);
  return node;
}

/** @param {string} message @param {boolean} [error] */
function say(message, error = false) {
  status.textContent = message;
  status.classList.toggle("error", error);
}

/**
 * A call to the control API with the tab's key: its status and JSON body. A refresh says so, and
 * the mock leaves it out of its log.
 * @param {string} method @param {string} path @param {unknown} [body]
 */
async function control(method, path, body) {
  /** @type {Record<string, string>} */
  const headers = { "x-api-key": key };
  if (body !== undefined) headers["content-type"] = "application/json";
  if (method === "GET") headers["x-p100-dashboard"] = "refresh";
  const response = await fetch(path, {
    method,
    headers,
    cache: "no-store",
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const text = await response.text();
  let data;
  try {
    data = text ? JSON.parse(text) : undefined;
  } catch {
    data = text;
  }
  return { status: response.status, data, next: response.headers.get("x-next-cursor") };
}

/**
 * The newest items of a paged list of the control API (oldest first, `x-next-cursor` to the
 * next page): its pages followed to the end, the last `newest` items kept.
 * @param {string} path @param {number} [newest]
 */
async function newestOf(path, newest = 1000) {
  let answer = await control("GET", `${path}?limit=${newest}`);
  let items = Array.isArray(answer.data) ? answer.data : [];
  while (answer.status < 400 && answer.next) {
    answer = await control("GET", `${path}?limit=${newest}&cursor=${encodeURIComponent(answer.next)}`);
    if (Array.isArray(answer.data)) items = [...items, ...answer.data].slice(-newest);
  }
  return { ...answer, data: answer.status < 400 ? items : answer.data };
}

/**
 * The list an answer holds (the control API's lists are arrays); none for a refusal.
 * @param {any} data
 * @returns {any[]}
 */
const listOf = (data) => (Array.isArray(data) ? data : []);

/** @param {string} word */
const capital = (word) => word.charAt(0).toUpperCase() + word.slice(1);

/** @param {string} text */
const state = (text) => el("span", { class: `state state-${text}` }, text);

/**
 * A button that calls the control API, then says what it answered and redraws.
 * @param {string} label @param {string} name @param {string} method @param {string} path @param {unknown} [body]
 */
function action(label, name, method, path, body) {
  const button = el("button", { type: "button", "aria-label": `${label}: ${name}` }, label);
  button.addEventListener("click", () => act(`${label} (${name})`, method, path, body));
  return button;
}

/** @param {string} what @param {string} method @param {string} path @param {unknown} [body] */
async function act(what, method, path, body) {
  try {
    const answer = await control(method, path, body);
    const failed = answer.status >= 400;
    say(`${what}: ${answer.status}${failed && answer.data?.message ? ` ${answer.data.message}` : ""}`, failed);
  } catch {
    say(`${what}: the mock did not answer (is it still running?)`, true);
  }
  await refresh();
}

/** The KYC by P100 verification's state in a user's view, if the user has one. @param {any} user */
function kycState(user) {
  const kyc = user.kyc;
  if (!kyc || typeof kyc !== "object") return undefined;
  const reason = kyc.rejectionReason ? `: ${kyc.rejectionReason}` : "";
  return `${kyc.verificationStatus}, attempt ${kyc.attemptStatus}${reason}`;
}

/**
 * The decisions the sandbox's rules take for this user now, of one kind (`verification`, `poa`,
 * `kyc`), as the control API gives them with the user.
 * @param {any} user @param {string} kind @returns {string[]}
 */
const decisionsOf = (user, kind) => (Array.isArray(user.decisions?.[kind]) ? user.decisions[kind] : []);

/** @param {any[]} users */
function usersPanel(users) {
  if (users.length === 0) return el("p", { class: "empty" }, "No users yet: create one through the API.");
  const kyc = users.some((u) => kycState(u) !== undefined);
  const columns = ["externalUserId", "model", "country", "verification", "POA", ...(kyc ? ["KYC"] : [])];
  const head = el(
    "tr",
    {},
    ...[...columns, "extended", "suspended", "balances", "actions"].map((c) => el("th", { scope: "col" }, c)),
  );
  const rows = users.map((user) => {
    const id = String(user.externalUserId);
    const path = `/_sandbox/users/${encodeURIComponent(id)}`;
    const actions = el("td", { class: "actions" });
    for (const [kind, label] of /** @type {const} */ ([
      ["verification", "verification"],
      ["poa", "POA"],
      ["kyc", "KYC"],
    ]))
      for (const decision of decisionsOf(user, kind))
        actions.append(action(`${capital(decision)} ${label}`, id, "POST", `${path}/${kind}/${decision}`));
    const yes = (/** @type {unknown} */ value) => (value ? "yes" : "no");
    return el(
      "tr",
      {},
      el("th", { scope: "row" }, id),
      el("td", {}, String(user.model)),
      el("td", {}, String(user.country ?? "")),
      el("td", {}, state(String(user.verification))),
      el("td", {}, state(String(user.poa)), user.poaRequired ? " (required)" : ""),
      kyc ? el("td", {}, state(kycState(user) ?? "none")) : undefined,
      el("td", {}, yes(user.extended)),
      el("td", {}, yes(user.suspended)),
      el("td", {}, user.balancesGenerated ? "generated" : "none"),
      actions,
    );
  });
  return el("table", {}, el("thead", {}, head), el("tbody", {}, ...rows));
}

/** @param {any} attempt */
const attemptText = (attempt) =>
  `${attempt.at}: ${attempt.status === undefined ? String(attempt.error ?? "no answer") : `HTTP ${attempt.status}`}`;

/** @param {any[]} deliveries */
function deliveriesPanel(deliveries) {
  if (deliveries.length === 0) return el("p", { class: "empty" }, "No webhook deliveries yet.");
  const head = el(
    "tr",
    {},
    ...["#", "webhook", "state", "attempts", "payload", "actions"].map((c) => el("th", { scope: "col" }, c)),
  );
  const rows = [...deliveries].reverse().map((delivery) => {
    const id = String(delivery.id);
    const payload = el(
      "details",
      {},
      el("summary", {}, "payload"),
      el("pre", {}, JSON.stringify(delivery.payload, null, 2)),
    );
    if (openPayloads.has(id)) payload.setAttribute("open", "");
    payload.addEventListener("toggle", () => {
      if (/** @type {HTMLDetailsElement} */ (payload).open) openPayloads.add(id);
      else openPayloads.delete(id);
    });
    const attempts = el(
      "ol",
      { class: "attempts" },
      ...listOf(delivery.attempts).map((a) => el("li", {}, attemptText(a))),
    );
    return el(
      "tr",
      {},
      el("th", { scope: "row" }, id),
      el("td", {}, String(delivery.webhook)),
      el(
        "td",
        {},
        state(String(delivery.state)),
        delivery.nextAttemptAt ? ` (next attempt ${delivery.nextAttemptAt})` : "",
      ),
      el("td", {}, attempts),
      el("td", {}, payload),
      el("td", { class: "actions" }, action("Resend", `delivery ${id}`, "POST", `/_sandbox/deliveries/${id}/resend`)),
    );
  });
  return el("table", {}, el("thead", {}, head), el("tbody", {}, ...rows));
}

/** @param {any[]} entries */
function journalPanel(entries) {
  if (entries.length === 0) return el("p", { class: "empty" }, "No requests yet.");
  const known = ["time", "method", "path", "status", "operation", "rule"];
  const head = el("tr", {}, ...[...known, "more"].map((c) => el("th", { scope: "col" }, c)));
  const rows = [...entries].reverse().map((entry) => {
    const rest = Object.fromEntries(Object.entries(entry).filter(([name]) => !known.includes(name)));
    const more = Object.keys(rest).length
      ? el("details", {}, el("summary", {}, "details"), el("pre", {}, JSON.stringify(rest, null, 2)))
      : "";
    return el("tr", {}, ...known.map((name) => el("td", {}, String(entry[name] ?? ""))), el("td", {}, more));
  });
  return el("table", {}, el("thead", {}, head), el("tbody", {}, ...rows));
}

/** Draws a panel again only if what it shows changed. @param {string} id @param {unknown} data @param {() => Node} draw */
function show(id, data, draw) {
  const text = JSON.stringify(data) ?? "";
  if (shown.get(id) === text) return;
  shown.set(id, text);
  byId(id).replaceChildren(draw());
}

let refreshing = false;
async function refresh() {
  if (!key || refreshing) return;
  refreshing = true;
  const asked = generation;
  try {
    const [users, deliveries, journal] = await Promise.all([
      control("GET", "/_sandbox/users"),
      // The panels show the newest first.
      newestOf("/_sandbox/deliveries"),
      newestOf("/_sandbox/requests"),
    ]);
    if (asked !== generation) return; // the key changed meanwhile
    const refused = [users, deliveries, journal].find((answer) => answer.status >= 400);
    if (refused) say(`The control API answered ${refused.status}: ${refused.data?.message ?? ""}`, true);
    show("users", users.data, () => usersPanel(listOf(users.data)));
    show("deliveries", deliveries.data, () => deliveriesPanel(listOf(deliveries.data)));
    show("journal", journal.data, () => journalPanel(listOf(journal.data)));
  } catch {
    if (asked === generation) say("The mock did not answer (is it still running?)", true);
  } finally {
    refreshing = false;
  }
  if (asked !== generation) await refresh(); // the new key's world, at once
}

/** @param {string} next */
function useKey(next) {
  key = next;
  generation++;
  shown.clear();
  openPayloads.clear();
  for (const id of ["users", "deliveries", "journal"]) byId(id).replaceChildren();
  say("");
  if (key) sessionStorage.setItem(keyStore, key);
  else sessionStorage.removeItem(keyStore);
  keyInput.value = key;
  byId("world").hidden = !key;
  void refresh();
}

byId("key-form").addEventListener("submit", (event) => {
  event.preventDefault();
  useKey(keyInput.value.trim());
});
byId("forget").addEventListener("click", () => useKey(""));
byId("advance-form").addEventListener("submit", (event) => {
  event.preventDefault();
  const seconds = Number(/** @type {HTMLInputElement} */ (byId("seconds")).value);
  void act(`advance the clock by ${seconds} s`, "POST", "/_sandbox/clock/advance", { seconds });
});
byId("reset").addEventListener("click", () => act("reset this world", "POST", "/_sandbox/reset"));
setInterval(() => {
  if (live.checked && !document.hidden) void refresh();
}, refreshMs);

useKey(key);
