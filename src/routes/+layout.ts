// Everything renders on the device from IndexedDB: no server rendering, no prerendering.
export const ssr = false;
export const prerender = false;
