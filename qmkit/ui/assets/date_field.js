// The date field (anywidget): the text is TT.MM.JJJJ whatever the browser's language; the Python side reads it.
function iso(text) {
  const parts = (text || "").trim().replace(/\.$/, "").split(".");
  if (parts.length !== 3) return "";
  let [d, m, y] = parts.map((p) => parseInt(p, 10));
  if (!d || !m || isNaN(y)) return "";
  if (y < 100) y += 2000;
  return `${String(y).padStart(4, "0")}-${String(m).padStart(2, "0")}-${String(d).padStart(2, "0")}`;
}

function render({ model, el }) {
  const box = document.createElement("div");
  box.className = "qm-date";
  const id = `qm-date-${Math.random().toString(36).slice(2)}`;
  const label = document.createElement("label");
  label.htmlFor = id;
  const input = document.createElement("input");
  input.type = "text";
  input.id = id;
  input.className = "qm-date-text";
  input.inputMode = "numeric";
  input.autocomplete = "off";
  const calendar = document.createElement("button");
  calendar.type = "button";
  const icon = document.createElement("i");
  icon.className = "fa fa-calendar";
  icon.setAttribute("aria-hidden", "true");
  calendar.append(icon);
  const native = document.createElement("input");
  native.type = "date";
  native.className = "qm-date-native";
  native.tabIndex = -1;
  native.setAttribute("aria-hidden", "true");
  const error = document.createElement("span");
  error.className = "qm-date-error";
  error.setAttribute("role", "alert");
  box.append(label, input, calendar, native, error);
  el.append(box);

  const send = (text) => {
    model.set("text", text);
    model.save_changes();
  };
  const show = () => {
    const description = model.get("description");
    label.textContent = description;
    label.style.display = description ? "" : "none";
    label.style.width = model.get("label_width") || "";
    if (document.activeElement !== input || !input.value) input.value = model.get("text");
    input.placeholder = model.get("placeholder");
    input.setAttribute("aria-label", description || model.get("placeholder"));
    input.disabled = calendar.disabled = model.get("disabled");
    calendar.title = model.get("calendar_label");
    calendar.setAttribute("aria-label", model.get("calendar_label"));
    const message = model.get("error");
    error.textContent = message;
    // the widget's classes (a refused value is marked "qm-refused") are set here: anywidget leaves them out
    box.className = ["qm-date", ...(model.get("_dom_classes") || []), message ? "qm-date-bad" : ""].join(" ").trim();
    input.setAttribute("aria-invalid", message ? "true" : "false");
  };
  input.addEventListener("change", () => send(input.value));
  input.addEventListener("keydown", (event) => {
    if (event.key === "Enter") send(input.value);
  });
  calendar.addEventListener("click", () => {
    native.value = iso(input.value);
    try {
      native.showPicker();
    } catch (_e) {
      input.focus();
    }
  });
  native.addEventListener("change", () => {
    if (!native.value) return;
    const [y, m, d] = native.value.split("-");
    input.value = `${d}.${m}.${y}`;
    send(input.value);
  });
  model.on("change:text", () => {
    input.value = model.get("text");
  });
  for (const name of ["description", "label_width", "disabled", "placeholder", "calendar_label", "error", "_dom_classes"]) {
    model.on(`change:${name}`, show);
  }
  show();
}

export default { render };
