// A script file (no import/export), so the wildcard module declaration is global.

/** Plain CSS files are imported for their side effect; Vite bundles them. */
declare module '*.css';
