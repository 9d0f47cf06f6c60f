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
        el("a", { href: "#/services/" + encodeURIComponent(s.name) }, s.name), s.model, versionsByTarget(s),
        s.targets.map(t => status(t.health)), status(s.status)])));
}

async function showService(name) {
  const [service, live] = await Promise.all([
    api("/api/v1/services/" + encodeURIComponent(name)), liveFigures(name)]);
  const hub = service.targets[0];
  // Built by the registry with every value shell-quoted: never paste a URL into a command here.
  const example = hub ? hub.endpoints.predictCurl : "";
  const progress = el("div", { id: "live" });
  main.replaceChildren(
    el("h2", {}, service.name, " ", status(service.status)),
    el("p", {}, `Model ${service.model}. ${service.description || ""}`),
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
    el("h3", {}, "Signature"),
    service.signature ? table(["", "Name", "Type", "Shape"], [
      ...service.signature.inputs.map(v => ["input", v.name, v.onnxType, JSON.stringify(v.shape)]),
      ...service.signature.outputs.map(v => ["output", v.name, v.onnxType, JSON.stringify(v.shape)])])
      : el("p", {}, "Shown once a version runs."));
  renderLive(progress, service, live);
  keepLive(name);
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
  container.replaceChildren(
    rolling ? rollout(service.name, rolling) : "",
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

function say(text) { message.textContent = text; }

async function route() {
  if (!token()) return;
  clearTimeout(refreshTimer);
  document.getElementById("logout").hidden = false;
  try {
    const match = location.hash.match(/^#\/services\/(.+)$/);
    if (match) await showService(decodeURIComponent(match[1])); else await showGallery();
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
