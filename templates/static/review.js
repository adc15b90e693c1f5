/* Seamline review: a small lightbox with zoom for sketches, control maps and drafts.
 *
 * Progressive enhancement: every image is a link to the full file and every action is a plain form, so the
 * page works without this script. No inline script anywhere (the Content-Security-Policy forbids it).
 */
(function () {
  "use strict";

  var dialog = null;
  var stage = null;
  var img = null;
  var caption = null;
  var group = [];
  var index = 0;
  var zoomed = false;

  function build() {
    dialog = document.createElement("dialog");
    dialog.className = "lightbox";
    dialog.setAttribute("aria-label", "Image viewer");

    stage = document.createElement("div");
    stage.className = "lb-stage";
    img = document.createElement("img");
    img.alt = "";
    stage.appendChild(img);

    var bar = document.createElement("div");
    bar.className = "lb-bar";
    caption = document.createElement("span");
    caption.className = "lb-caption";
    var prev = button("← Prev", function () { step(-1); });
    var next = button("Next →", function () { step(1); });
    var zoom = button("Zoom", toggleZoom);
    var close = button("Close ✕", function () { dialog.close(); });
    bar.append(caption, prev, next, zoom, close);

    dialog.append(stage, bar);
    document.body.appendChild(dialog);

    img.addEventListener("click", function (event) { event.stopPropagation(); toggleZoom(); });
    img.addEventListener("load", fit);
    stage.addEventListener("click", function (event) { if (event.target === stage) { dialog.close(); } });
    dialog.addEventListener("keydown", function (event) {
      if (event.key === "ArrowRight") { step(1); event.preventDefault(); }
      else if (event.key === "ArrowLeft") { step(-1); event.preventDefault(); }
      else if (event.key === "z" || event.key === "+") { toggleZoom(); }
    });
    window.addEventListener("resize", fit);
  }

  function button(label, onClick) {
    var b = document.createElement("button");
    b.type = "button";
    b.textContent = label;
    b.addEventListener("click", function (event) { event.stopPropagation(); onClick(); });
    return b;
  }

  /* Fill the screen when not zoomed (drafts are often small), 2.5x that when zoomed. */
  function fit() {
    if (!img.naturalWidth) { return; }
    var scale = Math.min((window.innerWidth * 0.92) / img.naturalWidth, (window.innerHeight * 0.82) / img.naturalHeight);
    if (zoomed) { scale *= 2.5; }
    img.style.width = Math.round(img.naturalWidth * scale) + "px";
    img.style.height = Math.round(img.naturalHeight * scale) + "px";
    stage.classList.toggle("is-zoomed", zoomed);
  }

  function toggleZoom() {
    zoomed = !zoomed;
    fit();
  }

  function show(i) {
    index = (i + group.length) % group.length;
    var link = group[index];
    zoomed = false;
    img.src = link.getAttribute("href");
    var thumb = link.querySelector("img");
    img.alt = thumb ? thumb.alt : "";
    caption.textContent = (link.dataset.caption || img.alt) + (group.length > 1 ? "  ·  " + (index + 1) + " / " + group.length : "");
    fit();
  }

  function step(delta) {
    if (group.length > 1) { show(index + delta); }
  }

  document.addEventListener("click", function (event) {
    if (event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey) { return; }
    var link = event.target.closest ? event.target.closest("a.zoom") : null;
    if (!link) { return; }
    if (!dialog) { build(); }
    if (typeof dialog.showModal !== "function") { return; } /* old browser: follow the link */
    event.preventDefault();
    var container = link.closest(".draft-grid, .refs, .tl-thumbs") || document;
    group = Array.prototype.slice.call(container.querySelectorAll("a.zoom"));
    dialog.showModal();
    show(Math.max(0, group.indexOf(link)));
  });

  /* Ask before rejecting: the one decision that cannot lead anywhere. */
  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (form.classList && form.classList.contains("panel-reject") && !window.confirm("Reject this look? It ends here.")) {
      event.preventDefault();
    }
  });

  /* Approving a draft that drifts from its sketch: ask, and tick the form's "I have checked the drift" box
   * on yes. The server refuses the approval unless that box is ticked, with or without this script. */
  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (!form.classList || !form.classList.contains("approve-form") || !form.dataset.drift) { return; }
    var box = form.querySelector('input[name="confirm_drift"]');
    if (!box || box.checked) { return; }
    if (window.confirm(form.dataset.drift)) {
      box.checked = true;
    } else {
      event.preventDefault();
    }
  });
})();
