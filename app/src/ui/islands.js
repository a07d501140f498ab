// Starts the page's islands once the browser is idle: the page is complete HTML before this
// runs, so the WASM only adds the niceties. Once per page, however many islands asked for it.
(() => {
  if (window.__portalIslands) return;
  window.__portalIslands = true;
  const start = () => import('/pkg/portal.js').then(async (app) => {
    await app.default({ module_or_path: '/pkg/portal.wasm' });
    app.hydrate();
    // Also for islands that arrive later, in a region a live update put on the page.
    const hydrate = (root) => root.querySelectorAll('leptos-island').forEach((island) => {
      const start = app[island.dataset.component];
      if (start) start(island);
    });
    window.__portalHydrate = hydrate;
    hydrate(document);
    document.documentElement.setAttribute('data-hydrated', '');
  });
  if ('requestIdleCallback' in window) requestIdleCallback(start, { timeout: 2000 });
  else setTimeout(start, 1);
})();
