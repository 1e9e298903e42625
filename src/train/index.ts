// Public API of the train stage; re-exported from src/index.ts.
export {};
