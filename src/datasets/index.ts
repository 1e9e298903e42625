// Public API of the datasets stage; re-exported from src/index.ts.
export {};
