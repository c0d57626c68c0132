// The chunked upload (anywidget): size checked in the browser, the file sent in 1 MiB pieces.
function render({ model, el }) {
  const box = document.createElement("div");
  box.className = "qm-upload";
  const label = document.createElement("label");
  label.className = "qm-upload-button";
  const input = document.createElement("input");
  input.type = "file";
  input.multiple = model.get("multiple");
  if (model.get("accept")) input.accept = model.get("accept");
  input.setAttribute("aria-label", model.get("label"));
  const text = document.createElement("span");
  text.textContent = model.get("label");
  label.append(input, text);
  const status = document.createElement("span");
  status.className = "qm-upload-status";
  status.setAttribute("role", "status");
  box.append(label, status);
  el.append(box);
  input.addEventListener("change", async () => {
    const chosen = Array.from(input.files || []);
    input.value = "";
    const max = model.get("max_bytes");
    const chunk = model.get("chunk_bytes");
    for (const file of chosen) {
      if (file.size > max || file.size === 0) {
        status.textContent = file.size === 0 ? model.get("empty_text") : model.get("too_big_text");
        model.send({ kind: "refused", name: file.name, size: file.size });
        continue;
      }
      model.send({ kind: "start", name: file.name, size: file.size });
      for (let offset = 0; offset < file.size; offset += chunk) {
        const piece = await file.slice(offset, offset + chunk).arrayBuffer();
        model.send({ kind: "chunk", offset }, undefined, [piece]);
        const done = Math.min(100, Math.round((100 * (offset + piece.byteLength)) / file.size));
        status.textContent = file.name + ": " + done + " %";
      }
      model.send({ kind: "end" });
      status.textContent = "";
    }
  });
}
export default { render };
