/** The option parser and help of magics live in the front-end kit (src/frontend/args.ts); re-exported for magics. */
export * from "../frontend/args.js";
