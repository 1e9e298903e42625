// Public API of the charts stage; re-exported from src/index.ts.
export {};
