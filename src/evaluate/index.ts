// Public API of the evaluate stage; re-exported from src/index.ts.
export {};
