// ringcheck console: live updates of the Now and run pages by polling the JSON API.
// Served as a file (the pages' CSP allows no inline script). Every value from the API is put
// on the page with textContent or as an attribute value, never as HTML: screen text is data.
"use strict";

(function () {
  const POLL_MS = 2000;
  const body = document.body;
  const zone = body.dataset.zone || "UTC";
  const operator = body.dataset.role === "operator" || body.dataset.role === "admin";
  const csrfMeta = document.querySelector('meta[name="csrf-token"]');
  const csrf = csrfMeta ? csrfMeta.getAttribute("content") : "";

  function el(tag, attrs, children) {
    const node = document.createElement(tag);
    for (const [key, value] of Object.entries(attrs || {})) {
      if (value === null || value === undefined || value === false) continue;
      if (key === "text") node.textContent = String(value);
      else if (key === "className") node.className = value;
      else node.setAttribute(key, String(value));
    }
    for (const child of children || []) {
      if (child === null || child === undefined) continue;
      node.append(typeof child === "string" ? document.createTextNode(child) : child);
    }
    return node;
  }

  function when(iso) {
    if (!iso) return "—";
    try {
      return new Date(iso).toLocaleString("sv-SE", { timeZone: zone });
    } catch (err) {
      return iso;
    }
  }

  function cancelForm(run) {
    if (!operator || !run.cancellable) return null;
    return el("form", { method: "post", action: `/runs/${run.id}/cancel`, className: "inline" }, [
      el("input", { type: "hidden", name: "csrf", value: csrf }),
      el("button", { type: "submit", className: "danger", text: "Cancel" }),
    ]);
  }

  function runRow(run) {
    const planned = run.planned_calls;
    const done = Math.min(run.finished_attempts, planned === null ? run.finished_attempts : planned);
    const progress = planned ? el("progress", { max: planned, value: done }) : null;
    const status = el("td", { className: "run-status" }, [
      el("span", { className: `status st-${run.status}`, text: run.status }),
      run.cancel_requested_by && run.running ? " (cancelling)" : null,
    ]);
    return el("tr", { id: `run-${run.id}`, "data-run": run.id, "data-status": run.status }, [
      el("td", {}, [el("a", { href: run.page, text: run.id })]),
      el("td", { text: run.scenario }),
      status,
      el("td", { className: "run-progress" }, [
        progress, progress ? " " : null,
        el("span", { className: "count",
          text: `${run.finished_attempts} of ${planned === null ? "?" : planned} calls` }),
      ]),
      el("td", { className: "run-results",
        text: `${run.passed} passed · ${run.failed} failed · ${run.uncertain} uncertain · ` +
              `${run.errors} errors` }),
      el("td", { text: run.trigger }),
      el("td", { text: when(run.started_at) }),
      el("td", { className: "run-note untrusted", text: run.note || "" }),
      el("td", { className: "run-action" }, [cancelForm(run)]),
    ]);
  }

  function replaceRows(tbody, rows, emptyText, columns) {
    const fresh = rows.length ? rows : [el("tr", { className: "empty" }, [
      el("td", { colspan: columns, text: emptyText })])];
    tbody.replaceChildren(...fresh);
  }

  function handsetItem(h) {
    const latest = h.latest_attempt;
    return el("li", { "data-handset": h.id }, [
      el("div", { className: "hs-head" }, [
        el("b", { text: h.id }), " ",
        el("span", { className: `hs-state hs-${h.state}`, text: h.state }),
      ]),
      el("div", { className: "hs-meta", text: `${h.carrier} · ${h.platform} ${h.model}` }),
      latest && h.screenshot
        ? el("a", { className: "hs-shot", href: latest.page }, [
            el("img", { src: h.screenshot, alt: `latest screen of ${h.id}`, loading: "lazy" })])
        : el("div", { className: "noimg", text: "no screen yet" }),
      latest ? el("div", { className: "hs-last" }, [
        `last call ${when(latest.dialed_at)}: `,
        el("span", { className: "untrusted", text: latest.name || latest.delivery || "" }),
      ]) : null,
      h.leased_by ? el("div", { className: "hs-lease", text: `in use by ${h.leased_by}` }) : null,
    ]);
  }

  function attemptRow(a) {
    return el("tr", { "data-attempt": a.id }, [
      el("td", {}, [el("a", { href: a.page, text: a.id })]),
      el("td", { text: when(a.dialed_at) }),
      el("td", { text: a.number }),
      el("td", { text: `${a.carrier} / ${a.handset || "—"}` }),
      el("td", { text: a.delivery || a.status }),
      el("td", {}, [
        el("span", { className: `kind k-${a.kind}`, text: a.kind.replace(/_/g, " ") }),
        el("span", { className: "detail untrusted", text: a.cause }),
      ]),
    ]);
  }

  async function getJson(url) {
    const response = await fetch(url, {
      headers: { Accept: "application/json" },
      credentials: "same-origin",
      cache: "no-store",
    });
    if (response.status === 401) {
      signedOut();
      return null;
    }
    if (!response.ok) return null;
    return response.json();
  }

  let stopped = false;

  function signedOut() {
    stopped = true;
    const main = document.querySelector("main");
    if (main && !document.getElementById("signed-out")) {
      main.prepend(el("p", { id: "signed-out", className: "flash warning", role: "status" }, [
        "Your session has ended: ", el("a", { href: "/signin", text: "sign in again" }), "."]));
    }
  }

  function stamp(at) {
    const updated = document.getElementById("updated");
    if (updated) updated.textContent = `updated ${when(at || new Date().toISOString())}`;
  }

  async function refreshNow() {
    const data = await getJson("/api/now");
    if (!data) return true;
    const runs = document.querySelector("#runs tbody");
    if (runs) replaceRows(runs, data.runs.map(runRow), "No runs yet.", 9);
    const handsets = document.getElementById("handsets");
    if (handsets) handsets.replaceChildren(...data.handsets.map(handsetItem));
    stamp(data.at);
    return true;
  }

  async function refreshRun(runId) {
    const run = await getJson(`/api/runs/${runId}`);
    if (!run) return true;
    const tbody = document.querySelector("#runs tbody");
    if (tbody) tbody.replaceChildren(runRow(run));
    const calls = await getJson(`/api/runs/${runId}/attempts?limit=500`);
    const table = document.querySelector("#run-attempts tbody");
    if (calls && table) replaceRows(table, calls.items.map(attemptRow), "No calls yet.", 6);
    return run.running;
  }

  function poll(step) {
    async function tick() {
      if (stopped) return;
      let again = true;
      if (!document.hidden) {
        try {
          again = await step();
        } catch (err) {
          again = true; // a failed poll (server restarting) is retried at the next tick
        }
      }
      if (again && !stopped) window.setTimeout(tick, POLL_MS);
    }
    window.setTimeout(tick, POLL_MS);
  }

  const runPage = document.querySelector("[data-run-page]");
  if (body.dataset.page === "now") poll(refreshNow);
  else if (runPage) poll(() => refreshRun(runPage.getAttribute("data-run-page")));
})();
