// The service gallery: plain DOM code over the registry's REST API, no build step.
"use strict";

const main = document.getElementById("main");
const message = document.getElementById("message");
const tokenKey = "rtml.token";

function token() { return sessionStorage.getItem(tokenKey); }

async function api(path, options = {}) {
  const response = await fetch(path, {
    ...options,
    headers: { "Authorization": "Bearer " + token(), "Content-Type": "application/json", ...(options.headers || {}) },
  });
  const body = response.status === 204 ? null : await response.json();
  if (!response.ok) {
    const error = new Error((body && body.detail) || response.statusText);
    error.status = response.status;
    throw error;
  }
  return body;
}

function el(tag, attributes = {}, ...children) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(attributes)) {
    if (key.startsWith("on")) node.addEventListener(key.slice(2), value); else node.setAttribute(key, value);
  }
  for (const child of children.flat()) {
    node.append(child instanceof Node ? child : document.createTextNode(child == null ? "–" : String(child)));
  }
  return node;
}

function table(headers, rows) {
  return el("table", {}, el("thead", {}, el("tr", {}, headers.map(h => el("th", { scope: "col" }, h)))),
    el("tbody", {}, rows.map(cells => el("tr", {}, cells.map(c => el("td", {}, c))))));
}

function status(value) { return el("span", { class: "status " + value }, value); }

function versionsByTarget(service) {
  return service.targets.length === 0 ? "not deployed"
    : service.targets.map(t => `${t.target}: v${t.activeVersion ?? "–"}`).join(", ");
}

async function showGallery() {
  const page = await api("/api/v1/services?pageSize=200");
  main.replaceChildren(el("h2", {}, "Services"),
    page.items.length === 0 ? el("p", {}, "No services yet: create one with POST /api/v1/services or rtml services create.")
      : table(["Service", "Model", "Version per target", "Health", "Last deployment"], page.items.map(s => [
        el("a", { href: "#/services/" + encodeURIComponent(s.name) }, s.name),
        // Fields of the service row itself: showing them costs the list nothing.
        el("span", {}, s.model, s.follow ? el("span", { class: "why" }, ` follows @${s.follow}`) : ""),
        versionsByTarget(s),
        s.targets.map(t => status(t.health)), status(s.status)])));
}

async function showService(name) {
  const [service, live, events] = await Promise.all([
    api("/api/v1/services/" + encodeURIComponent(name)), liveFigures(name),
    // The rest of the page does not depend on the events: a failure to read them is said in their place.
    recentEvents(name).catch(e => ({ error: e.message }))]);
  const hub = service.targets[0];
  // Built by the registry with every value shell-quoted: never paste a URL into a command here.
  const example = hub ? hub.endpoints.predictCurl : "";
  const progress = el("div", { id: "live" });
  main.replaceChildren(
    el("h2", {}, service.name, " ", status(service.status)),
    el("p", {}, `Model ${service.model}. ${service.description || ""}`),
    binding(service),
    actions(service),
    progress,
    el("h3", {}, "What runs where"),
    table(["Target", "Kind", "Region", "Active", "Standby", "Health", "Deployed", "Endpoints", ""], service.targets.map(t => [
      t.target, t.kind, t.region, t.activeVersion, t.standbyVersions.join(", ") || "–", status(t.health),
      t.deployedAt ? `${t.deployedAt} by ${t.deployedBy}` : "–",
      el("code", {}, t.endpoints.infer),
      el("button", { type: "button", class: "secondary undeploy", "aria-label": "Undeploy from " + t.target,
        onclick: () => act(service.name, "deployments", { kind: "UNDEPLOY", targets: [t.target] }) }, "Undeploy")])),
    hub ? el("h3", {}, "Call it") : "", hub ? copyable(example) : "",
    el("h3", {}, "Deployments"),
    table(["#", "Kind", "Version", "Status", "Requested", "Duration", "Error or reason"], service.deployments.map(d => [
      d.id, d.kind, d.version, status(d.status), `${d.requestedAt} by ${d.requestedBy}`,
      d.durationMs == null ? "–" : d.durationMs + " ms",
      d.revertsDeployment ? `reverts #${d.revertsDeployment}: ${d.reason}` : d.error])),
    // The newest deployment in waves is shown (and refreshed) with the live figures; older ones fold.
    service.deployments.filter(d => d.waves && d !== newestInWaves(service)).map(d =>
      el("details", { class: "waves", id: "waves-" + d.id },
        el("summary", {}, `Waves of deployment #${d.id} (v${d.version}, `, status(d.status), ")"), waves(d))),
    eventsSection(name, events),
    el("h3", {}, "Signature"),
    service.signature ? table(["", "Name", "Type", "Shape"], [
      ...service.signature.inputs.map(v => ["input", v.name, v.onnxType, JSON.stringify(v.shape)]),
      ...service.signature.outputs.map(v => ["output", v.name, v.onnxType, JSON.stringify(v.shape)])])
      : el("p", {}, "Shown once a version runs."));
  renderLive(progress, service, live);
  keepLive(name);
}

// --- what a service follows, and how it rolls out by default ------------------------------------

// Read from the service itself, on its page only: the list stays one request of a fixed cost.
function binding(service) {
  const rows = [];
  if (service.follow) rows.push(["Follows", `${service.model}@${service.follow}`,
    "a move of the alias deploys the version it names"]);
  if (service.selector) rows.push(["Selector", el("code", {}, service.selector),
    "a target that starts matching receives the active version"]);
  // Absent from registries that have no default rollout yet: nothing to show then.
  if (service.defaultRollout) rows.push(["Default rollout", rolloutText(service.defaultRollout),
    "for deployments that name no strategy (alias moves and new targets included)"]);
  if (rows.length === 0) return el("p", { id: "binding" }, "Deployed by request only: follows no alias, selects no targets.");
  return el("dl", { id: "binding" }, rows.flatMap(([term, value, why]) =>
    [el("dt", {}, term), el("dd", {}, value, el("span", { class: "why" }, " – " + why))]));
}

// A service's default rollout (a RolloutChoice: a strategy judged by guardrails, or a wave plan) in one
// line, the way a deployment request states it. The registry stores the choice as given, so any field
// may be null; the guardrails left out take the registry's defaults when a deployment uses it.
function rolloutText(choice) {
  if (choice.strategy) return strategyText(choice.strategy, choice.guardrails);
  const parts = [];
  if (Array.isArray(choice.waves) && choice.waves.length > 0) {
    parts.push(`${choice.waves.length} wave${choice.waves.length === 1 ? "" : "s"}: ` + choice.waves.map(w =>
      (w.selector != null ? `selector ${w.selector}` : `${w.percent}%`)
      + (w.bakeSeconds != null ? ` (bake ${w.bakeSeconds}s)` : "")).join(" → "));
  } else {
    parts.push("1 wave: 100%");
  }
  if (choice.bakeSeconds) parts.push(`bake ${choice.bakeSeconds}s`);
  if (choice.maxFailedPercent) parts.push(`abort past ${choice.maxFailedPercent}% failed`);
  parts.push(`offline: ${choice.offline || "fail"}`);
  return parts.join(", ");
}

// A rollout strategy and its guardrails in one line, the way a deployment request states them.
function strategyText(s, g) {
  const parts = [];
  if (s.type === "shadow") parts.push(`shadow of ${s.percent}% for ${s.durationSeconds}s`);
  else if (Array.isArray(s.steps) && s.steps.length > 0) parts.push(`${s.type}: steps ${s.steps.join(" → ")}%`);
  else if (s.stepPercent != null) parts.push(`${s.type}: steps of ${s.stepPercent}%`);
  else parts.push(String(s.type));
  if (s.type !== "shadow" && s.bakeSeconds != null) parts.push(`bake ${s.bakeSeconds}s`);
  if (g) {
    if (g.maxErrorRatio != null) parts.push(`error ratio ≤ ${percent(g.maxErrorRatio)}`);
    if (g.maxP99Millis != null) parts.push(`p99 ≤ ${millis(g.maxP99Millis)}`);
    if (g.maxPsi != null) parts.push(`PSI ≤ ${g.maxPsi}`);
    if (g.minRequests != null) parts.push(`at least ${g.minRequests} requests a window`);
  }
  return parts.join(", ");
}

// --- a deployment's waves -----------------------------------------------------------------------

function newestInWaves(service) {
  return service.deployments.find(d => d.waves) || null;
}

const DONE = ["SUCCEEDED", "FAILED", "ROLLED_BACK", "SHADOWED"];

// Each wave with what chose its targets, its counts and (where the registry records them) its times;
// then every target with its wave. A target a finished deployment left PENDING was unreachable under
// "offline: converge": reconciliation brings it the version when it answers, and convergedAt says when.
function waves(d) {
  const plan = d.plan || {};
  const finished = DONE.includes(d.status);
  const policy = [`${d.waves.length} wave${d.waves.length === 1 ? "" : "s"}`];
  if (plan.bakeSeconds) policy.push(`bake ${plan.bakeSeconds}s`);
  if (plan.maxFailedPercent != null) policy.push(`abort past ${plan.maxFailedPercent}% failed`);
  policy.push(`offline: ${plan.offline || "fail"}`);
  return el("div", { class: "wave-view" },
    el("p", {}, policy.join(", ") + "."),
    table(["Wave", "Chooses", "Targets", "Active", "Failed", "Reverted", "Pending", "Started", "Finished", "Duration"],
      d.waves.map(w => [
        w.wave,
        w.selector != null ? el("code", {}, w.selector) : `${w.percent}% of the targets`,
        w.targets, count(w.active, "ACTIVE"), count(w.failed, "FAILED"), count(w.reverted, "ROLLED_BACK"),
        count(w.pending, "PENDING"),
        w.startedAt ?? (finished ? "–" : "not yet"), w.finishedAt ?? "–",
        w.durationMs == null ? "–" : w.durationMs + " ms"])),
    table(["Target", "Wave", "Status", "Previous", "Activated", "Converged", "Error"], d.targets.map(t => [
      t.target, t.wave,
      t.status === "PENDING" && finished
        ? el("span", {}, status(t.status), el("span", { class: "converging" }, " converging"))
        : status(t.status),
      t.previousVersion == null ? "–" : "v" + t.previousVersion, t.activatedAt,
      t.convergedAt ?? (t.status === "PENDING" && finished ? "when it answers again" : "–"),
      t.error])));
}

function count(n, kind) { return n > 0 ? el("span", { class: "status " + kind }, String(n)) : String(n ?? 0); }

// --- a service's recent events ------------------------------------------------------------------

const EVENTS_PAGE = 10;

// Newest first: ids grow in commit order, so "before the newest" starts from the top.
function recentEvents(name, before = Number.MAX_SAFE_INTEGER) {
  return api(`/api/v1/events?service=${encodeURIComponent(name)}&before=${before}&limit=${EVENTS_PAGE}`);
}

function eventsSection(name, page) {
  if (page.error) {
    return el("section", { id: "events", "aria-label": "Recent events" }, el("h3", {}, "Recent events"),
      el("p", {}, "The events could not be read: " + page.error));
  }
  const body = el("tbody", {});
  const more = el("button", { type: "button", class: "secondary", id: "older-events" }, "Older events");
  let cursor = page.next;
  const add = events => body.append(...events.map(e => el("tr", { "data-event": String(e.id) },
    el("td", {}, e.occurredAt), el("td", {}, el("code", {}, e.type)), el("td", {}, summary(e)),
    el("td", {}, e.actor ?? "the deployer"))));
  add(page.events);
  more.hidden = page.events.length < EVENTS_PAGE;
  more.addEventListener("click", async () => {
    try {
      const older = await recentEvents(name, cursor);
      add(older.events);
      cursor = older.next;
      // The end of the history is a fact about it, not a failure: said in place, not in the message line.
      if (older.events.length < EVENTS_PAGE) more.replaceWith(el("p", { id: "no-older-events", class: "why" }, "No older events."));
    } catch (e) {
      say(e.message);
    }
  });
  return el("section", { id: "events", "aria-label": "Recent events" },
    el("h3", {}, "Recent events"),
    page.events.length === 0 ? el("p", {}, "No events about this service yet.")
      : el("table", {}, el("thead", {}, el("tr", {}, ["Time", "Type", "Summary", "By"].map(h => el("th", { scope: "col" }, h)))), body),
    more);
}

// Why the deployer started a deployment: a sentence, or an alias move's fields.
function cause(c) {
  if (typeof c === "string") return c;
  if (c.alias != null) return `alias ${c.alias} of ${c.model} moved to v${c.version}`;
  return JSON.stringify(c);
}

// One line per event from its data; the fields differ per type, so what is unknown is listed as is.
function summary(e) {
  const x = e.data || {};
  const id = x.deploymentId != null ? `#${x.deploymentId}` : "";
  switch (e.type) {
    case "deployment.started":
      return [`${x.kind || "DEPLOY"} ${id} of v${x.version}`,
        Array.isArray(x.targets) ? ` to ${x.targets.join(", ")}` : "",
        x.strategy ? `, ${x.strategy}` : "", x.waves ? `, ${x.waves} waves (offline: ${x.offline})` : "",
        x.cause ? ` – ${cause(x.cause)}` : ""].join("");
    case "deployment.succeeded": return `${id} succeeded` + (x.version != null ? ` (v${x.version})` : "");
    case "deployment.failed": return `${id} failed` + (x.error ? `: ${x.error}` : "");
    case "deployment.rolled_back": return `${id} rolled back` + (x.reason ? `: ${x.reason}` : "");
    case "deployment.refused": return `refused` + (x.reason ? `: ${x.reason}` : x.error ? `: ${x.error}` : "");
    case "target.converged": return `${x.target} converged to v${x.version} (deployment #${x.deploymentId})`;
    default:
      return Object.entries(x).filter(([k]) => k !== "service")
        .map(([k, v]) => `${k}: ${typeof v === "object" ? JSON.stringify(v) : v}`).join(", ");
  }
}

// --- live figures and the rollout in progress ---------------------------------------------------

const LIVE_MINUTES = 15;
const REFRESH_MS = 5000;
let refreshTimer = null;

function liveFigures(name) {
  return api(`/api/v1/services/${encodeURIComponent(name)}/telemetry?minutes=${LIVE_MINUTES}`);
}

// Refreshes the rollout and the live figures in place (the rest of the page, a version being typed
// included, stays) until the page shows something else.
function keepLive(name) {
  clearTimeout(refreshTimer);
  const shown = location.hash;
  refreshTimer = setTimeout(async () => {
    if (location.hash !== shown || !document.getElementById("live")) return;
    try {
      const [service, live] = await Promise.all([
        api("/api/v1/services/" + encodeURIComponent(name)), liveFigures(name)]);
      renderLive(document.getElementById("live"), service, live);
    } catch (e) {
      say(e.message);
    }
    keepLive(name);
  }, REFRESH_MS);
}

function renderLive(container, service, live) {
  const rolling = service.deployments.find(d => d.status === "ROLLING_OUT" && d.rollout);
  const waved = newestInWaves(service);
  container.replaceChildren(
    rolling ? rollout(service.name, rolling) : "",
    waved ? el("section", { id: "waves", "aria-label": "Waves of deployment " + waved.id },
      el("h3", {}, `Waves of deployment #${waved.id}: v${waved.version} `, status(waved.status)), waves(waved)) : "",
    el("h3", {}, `Live figures (last ${live.minutes} minutes)`),
    live.targets.length === 0 ? el("p", {}, "No requests measured yet: the deployer collects them from every target.")
      : el("div", {},
        table(["Target", "Version", "Role", "Requests/s", "Error ratio", "p50", "p99"], [
          ...live.versions.map(f => [el("strong", {}, "all targets"), "v" + f.version, f.role, rate(f.ratePerSecond),
            percent(f.errorRatio), millis(f.p50Millis), millis(f.p99Millis)]),
          ...live.targets.map(f => [f.target, "v" + f.version, f.role, rate(f.ratePerSecond),
            percent(f.errorRatio), millis(f.p50Millis), millis(f.p99Millis)])]),
        el("div", { class: "charts" },
          chart("Error ratio", live, p => p.errorRatio, percent, "error-chart", 0.05),
          chart("p99 latency", live, p => p.p99Millis, millis, "latency-chart", 1))));
}

function rollout(name, d) {
  const r = d.rollout;
  const s = d.strategy;
  // Every target still serves the version it ran before the rollout: the stable one.
  const stable = d.targets.map(t => t.previousVersion).find(v => v != null) ?? "?";
  const steps = s.type === "shadow" ? `shadow of ${s.percent}% for ${s.durationSeconds}s`
    : `${s.type}: steps ${s.steps.join(" → ")}%, bake ${s.bakeSeconds}s`;
  const measured = r.last ? [r.last.stable, r.last.candidate].filter(v => v) : [];
  return el("section", { id: "rollout", "aria-label": "Rollout in progress" },
    el("h3", {}, `Rollout #${d.id}: v${d.version} `, status(d.status)),
    el("p", {}, steps, el("br"), s.type === "shadow" ? `Step ${r.step + 1}` :
      `Step ${r.step + 1} of ${s.steps.length}` + (r.stepStartedAt ? `, started ${r.stepStartedAt}` : ", starting"),
      r.waiting ? el("br") : "", r.waiting ? `Waiting: ${r.waiting}` : "",
      r.requestedDecision ? el("br") : "", r.requestedDecision ? `Asked for: ${r.requestedDecision}` : ""),
    s.type === "shadow" ? "" : split(stable, d.version, r.percent),
    el("div", { class: "actions" },
      el("button", { type: "button", id: "promote", onclick: () => decide(name, d.id, "promote") }, "Promote"),
      el("button", { type: "button", id: "abort", class: "danger", onclick: () => decide(name, d.id, "abort") }, "Abort")),
    measured.length === 0 ? "" : el("div", {}, el("h4", {}, "Last measurements"),
      table(["Version", "Requests", "Error ratio", "p50", "p99", "PSI"], measured.map(v => [
        "v" + v.version, v.requests, percent(v.errorRatio), millis(v.p50Millis), millis(v.p99Millis),
        v.version === d.version && r.last.psi != null ? r.last.psi.toFixed(3) : "–"]))),
    el("h4", {}, "Decisions"),
    r.decisions.length === 0 ? el("p", {}, "None yet.")
      : table(["At", "Step", "Share", "Decision", "By", "Reason"], r.decisions.map(x => [
        x.at, x.step + 1, x.percent + "%", x.action, x.by, x.reason])));
}

function split(stable, candidate, share) {
  return el("div", { class: "split", role: "img", "aria-label": `Split: ${100 - share}% on v${stable}, ${share}% on v${candidate}` },
    el("span", { class: "stable", style: `width:${100 - share}%` }, `v${stable} ${100 - share}%`),
    el("span", { class: "candidate", style: `width:${share}%` }, `v${candidate} ${share}%`));
}

async function decide(name, id, what) {
  try {
    await api(`/api/v1/services/${encodeURIComponent(name)}/deployments/${id}/${what}`, { method: "POST" });
    say(`Deployment ${id}: ${what} asked for.`);
    await waitFor(name, id);
  } catch (e) {
    say(e.message);
  }
}

function rate(value) { return value == null ? "–" : value.toFixed(value < 10 ? 2 : 1); }
function percent(value) { return value == null ? "–" : (100 * value).toFixed(2) + " %"; }
function millis(value) { return value == null ? "–" : value.toFixed(value < 10 ? 2 : 1) + " ms"; }

const SVG = "http://www.w3.org/2000/svg";
const COLOURS = ["#3b5bdb", "#d9480f", "#2b8a3e", "#862e9c", "#c2255c", "#1098ad"];

function svg(tag, attributes = {}, text) {
  const node = document.createElementNS(SVG, tag);
  for (const [key, value] of Object.entries(attributes)) node.setAttribute(key, value);
  if (text != null) node.textContent = text;
  return node;
}

// One line per version over the span of the figures; a gap where a version had no requests. The
// axis reaches at least `floor`, so that all zeros draw at the bottom of a sensible scale.
function chart(title, live, value, format, id, floor) {
  const width = 520, height = 190, left = 64, right = 12, top = 26, bottom = 28;
  const lines = live.versions.map(v => ({ version: v.version,
    points: v.series.filter(p => value(p) != null).map(p => [Date.parse(p.at), value(p)]) }));
  // From the first point (at most the span asked for), so that a young rollout fills the chart.
  const to = Date.parse(live.to);
  const first = Math.min(...lines.flatMap(l => l.points.map(p => p[0])));
  const from = Math.max(Date.parse(live.from), Number.isFinite(first) ? first - 1000 * live.stepSeconds : 0);
  const highest = Math.max(0, ...lines.flatMap(l => l.points.map(p => p[1])));
  const top_ = Math.max(highest * 1.15, floor);
  const x = t => left + (width - left - right) * (t - from) / Math.max(1, to - from);
  const y = v => top + (height - top - bottom) * (1 - v / top_);
  const root = svg("svg", { id, class: "chart", viewBox: `0 0 ${width} ${height}`, role: "img",
    "aria-label": `${title} per version over the last ${live.minutes} minutes` });
  root.append(svg("text", { x: left, y: 16, class: "title" }, title));
  for (const fraction of [0, 0.5, 1]) {
    root.append(svg("line", { x1: left, x2: width - right, y1: y(top_ * fraction), y2: y(top_ * fraction), class: "grid" }));
    root.append(svg("text", { x: left - 6, y: y(top_ * fraction) + 4, class: "axis", "text-anchor": "end" },
      format(top_ * fraction)));
  }
  const seconds = Math.round((to - from) / 1000);
  root.append(svg("text", { x: left, y: height - 8, class: "axis" },
    seconds >= 120 ? `−${Math.round(seconds / 60)} min` : `−${seconds} s`));
  root.append(svg("text", { x: width - right, y: height - 8, class: "axis", "text-anchor": "end" }, "now"));
  lines.forEach((line, i) => {
    const colour = COLOURS[i % COLOURS.length];
    if (line.points.length > 0) {
      root.append(svg("polyline", { class: "series v" + line.version, fill: "none", stroke: colour, "stroke-width": 2,
        points: line.points.map(([t, v]) => `${x(t).toFixed(1)},${y(v).toFixed(1)}`).join(" ") }));
      line.points.forEach(([t, v]) => root.append(svg("circle", { cx: x(t).toFixed(1), cy: y(v).toFixed(1), r: 2.2, fill: colour })));
    }
    root.append(svg("text", { x: width - right - 60 * (lines.length - i), y: 16, fill: colour, class: "legend" },
      "■ v" + line.version));
  });
  return root;
}

function copyable(text) {
  const pre = el("pre", {}, text);
  return el("div", {}, pre, el("button", { type: "button", class: "secondary",
    onclick: () => navigator.clipboard.writeText(text).then(() => say("Copied.")) }, "Copy"));
}

function actions(service) {
  const version = el("input", { type: "number", min: "1", "aria-label": "Version to deploy", placeholder: "version" });
  return el("div", { class: "actions" },
    version,
    el("button", { type: "button", id: "deploy", onclick: () => act(service.name, "deployments",
      { version: Number(version.value) }) }, "Deploy"),
    el("button", { type: "button", id: "rollback", onclick: () => act(service.name, "rollback", {}) }, "Roll back"),
    el("button", { type: "button", id: "delete", class: "secondary", onclick: () => removeService(service.name) },
      "Delete service"));
}

// A delete undeploys from every target first; the deployer then deletes the service, so its
// deployment answers 404 from then on: that is the success.
async function removeService(name) {
  if (!confirm(`Delete service ${name}? It is undeployed from every target first.`)) return;
  try {
    const deployment = await api("/api/v1/services/" + encodeURIComponent(name), { method: "DELETE" });
    if (deployment) {
      say(`Undeployment ${deployment.id} accepted; the service is deleted when it succeeds.`);
      await waitFor(name, deployment.id);
      return;
    }
    say(`Deleted service ${name}.`);
    location.hash = "#/";
  } catch (e) {
    if (e.status === 404) {
      say(`Deleted service ${name}.`);
      location.hash = "#/";
    } else {
      say(e.message);
    }
  }
}

async function act(name, what, body) {
  try {
    const deployment = await api(`/api/v1/services/${encodeURIComponent(name)}/${what}`,
      { method: "POST", body: JSON.stringify(body) });
    say(`Deployment ${deployment.id} accepted (${deployment.kind}`
      + (deployment.kind === "UNDEPLOY" ? ")." : ` to v${deployment.version}).`));
    await waitFor(name, deployment.id);
  } catch (e) {
    say(e.message);
  }
}

async function waitFor(name, id) {
  for (let i = 0; i < 300; i++) {
    const d = await api(`/api/v1/services/${encodeURIComponent(name)}/deployments/${id}`); // 404 once a delete is done
    if (!["PENDING", "STAGING", "ACTIVATING"].includes(d.status)
        && !(d.status === "ROLLING_OUT" && d.rollout && d.rollout.requestedDecision)) {
      say(`Deployment ${id}: ${d.status}${d.error ? " – " + d.error : ""}`);
      return route();
    }
    await new Promise(resolve => setTimeout(resolve, 200));
  }
}

// --- webhooks ------------------------------------------------------------------------------------

// Only an unscoped admin token may read webhooks (they receive every event of their types): any other
// token gets 403, and the page says so instead of failing.
async function showWebhooks() {
  let hooks;
  try {
    hooks = await api("/api/v1/webhooks");
  } catch (e) {
    if (e.status !== 403) throw e;
    main.replaceChildren(el("h2", {}, "Webhooks"), el("p", { id: "webhooks-forbidden" },
      "Webhooks are shown to an unscoped admin token only; this token may not read them."));
    return;
  }
  // The newest delivery of each (one small request per webhook: there are few, and only here).
  const latest = await Promise.all(hooks.map(w =>
    api(`/api/v1/webhooks/${w.id}/deliveries?limit=1`).then(page => page[0] || null)));
  main.replaceChildren(el("h2", {}, "Webhooks"),
    hooks.length === 0 ? el("p", {}, "No webhooks: create one with POST /api/v1/webhooks or rtml webhooks create.")
      : table(["#", "URL", "Event types", "State", "Deliveries", "Last delivery", "Attempts", "Last error"],
        hooks.map((w, i) => webhookRow(w, latest[i]))));
}

function webhookRow(w, last) {
  const d = w.deliveries || {};
  // The registry has no switch to pause a webhook today: one that exists receives its events. A
  // registry that reports `enabled` (or `disabled`) is shown as it says.
  const enabled = !(w.enabled === false || w.disabled === true);
  return [
    w.id,
    el("div", {}, el("code", {}, w.url), w.description ? el("div", { class: "why" }, w.description) : ""),
    w.eventTypes.length === 0 ? "every type" : w.eventTypes.join(", "),
    el("span", { class: "status " + (enabled ? "UP" : "DOWN") }, enabled ? "enabled" : "disabled"),
    `${d.delivered ?? 0} delivered, ${d.pending ?? 0} pending, ${d.failed ?? 0} failed`,
    last == null ? "none yet" : el("span", {}, status(last.status),
      last.lastStatus != null ? ` HTTP ${last.lastStatus}` : "", ` (${last.eventType} #${last.eventId})`,
      el("br"), last.deliveredAt ?? last.lastAttemptAt ?? `due ${last.nextAttemptAt}`),
    last == null ? "–" : last.attempts,
    last == null ? "–" : last.lastError];
}

function say(text) { message.textContent = text; }

async function route() {
  if (!token()) return;
  clearTimeout(refreshTimer);
  document.getElementById("logout").hidden = false;
  try {
    const match = location.hash.match(/^#\/services\/(.+)$/);
    if (match) await showService(decodeURIComponent(match[1]));
    else if (location.hash === "#/webhooks") await showWebhooks();
    else await showGallery();
  } catch (e) {
    say(e.message);
  }
}

document.getElementById("login").addEventListener("submit", event => {
  event.preventDefault();
  sessionStorage.setItem(tokenKey, document.getElementById("token").value.trim());
  say("");
  route();
});
document.getElementById("logout").addEventListener("click", () => { sessionStorage.removeItem(tokenKey); location.reload(); });
window.addEventListener("hashchange", route);
route();
