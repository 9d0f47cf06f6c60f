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
  const service = await api("/api/v1/services/" + encodeURIComponent(name));
  const hub = service.targets[0];
  // Built by the registry with every value shell-quoted: never paste a URL into a command here.
  const example = hub ? hub.endpoints.predictCurl : "";
  main.replaceChildren(
    el("h2", {}, service.name, " ", status(service.status)),
    el("p", {}, `Model ${service.model}. ${service.description || ""}`),
    actions(service),
    el("h3", {}, "What runs where"),
    table(["Target", "Kind", "Region", "Active", "Standby", "Health", "Deployed", "Endpoints", ""], service.targets.map(t => [
      t.target, t.kind, t.region, t.activeVersion, t.standbyVersions.join(", ") || "–", status(t.health),
      t.deployedAt ? `${t.deployedAt} by ${t.deployedBy}` : "–",
      el("code", {}, t.endpoints.infer),
      el("button", { type: "button", class: "secondary undeploy", "aria-label": "Undeploy from " + t.target,
        onclick: () => act(service.name, "deployments", { kind: "UNDEPLOY", targets: [t.target] }) }, "Undeploy")])),
    hub ? el("h3", {}, "Call it") : "", hub ? copyable(example) : "",
    el("h3", {}, "Deployments"),
    table(["#", "Kind", "Version", "Status", "Requested", "Duration", "Error"], service.deployments.map(d => [
      d.id, d.kind, d.version, status(d.status), `${d.requestedAt} by ${d.requestedBy}`,
      d.durationMs == null ? "–" : d.durationMs + " ms", d.error])),
    el("h3", {}, "Signature"),
    service.signature ? table(["", "Name", "Type", "Shape"], [
      ...service.signature.inputs.map(v => ["input", v.name, v.onnxType, JSON.stringify(v.shape)]),
      ...service.signature.outputs.map(v => ["output", v.name, v.onnxType, JSON.stringify(v.shape)])])
      : el("p", {}, "Shown once a version runs."));
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
    if (!["PENDING", "STAGING", "ACTIVATING"].includes(d.status)) {
      say(`Deployment ${id}: ${d.status}${d.error ? " – " + d.error : ""}`);
      return route();
    }
    await new Promise(resolve => setTimeout(resolve, 200));
  }
}

function say(text) { message.textContent = text; }

async function route() {
  if (!token()) return;
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
