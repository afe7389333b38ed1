// The campaign editor's registration form builder: rows of fields (type, id, required, labels per locale,
// options of choice fields), reorder/remove, and a live preview of the form as a fan sees it. It keeps the
// JSON textarea (the stored `preferences`, in the closed "Advanced" view) up to date on every change.
(function () {
  "use strict";

  const RANKED = ["market_select", "additional_markets_select"];

  function localesOnPage(config) {
    // The campaign's locales, plus any typed into the locale rows of this page (new locales label at once).
    const typed = [...document.querySelectorAll("input[id^='id_locales-'][id$='-locale']")]
      .map((input) => input.value.trim())
      .filter((value) => /^[a-z]{2}_[A-Z]{2}$/.test(value));
    return [...new Set([...(config.locales || []), ...typed])];
  }

  function el(tag, attrs, ...children) {
    const node = document.createElement(tag);
    for (const [key, value] of Object.entries(attrs || {})) {
      if (key === "text") node.textContent = value;
      else if (value !== undefined && value !== null && value !== false) node.setAttribute(key, value === true ? "" : value);
    }
    for (const child of children) if (child) node.append(child);
    return node;
  }

  function uniqueId(fields, type) {
    const base = { market_select: "market", additional_markets_select: "optional_markets" }[type] || type;
    let id = base;
    let n = 2;
    while (fields.some((field) => field.id === id)) id = `${base}_${n++}`;
    return id;
  }

  function Builder(root) {
    const config = JSON.parse(root.dataset.config);
    const textarea = root.querySelector("textarea");
    const list = root.querySelector(".builder-list");
    const preview = root.querySelector(".builder-preview-form");
    const previewLocale = root.querySelector(".builder-preview-locale");
    let fields;
    let shownLocale = null;
    try {
      fields = JSON.parse(textarea.value || "[]");
      if (!Array.isArray(fields)) fields = [];
    } catch (error) {
      fields = [];
      root.classList.add("builder-invalid-json");
    }

    function save() {
      textarea.value = JSON.stringify(fields, null, 2);
      renderPreview();
    }

    function labelRow(field, index, locale) {
      const id = `${textarea.id}-f${index}-label-${locale}`;
      const input = el("input", { id, type: "text", value: (field.label || {})[locale] || "", "data-locale": locale });
      input.addEventListener("input", () => {
        field.label = { ...(field.label || {}) };
        if (input.value.trim()) field.label[locale] = input.value;
        else delete field.label[locale];
        save();
      });
      return el("div", { class: "builder-label" }, el("label", { for: id, text: `Label (${locale})` }), input);
    }

    function additionalControls(field, index) {
      const box = el("div", { class: "builder-additional" });
      const add = { ...(field.additional || {}) };
      const number = (name, text) => {
        const id = `${textarea.id}-f${index}-${name}`;
        const input = el("input", { id, type: "number", min: "0", value: add[name] ?? "" });
        input.addEventListener("input", () => {
          field.additional = { ...(field.additional || {}) };
          if (input.value === "") delete field.additional[name];
          else field.additional[name] = Number(input.value);
          if (!Object.keys(field.additional).length) delete field.additional;
          save();
        });
        box.append(el("label", { for: id, text }), input);
      };
      if (field.type === "additional_markets_select") number("max", "How many more shows (1–3)");
      if (field.type === "ticket_count") {
        number("min", "Fewest tickets");
        number("max", "Most tickets");
      }
      if (field.type === "freeform_text") {
        number("minLength", "Shortest answer (characters)");
        number("maxLength", "Longest answer (characters)");
      }
      if (field.type === "checklist") {
        const id = `${textarea.id}-f${index}-items`;
        const items = ((field.additional || {}).items || []).map((item) => (typeof item === "object" ? item.id : item));
        const input = el("textarea", { id, rows: "3" });
        input.value = items.join("\n");
        input.addEventListener("input", () => {
          field.additional = { ...(field.additional || {}) };
          field.additional.items = input.value.split("\n").map((line) => line.trim()).filter(Boolean).map((id) => ({ id }));
          save();
        });
        box.append(el("label", { for: id, text: "Options (one per line)" }), input);
      }
      return box.childNodes.length ? box : null;
    }

    function move(index, by) {
      const target = index + by;
      if (target < 0 || target >= fields.length) return;
      [fields[index], fields[target]] = [fields[target], fields[index]];
      render();
      list.querySelectorAll(by < 0 ? ".builder-up" : ".builder-down")[target]?.focus();
    }

    function row(field, index) {
      const idInput = el("input", { id: `${textarea.id}-f${index}-id`, type: "text", value: field.id, class: "builder-id" });
      idInput.addEventListener("input", () => {
        field.id = idInput.value.trim();
        save();
      });
      const required = el("input", { id: `${textarea.id}-f${index}-required`, type: "checkbox", checked: !field.is_optional });
      required.addEventListener("change", () => {
        field.is_optional = !required.checked;
        save();
      });
      const up = el("button", { type: "button", class: "builder-up", text: "↑", "aria-label": `Move ${field.id} up` });
      const down = el("button", { type: "button", class: "builder-down", text: "↓", "aria-label": `Move ${field.id} down` });
      const remove = el("button", { type: "button", class: "builder-remove", text: "Remove", "aria-label": `Remove ${field.id}` });
      up.addEventListener("click", () => move(index, -1));
      down.addEventListener("click", () => move(index, 1));
      remove.addEventListener("click", () => {
        fields.splice(index, 1);
        render();
      });
      const head = el(
        "div",
        { class: "builder-head" },
        el("strong", { class: "builder-type", text: (config.typeLabels || {})[field.type] || field.type }),
        el("label", { for: idInput.id, text: "Id" }),
        idInput,
        el("span", { class: "builder-required" }, required, el("label", { for: required.id, text: "Required" })),
        up,
        down,
        remove,
      );
      const item = el("li", { class: "builder-field", "data-field-id": field.id, "data-field-type": field.type }, head);
      for (const locale of localesOnPage(config)) item.append(labelRow(field, index, locale));
      const extra = additionalControls(field, index);
      if (extra) item.append(extra);
      return item;
    }

    function render() {
      list.replaceChildren(...fields.map(row));
      save();
    }

    function previewControl(field, label, locale) {
      const id = `preview-${field.id}`;
      const markets = (config.markets || []).map((m) => el("option", { value: m.id, text: m.name }));
      const required = field.is_optional ? "" : " *";
      switch (field.type) {
        case "market_select":
          return [el("label", { for: id, text: `${label}${required}` }), el("select", { id }, el("option", { text: "—" }), ...markets)];
        case "additional_markets_select": {
          const count = Math.min((field.additional || {}).max || 3, 3);
          const selects = [];
          for (let n = 0; n < count; n++) {
            selects.push(el("label", { for: `${id}-${n}`, text: `${n + 2}. ${label}` }), el("select", { id: `${id}-${n}` }, el("option", { text: "—" }), ...(config.markets || []).map((m) => el("option", { value: m.id, text: m.name }))));
          }
          return selects;
        }
        case "opt_in":
          return [el("span", { class: "preview-check" }, el("input", { id, type: "checkbox" }), el("label", { for: id, text: label }))];
        case "boolean_select":
          return [el("span", { text: `${label}${required}` }), el("span", { class: "preview-check" }, el("input", { id, type: "radio", name: id }), el("label", { for: id, text: "Yes / No" }))];
        case "checklist":
          return [el("span", { text: `${label}${required}` }), ...((field.additional || {}).items || []).map((item, n) => el("span", { class: "preview-check" }, el("input", { id: `${id}-${n}`, type: "checkbox" }), el("label", { for: `${id}-${n}`, text: typeof item === "object" ? item.id : item })))];
        case "freeform_text":
          return [el("label", { for: id, text: `${label}${required}` }), el("textarea", { id, rows: "2" })];
        default: {
          const type = { email: "email", phone: "tel", ticket_count: "number" }[field.type] || "text";
          return [el("label", { for: id, text: `${label}${required}` }), el("input", { id, type })];
        }
      }
    }

    function renderPreview() {
      const locales = localesOnPage(config);
      if (!shownLocale || !locales.includes(shownLocale)) shownLocale = locales[0];
      previewLocale.replaceChildren(
        ...locales.map((locale) => {
          const button = el("button", { type: "button", class: locale === shownLocale ? "active" : "", "aria-pressed": String(locale === shownLocale), text: locale });
          button.addEventListener("click", () => {
            shownLocale = locale;
            renderPreview();
          });
          return button;
        }),
      );
      preview.replaceChildren(
        ...fields.map((field) => {
          const labels = field.label || {};
          const label = labels[shownLocale] || labels[locales[0]] || field.id;
          const fallback = !labels[shownLocale] && labels[locales[0]] ? el("em", { class: "preview-fallback", text: ` (falls back to ${locales[0]})` }) : null;
          const box = el("div", { class: "preview-field" }, ...previewControl(field, label, shownLocale));
          if (fallback) box.append(fallback);
          return box;
        }),
      );
    }

    root.querySelector(".builder-add-button").addEventListener("click", () => {
      const type = root.querySelector(".builder-add-type").value;
      // contact fields (a fan must be reachable) and the first market choice start required (issue 40)
      const field = { id: uniqueId(fields, type), type, is_optional: !["email", "phone", "market_select"].includes(type), label: {} };
      if (type === "additional_markets_select") field.additional = { max: 3 };
      if (type === "checklist") field.additional = { items: [] };
      fields.push(field);
      render();
      list.lastElementChild?.querySelector(".builder-id")?.focus();
    });
    document.addEventListener("input", (event) => {
      if (event.target.matches("input[id^='id_locales-'][id$='-locale']")) render();
    });
    document.addEventListener("formset:added", render);
    render();
  }

  function start() {
    document.querySelectorAll(".preferences-builder").forEach(Builder);
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
