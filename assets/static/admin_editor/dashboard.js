// The dashboard's jobs update without a reload: the page polls its JSON status endpoint and rewrites the
// jobs table (status, progress bar, counts when done, the error in words when failed).
(function () {
  "use strict";
  const root = document.querySelector(".dashboard");
  if (!root) return;
  const url = root.dataset.jobsUrl;
  const every = Number(root.dataset.pollSeconds || 2) * 1000;
  const body = document.querySelector("#jobs tbody");
  const updated = document.getElementById("jobs-updated");

  function cell(text, className) {
    const td = document.createElement("td");
    if (className) td.className = className;
    if (text !== undefined && text !== null) td.textContent = text;
    return td;
  }

  function progressCell(job) {
    const td = cell(null, "job-progress");
    const p = job.progress || {};
    if (p.steps) {
      const bar = document.createElement("progress");
      bar.max = p.steps;
      bar.value = p.step || 0;
      td.append(bar, ` ${p.stage || ""}`);
    } else if (p.total) {
      const bar = document.createElement("progress");
      bar.max = p.total;
      bar.value = p.rows || 0;
      td.append(bar);
    }
    return td;
  }

  function resultCell(job) {
    const td = cell(null, "job-result");
    if (job.error) {
      const span = document.createElement("span");
      span.className = "job-error";
      span.textContent = job.error;
      td.append(span);
    } else if (job.summary) {
      td.textContent = job.summary; // the server says it in words (a wave's per-channel counts included)
    }
    return td;
  }

  function render(data) {
    const rows = [];
    for (const group of ["wavePreps", "selections", "exports", "waves", "uploads", "scoring"]) {
      for (const job of data[group] || []) {
        const tr = document.createElement("tr");
        tr.dataset.kind = job.kind;
        tr.dataset.id = job.id ?? "";
        tr.append(cell(job.kind), cell(job.name), cell(job.status, "job-status"), progressCell(job), cell(job.requestedBy || ""), resultCell(job));
        rows.push(tr);
      }
    }
    body.replaceChildren(...rows);
    updated.textContent = `updated ${new Date(data.at).toLocaleTimeString()}`;
  }

  async function poll() {
    try {
      const response = await fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } });
      if (response.ok) render(await response.json());
    } catch (error) {
      updated.textContent = "could not update";
    }
    setTimeout(poll, every);
  }
  setTimeout(poll, every);
})();
