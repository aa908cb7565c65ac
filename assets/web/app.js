// Live preview of an item's body while it is typed (the server renders it exactly as the portal will).
document.addEventListener("DOMContentLoaded", () => {
  const body = document.querySelector("textarea[data-preview]");
  if (!body) return;
  const target = document.getElementById(body.dataset.preview);
  const token = document.querySelector("input[name=csrf]").value;
  let timer = null;
  const refresh = async () => {
    const form = new FormData();
    form.append("csrf", token);
    form.append("body", body.value);
    const answer = await fetch("/xem-truoc-noi-dung", { method: "POST", body: form });
    if (answer.ok) target.innerHTML = await answer.text();
  };
  body.addEventListener("input", () => { clearTimeout(timer); timer = setTimeout(refresh, 300); });
  refresh();
});
