// Injected into the CommonJS bundle for the single executables: import.meta.url for ESM-only deps.
export const importMetaUrl = require('node:url').pathToFileURL(__filename).href;
