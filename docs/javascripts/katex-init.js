// Render the arithmatex spans (pymdownx.arithmatex, generic mode) with the KaTeX
// copy this site serves itself. Material's document$ re-emits on every page view.
document$.subscribe(() => {
  renderMathInElement(document.body, {
    delimiters: [
      { left: "$$", right: "$$", display: true },
      { left: "\\(", right: "\\)", display: false },
      { left: "\\[", right: "\\]", display: true },
    ],
    throwOnError: true,
  });
});
