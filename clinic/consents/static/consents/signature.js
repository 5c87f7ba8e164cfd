// The signature pad of the consent page: strokes drawn with a finger, pen or mouse are kept as
// [[x, y], ...] in the pad's 600 × 200 box and written as JSON into the hidden field named by data-target.
(function () {
  "use strict";

  function setUp(canvas) {
    var field = document.getElementById(canvas.getAttribute("data-target"));
    var context = canvas.getContext("2d");
    var strokes = [];
    var current = null;

    try { strokes = JSON.parse(field.value || "[]"); } catch (error) { strokes = []; }

    function point(event) {
      var box = canvas.getBoundingClientRect();
      return [Math.round((event.clientX - box.left) * canvas.width / box.width),
              Math.round((event.clientY - box.top) * canvas.height / box.height)];
    }

    function draw() {
      context.clearRect(0, 0, canvas.width, canvas.height);
      context.lineWidth = 3;
      context.lineCap = "round";
      context.lineJoin = "round";
      context.strokeStyle = "#1d2b3a";
      strokes.forEach(function (stroke) {
        context.beginPath();
        stroke.forEach(function (xy, index) {
          if (index === 0) { context.moveTo(xy[0], xy[1]); } else { context.lineTo(xy[0], xy[1]); }
        });
        if (stroke.length === 1) { context.lineTo(stroke[0][0] + 1, stroke[0][1]); }
        context.stroke();
      });
    }

    function save() { field.value = strokes.length ? JSON.stringify(strokes) : ""; }

    function inside(xy) {
      return [Math.min(canvas.width, Math.max(0, xy[0])), Math.min(canvas.height, Math.max(0, xy[1]))];
    }

    canvas.addEventListener("pointerdown", function (event) {
      event.preventDefault();
      canvas.setPointerCapture(event.pointerId);
      current = [inside(point(event))];
      strokes.push(current);
      draw();
    });
    canvas.addEventListener("pointermove", function (event) {
      if (!current) { return; }
      current.push(inside(point(event)));
      draw();
    });
    function end() {
      if (!current) { return; }
      current = null;
      save();
    }
    canvas.addEventListener("pointerup", end);
    canvas.addEventListener("pointercancel", end);

    var clear = canvas.closest("form").querySelector("[data-signature-clear]");
    if (clear) {
      clear.addEventListener("click", function () {
        strokes = [];
        save();
        draw();
      });
    }
    draw();
  }

  document.addEventListener("DOMContentLoaded", function () {
    Array.prototype.forEach.call(document.querySelectorAll("canvas[data-signature-pad]"), setUp);
  });
}());
