// The Gapless console: what this node knows of the cluster (GET /api/v1/status), every storage
// node's replicas (their GET /api/v1/replicas), the cluster event log as it happens
// (GET /api/v1/events?follow=true, server-sent events) and a tag's trend with its stopped
// intervals drawn as bands. Plain DOM and fetch; uPlot draws the chart. On a secure cluster the
// API wants a token: the console asks for one (read scope) when it is answered 401 and keeps it
// for this browser tab only (sessionStorage).
"use strict";

const POLL_MS = 2000;
const MAX_EVENTS = 300;
const FAULTS = /UNREACHABLE|DOWNED|REMOVED|STOPPED|FAILED|CONFLICT|CORRUPT|DISK_FULL|LOST|UNCLEAN/;
const RECOVERY = /RECOVERY|REPAIRED|REACHABLE|MEMBER_UP/;

const $ = (sel) => document.querySelector(sel);

function cell(text, cls) {
  const td = document.createElement("td");
  td.textContent = text;
  if (cls) td.className = cls;
  return td;
}

function row(cells, attrs) {
  const tr = document.createElement("tr");
  Object.entries(attrs || {}).forEach(([k, v]) => tr.setAttribute(k, v));
  cells.forEach((c) => tr.appendChild(c));
  return tr;
}

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

function authHeaders() {
  const token = sessionStorage.getItem("gaplessToken");
  return token ? { Authorization: "Bearer " + token } : {};
}

function askForToken() {
  $("#token-form").hidden = false;
}

async function getJson(url) {
  const r = await fetch(url, { cache: "no-store", headers: authHeaders() });
  if (r.status === 401) askForToken();
  if (!r.ok) throw new Error(url + ": HTTP " + r.status);
  return r.json();
}

function showMembers(status) {
  const body = $("#members tbody");
  body.replaceChildren(...status.members
    .slice().sort((a, b) => a.node.localeCompare(b.node))
    .map((m) => row([
      cell(m.node), cell(m.roles.join(", ")), cell(m.status),
      cell(m.reachable ? "reachable" : "unreachable", "reachable" + (m.reachable ? "" : " unreachable")),
      cell(m.address, "quiet")],
    { "data-node": m.node, class: m.reachable ? "" : "unreachable" })));
  $("#self").textContent = "this node: " + status.node + " (" + status.roles.join(", ") + ")";
}

async function replicasOf(storageNodes) {
  const lists = await Promise.all(storageNodes.map(async (s) => {
    if (!s.reachable || !s.http) return [];
    try {
      return (await getJson(s.http + "/api/v1/replicas")).replicas;
    } catch (e) {
      return [];
    }
  }));
  return lists.flat();
}

function showReplicas(replicas) {
  const body = $("#replicas tbody");
  replicas.sort((a, b) => a.collector.localeCompare(b.collector) || a.node.localeCompare(b.node));
  body.replaceChildren(...replicas.map((r) => {
    const state = r.recovering ? "recovering" : r.asleep ? "asleep" : "awake";
    const missing = r.missing.map((m) => m[0] === m[1] ? m[0] : m[0] + ".." + m[1]).join(" ");
    return row([cell(r.collector), cell(r.node), cell(r.contiguousSeq, "num"), cell(r.highestSeq, "num"),
      cell(missing || "-"), cell(r.lag, "num"), cell(state, state), cell(r.digest, "quiet")],
    { "data-collector": r.collector, "data-node": r.node });
  }));
  const running = replicas.filter((r) => r.recovering);
  const bars = running.map((r) => {
    const target = Math.max(r.highestSeq, ...Object.values(r.peers || {}), 1);
    const div = document.createElement("div");
    div.className = "bar";
    const p = document.createElement("progress");
    p.max = target;
    p.value = r.contiguousSeq;
    const label = document.createElement("span");
    label.textContent = r.collector + " on " + r.node + ": " + r.contiguousSeq + " of " + target + " seqs";
    div.append(p, label);
    return div;
  });
  const none = document.createElement("p");
  none.className = "quiet";
  none.textContent = "none running";
  $("#recoveries").replaceChildren(...(bars.length ? bars : [none]));
}

async function poll() {
  try {
    const status = await getJson("/api/v1/status");
    showMembers(status);
    showReplicas(await replicasOf(status.storageNodes));
    $("#updated").textContent = "updated " + new Date().toLocaleTimeString();
  } catch (e) {
    $("#updated").textContent = "no answer: " + e.message;
  } finally {
    setTimeout(poll, POLL_MS);
  }
}

function showEvent(e) {
  const list = $("#events");
  const li = document.createElement("li");
  const rest = Object.entries(e).filter(([k]) => !["id", "time", "node", "event"].includes(k))
    .map(([k, v]) => k + "=" + v).join(" ");
  li.textContent = e.time + "  " + e.node + "  " + e.event + "  " + rest;
  li.className = FAULTS.test(e.event) ? "fault" : RECOVERY.test(e.event) ? "recovery" : "";
  list.prepend(li);
  while (list.children.length > MAX_EVENTS) list.lastChild.remove();
}

// Server-sent events read with fetch (EventSource cannot send a token), following again after a
// break. Each event is a block of lines ended by an empty line; its data lines hold the JSON.
async function followEvents() {
  for (;;) {
    try {
      const r = await fetch("/api/v1/events?follow=true", { headers: authHeaders() });
      if (r.status === 401) askForToken();
      if (r.ok) {
        const reader = r.body.pipeThrough(new TextDecoderStream()).getReader();
        let buffer = "";
        for (;;) {
          const { value, done } = await reader.read();
          if (done) break;
          buffer += value.replace(/\r\n/g, "\n");
          let end;
          while ((end = buffer.indexOf("\n\n")) >= 0) {
            const data = buffer.slice(0, end).split("\n").filter((l) => l.startsWith("data:"))
              .map((l) => l.slice(5).trim()).join("\n");
            buffer = buffer.slice(end + 2);
            if (data) showEvent(JSON.parse(data));
          }
        }
      }
    } catch (e) {
      // the node went away: follow again below
    }
    await sleep(POLL_MS);
  }
}

let chart;

async function showTrend(ev) {
  ev.preventDefault();
  const form = new FormData(ev.target);
  const range = Number(form.get("range"));
  const to = Date.now();
  const from = to - range;
  const interval = Math.max(1000, Math.ceil(range / 600));
  const url = "/api/v1/collectors/" + encodeURIComponent(form.get("collector")) + "/samples?tag="
    + encodeURIComponent(form.get("tag")) + "&from=" + from + "&to=" + to + "&interval=" + interval + "&agg=avg";
  try {
    const a = await getJson(url);
    const xs = a.buckets.map((b) => b.from / 1000);
    const ys = a.buckets.map((b) => b.value);
    const gaps = a.gaps.map((g) => [g.from / 1000, (g.to == null ? to : g.to) / 1000, g.reason]);
    const bands = (u) => {
      const ctx = u.ctx;
      ctx.save();
      ctx.fillStyle = "rgba(176, 0, 32, 0.12)";
      gaps.forEach(([x0, x1]) => {
        const l = u.valToPos(Math.max(x0, from / 1000), "x", true);
        const r = u.valToPos(Math.min(x1, to / 1000), "x", true);
        ctx.fillRect(l, u.bbox.top, Math.max(1, r - l), u.bbox.height);
      });
      ctx.restore();
    };
    if (chart) chart.destroy();
    chart = new uPlot({
      width: Math.max(600, $("#trend").clientWidth || 900), height: 300,
      scales: { x: { min: from / 1000, max: to / 1000 } },
      series: [{}, { label: a.tag + " (avg per " + interval / 1000 + " s)", stroke: "#1d3557", width: 1.5 }],
      hooks: { drawAxes: [bands] },
    }, [xs, ys], $("#trend"));
    $("#trend-note").textContent = a.buckets.length + " intervals from " + a.node
      + (gaps.length ? ", " + gaps.length + " stopped (shaded)" : "");
  } catch (e) {
    $("#trend-note").textContent = e.message;
  }
}

$("#trend-form").addEventListener("submit", showTrend);
$("#token-form").addEventListener("submit", (ev) => {
  ev.preventDefault();
  sessionStorage.setItem("gaplessToken", new FormData(ev.target).get("token").trim());
  $("#token-form").hidden = true;
  ev.target.reset();
});
followEvents();
poll();
