// Public API of the generate stage; re-exported from src/index.ts.
export {};
