// Live preview: ask the watch server for its state; reload when a newer build is ready,
// show the errors of a broken edit in a banner over the last good preview.
(function () {
  var meta = document.querySelector('meta[name="bookkit-generation"]');
  var shown = meta ? Number(meta.content) : -1;
  var key = "bookkit-scroll:" + location.pathname;
  var saved = sessionStorage.getItem(key);
  if (saved !== null) { window.scrollTo(0, Number(saved)); sessionStorage.removeItem(key); }
  var banner = document.createElement("pre");
  banner.id = "bookkit-banner";
  banner.hidden = true;
  banner.setAttribute("role", "alert");
  document.body.appendChild(banner);

  function show(errors) {
    if (!errors.length) { banner.hidden = true; banner.textContent = ""; return; }
    banner.textContent = "";
    var title = document.createElement("strong");
    title.textContent = "The last edit did not build; this is the last good preview.";
    banner.appendChild(title);
    banner.appendChild(document.createTextNode(errors.join("\n")));
    banner.hidden = false;
  }

  function poll() {
    fetch("/_bookkit/status", {cache: "no-store"})
      .then(function (r) { return r.json(); })
      .then(function (state) {
        if (state.generation !== shown && state.generation > 0) {
          sessionStorage.setItem(key, String(window.scrollY));
          location.reload();
          return;
        }
        show(state.errors);
        setTimeout(poll, 300);
      })
      .catch(function () { setTimeout(poll, 1000); });  // server restarting or stopped
  }
  poll();
})();
