/* The teaching deck's navigation, for the fallback renderer (Quarto's revealjs brings its
   own). Every <section class="level2"> of the page is one slide of a 1280 x 720 stage,
   scaled to fit the window. Keys: Right, Down, PageDown, Space, N: next; Left, Up,
   PageUp, Shift+Space, P: previous; Home: first; End: last (not while a form control of
   the page, e.g. the prior explorer's sliders, has the focus). The counter shows
   "current / total"; the address keeps "#/n" so a reload stays on the slide. No library,
   no URL: it works from file://, offline. Printing shows every slide, one per page. */
(function () {
  "use strict";
  var WIDTH = 1280, HEIGHT = 720;
  var root = document.documentElement;
  var slides = Array.prototype.slice.call(document.querySelectorAll("section.level2"));
  if (!slides.length) return;
  root.classList.add("deck-fallback");
  var current = 0;

  var bar = document.createElement("nav");
  bar.className = "deck-bar";
  bar.setAttribute("aria-label", "Slide navigation");
  function button(className, label, text) {
    var element = document.createElement("button");
    element.type = "button";
    element.className = className;
    element.setAttribute("aria-label", label);
    element.textContent = text;
    return element;
  }
  var previous = button("deck-previous", "Previous slide", "\u2039");
  var counter = document.createElement("span");
  counter.className = "slide-counter";
  counter.setAttribute("aria-live", "polite");
  var next = button("deck-next", "Next slide", "\u203a");
  bar.appendChild(previous);
  bar.appendChild(counter);
  bar.appendChild(next);
  document.body.appendChild(bar);

  slides.forEach(function (slide, index) {
    slide.classList.add("slide");
    slide.setAttribute("aria-roledescription", "slide");
    slide.setAttribute("aria-label", (index + 1) + " / " + slides.length);
  });

  function fromHash() {
    var match = /^#\/(\d+)$/.exec(window.location.hash);
    return match ? parseInt(match[1], 10) - 1 : 0;
  }

  function show(index) {
    current = Math.max(0, Math.min(slides.length - 1, index));
    slides.forEach(function (slide, i) {
      var here = i === current;
      slide.classList.toggle("current", here);
      slide.setAttribute("aria-hidden", here ? "false" : "true");
    });
    counter.textContent = (current + 1) + " / " + slides.length;
    previous.disabled = current === 0;
    next.disabled = current === slides.length - 1;
    var hash = "#/" + (current + 1);
    if (window.location.hash !== hash) {
      try {
        window.history.replaceState(null, "", hash);
      } catch (error) {
        /* some browsers refuse history on file:// pages; the slide still changes */
      }
    }
  }

  function fit() {
    var scale = Math.min(window.innerWidth / WIDTH, window.innerHeight / HEIGHT);
    root.style.setProperty("--deck-scale", String(scale > 0 ? scale : 1));
  }

  function inControl(target) {
    if (!target || !target.tagName) return false;
    var tag = target.tagName.toLowerCase();
    return tag === "input" || tag === "select" || tag === "textarea" || tag === "button" ||
      target.isContentEditable;
  }

  document.addEventListener("keydown", function (event) {
    if (event.altKey || event.ctrlKey || event.metaKey) return;
    var key = event.key;
    var target = event.target;
    if (inControl(target) && !(target.closest && target.closest(".deck-bar"))) return;
    var to = null;
    if (key === "ArrowRight" || key === "ArrowDown" || key === "PageDown" || key === "n" ||
        key === "N" || (key === " " && !event.shiftKey)) to = current + 1;
    else if (key === "ArrowLeft" || key === "ArrowUp" || key === "PageUp" || key === "p" ||
             key === "P" || (key === " " && event.shiftKey)) to = current - 1;
    else if (key === "Home") to = 0;
    else if (key === "End") to = slides.length - 1;
    if (to === null) return;
    event.preventDefault();
    show(to);
  });
  previous.addEventListener("click", function () { show(current - 1); });
  next.addEventListener("click", function () { show(current + 1); });
  window.addEventListener("hashchange", function () { show(fromHash()); });
  window.addEventListener("resize", fit);
  fit();
  show(fromHash());
})();
