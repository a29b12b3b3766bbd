"use strict";
// Three ways to compare expected and actual: side by side, an overlay slider, a blink.
for (const entry of document.querySelectorAll(".entry[data-view]")) {
  const buttons = entry.querySelectorAll(".views button");
  for (const button of buttons) {
    button.addEventListener("click", () => {
      entry.dataset.view = button.dataset.view;
      for (const other of buttons) other.classList.toggle("active", other === button);
    });
  }
  const range = entry.querySelector(".slider input[type=range]");
  if (range) {
    const over = entry.querySelector(".slider img.over");
    const show = () => { over.style.clipPath = "inset(0 " + (100 - range.value) + "% 0 0)"; };
    range.addEventListener("input", show);
    show();
  }
  const toggle = entry.querySelector(".blink button.toggle");
  if (toggle) {
    const images = entry.querySelectorAll(".blink img");
    const label = entry.querySelector(".blink .showing");
    const flip = () => {
      for (const image of images) image.hidden = !image.hidden;
      const shown = [...images].find((image) => !image.hidden);
      label.textContent = shown.dataset.kind;
    };
    toggle.addEventListener("click", flip);
    let timer = null;
    entry.querySelector(".blink input.auto").addEventListener("change", (event) => {
      clearInterval(timer);
      timer = event.target.checked ? setInterval(flip, 600) : null;
    });
  }
}
for (const button of document.querySelectorAll("button.copy")) {
  button.addEventListener("click", () => {
    const text = button.previousElementSibling.textContent;
    const done = () => { button.textContent = "Copied"; };
    if (navigator.clipboard) {
      navigator.clipboard.writeText(text).then(done, () => selectText(button.previousElementSibling));
    } else {
      selectText(button.previousElementSibling);
    }
  });
}
function selectText(node) {
  const range = document.createRange();
  range.selectNodeContents(node);
  const selection = window.getSelection();
  selection.removeAllRanges();
  selection.addRange(range);
}
