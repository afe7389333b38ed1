// The reference fan site's browser module: every write goes to the public GraphQL API (/graphql) with one
// of the committed documents (monoql/site/graphql/*.graphql, embedded in the page as JSON). The session is
// the httpOnly cookie `authenticate` sets; mutations carry Django's CSRF token. No token is ever stored.

const config = JSON.parse(document.getElementById("site-config").textContent);
const documents = JSON.parse(document.getElementById("site-documents").textContent);

function csrfToken() {
  const match = document.cookie.match(/(?:^|;\s*)csrftoken=([^;]+)/);
  return match ? decodeURIComponent(match[1]) : "";
}

async function graphql(operationName, variables) {
  const response = await fetch("/graphql", {
    method: "POST",
    credentials: "same-origin",
    headers: { "Content-Type": "application/json", "X-CSRFToken": csrfToken() },
    body: JSON.stringify({ query: documents[operationName], variables, operationName }),
  });
  let body;
  try {
    body = await response.json();
  } catch (error) {
    body = { errors: [{ message: `The service answered ${response.status}.`, extensions: { code: "INTERNAL_ERROR" } }] };
  }
  return body;
}

function go(step) {
  window.location.assign(`${config.base}${step}${config.localeQuery}`);
}

function busy(form, on) {
  for (const button of form.querySelectorAll("button")) button.disabled = on;
}

// The label a person sees for the form field `name` (its `.field`'s data-label), or "".
function labelOf(form, name) {
  const field = form && name ? form.querySelector(`.field[data-field-id="${CSS.escape(name)}"], #error-${CSS.escape(name)}`) : null;
  const holder = field && field.closest(".field");
  return (holder && holder.dataset.label) || "";
}

// What the site says for an API answer, in the page's language: chosen by extensions.reason (else code), never by
// the English `message` (config.messages, from the server's translation catalogs). {field} is the field's label;
// {min} and {max} come from the answer; a reason with only one bound reads its ".min" / ".max" variant.
function say(form, error, name) {
  const ext = error.extensions || {};
  const { reasons, codes } = config.messages || { reasons: {}, codes: {} };
  const bound = ext.min == null && ext.max != null ? ".max" : ext.max == null && ext.min != null ? ".min" : "";
  const label = labelOf(form, name);
  const template =
    reasons[`${ext.reason}${bound}`] ||
    reasons[ext.reason] ||
    (label && codes[`${ext.code}.field`]) ||
    codes[ext.code] ||
    codes.INTERNAL_ERROR ||
    error.message;
  return template.replace(/\{(\w+)\}/g, (_, key) => (key === "field" ? label : String(ext[key] ?? "")));
}

// Show errors: beside the field they name (extensions.field; every field of extensions.fields for missing ones),
// and each in the form's summary.
function showErrors(form, errors) {
  const summary = form.querySelector(".errors");
  const list = summary.querySelector("ul");
  for (const field of form.querySelectorAll(".field")) field.classList.remove("invalid");
  for (const slot of form.querySelectorAll(".error")) slot.textContent = "";
  for (const control of form.querySelectorAll("[aria-invalid]")) control.removeAttribute("aria-invalid");
  if (list) list.replaceChildren();
  else summary.replaceChildren();
  let first = null;
  let shown = 0;
  for (const error of errors) {
    const ext = error.extensions || {};
    const named = ext.fields && ext.fields.length ? ext.fields : [ext.field || ""];
    for (const field of named) {
      const name = String(field).split(/[.[]/)[0];
      const text = say(form, error, name);
      const slot = name ? form.querySelector(`#error-${CSS.escape(name)}`) : null;
      if (slot) {
        slot.textContent = text;
        const holder = slot.closest(".field");
        if (holder) holder.classList.add("invalid");
        const control = holder && holder.querySelector("input, select, textarea");
        if (control) control.setAttribute("aria-invalid", "true");
        first = first || control;
      }
      const item = document.createElement(list ? "li" : "p");
      item.textContent = text;
      (list || summary).append(item);
      shown += 1;
    }
  }
  summary.hidden = shown === 0;
  if (shown) (first || summary).focus();
}

function fieldValue(form, field) {
  const id = field.dataset.fieldId;
  const type = field.dataset.fieldType;
  const named = [...form.elements].filter((element) => element.name === id);
  if (type === "opt_in") return named[0].checked;
  if (type === "additional_markets_select") return named.map((select) => select.value).filter(Boolean);
  if (type === "checklist") return named.filter((box) => box.checked).map((box) => box.value);
  if (type === "boolean_select") {
    const picked = named.find((radio) => radio.checked);
    return picked ? picked.value === "true" : null;
  }
  const value = named[0] ? named[0].value.trim() : "";
  if (type === "ticket_count" && value !== "") return Number(value);
  return value === "" ? null : value;
}

function onSignIn(form) {
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    busy(form, true);
    const email = form.elements.email.value.trim();
    const minted = await fetch(config.devSignIn, {
      method: "POST",
      credentials: "same-origin",
      headers: { "Content-Type": "application/json", "X-CSRFToken": csrfToken() },
      body: JSON.stringify({ email }),
    }).then((response) => response.json());
    if (minted.errors) {
      busy(form, false);
      return showErrors(form, minted.errors);
    }
    const answer = await graphql("Authenticate", { token: minted.token });
    busy(form, false);
    if (answer.errors) return showErrors(form, answer.errors);
    go("signin");
  });
}

function onRegister(form) {
  // How long the form took to fill in (the bot score reads it; nothing else about the fan's typing is sent).
  const shown = performance.now();
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const entry = { form_ms: String(Math.round(performance.now() - shown)) };
    for (const field of form.querySelectorAll(".field[data-field-id]")) {
      const value = fieldValue(form, field);
      if (value !== null) entry[field.dataset.fieldId] = value;
    }
    busy(form, true);
    const answer = await graphql("UpsertViewerEntry", { campaignId: config.campaignId, locale: config.locale, entry });
    busy(form, false);
    if (answer.errors) return showErrors(form, answer.errors);
    go(config.requiresPhone && !config.phoneConfirmed ? "phone" : "status");
  });
}

function onPhone(form) {
  const phone = form.dataset.phone;
  const sent = form.querySelector(".sent");
  const sendButton = form.querySelector("[data-action=send-code]");
  sendButton.addEventListener("click", async () => {
    busy(form, true);
    const answer = await graphql("SendPhoneConfirmationCode", { campaignId: config.campaignId, phone });
    busy(form, false);
    if (answer.errors) {
      sent.textContent = ""; // a refused send (the resend limit) leaves no "Code sent" beside the refusal
      return showErrors(form, answer.errors);
    }
    showErrors(form, []);
    sent.textContent = `${config.words.code_sent} ${answer.data.sendPhoneConfirmationCode.phone}`;
    sendButton.textContent = config.words.resend_code;
    form.elements.code.focus();
  });
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    busy(form, true);
    const code = form.elements.code.value.trim();
    const checked = await graphql("VerifyPhoneConfirmationCode", { campaignId: config.campaignId, phone, code });
    if (checked.errors) {
      busy(form, false);
      return showErrors(form, checked.errors);
    }
    const phoneJwt = checked.data.verifyPhoneConfirmationCode.phoneJwt;
    const confirmed = await graphql("SubmitConfirm", { campaignId: config.campaignId, phoneJwt });
    busy(form, false);
    if (confirmed.errors) return showErrors(form, confirmed.errors);
    go("status");
  });
}

for (const button of document.querySelectorAll("[data-action=sign-out]")) {
  button.addEventListener("click", async () => {
    await graphql("Logout", {});
    go("");
  });
}

function onPrivacy() {
  const status = document.getElementById("privacy-status");
  const doNotSell = document.getElementById("do-not-sell");
  if (doNotSell) {
    doNotSell.addEventListener("change", async () => {
      doNotSell.disabled = true;
      const answer = await graphql("SetViewerDoNotSell", { doNotSell: doNotSell.checked });
      doNotSell.disabled = false;
      if (answer.errors) {
        doNotSell.checked = !doNotSell.checked;
        status.textContent = say(null, answer.errors[0], "");
        return;
      }
      status.textContent = doNotSell.checked ? doNotSell.dataset.on : doNotSell.dataset.off;
    });
  }
  const download = document.getElementById("download-data");
  if (download) {
    download.addEventListener("click", async () => {
      download.disabled = true;
      const answer = await graphql("ViewerPersonalData", {});
      download.disabled = false;
      if (answer.errors) {
        status.textContent = say(null, answer.errors[0], "");
        return;
      }
      const text = JSON.stringify(answer.data.viewerPersonalData, null, 2);
      const link = document.createElement("a");
      link.href = URL.createObjectURL(new Blob([text], { type: "application/json" }));
      link.download = "my-data.json";
      document.body.appendChild(link);
      link.click();
      link.remove();
      status.textContent = download.dataset.done;
    });
  }
}

onPrivacy();

const forms = { "sign-in": onSignIn, register: onRegister, phone: onPhone };
for (const [id, wire] of Object.entries(forms)) {
  const form = document.getElementById(id);
  if (form) wire(form);
}
