// Mermaid is 3.5 MB: fetch it only when a diagram comes near the viewport, never at page load.
// Material draws each `pre.mermaid` through the global `mermaid` (with its own light/dark theme
// CSS), and fetches the library from unpkg.com if there is no such global when it mounts the
// diagrams. This stand-in is that global: it keeps Material's settings and hands every render
// to the real library (the pinned copy this site serves) once a diagram is about to be seen.
// The mermaid2 plugin adds this script to every page with a diagram, and only to those
// (mkdocs.yml), at the end of the body: it runs before Material mounts the diagrams.
(() => {
  const src = new URL("../assets/vendor/mermaid/mermaid.min.js", document.currentScript.src).href;
  const blocks = document.querySelectorAll("pre.mermaid");
  let settings = {};
  let library;

  const near = new Promise((resolve) => {
    if (!blocks.length || !("IntersectionObserver" in window)) return resolve();
    const observer = new IntersectionObserver(
      (entries) => {
        if (entries.some((entry) => entry.isIntersecting)) {
          observer.disconnect();
          resolve();
        }
      },
      { rootMargin: "100% 0px" }, // one screen ahead of the reader
    );
    blocks.forEach((block) => observer.observe(block));
  });

  const load = () =>
    (library ||= new Promise((resolve, reject) => {
      const script = document.createElement("script");
      script.src = src;
      script.onload = () => {
        window.mermaid.initialize(settings); // the real library has replaced this stand-in
        resolve(window.mermaid);
      };
      script.onerror = () => reject(new Error(`Could not load ${src}`));
      document.head.append(script);
    }));

  window.mermaid = {
    initialize(options) {
      settings = options;
    },
    render(id, text) {
      return near.then(load).then((real) => real.render(id, text));
    },
  };
})();
