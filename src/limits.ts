/**
 * Caps on the sizes a user can ask for. The library checks them (one clear error before any work),
 * and the CLI and magic option declarations carry them as `max`, so a typo like `--rows 1e12` is
 * refused up front instead of failing deep inside with "Invalid typed array length" or running for
 * hours. No runtime imports: the magics read these at kernel start.
 */

/** Rows one generate() call may produce (more: generate in parts and concatenate). */
export const MAX_ROWS = 10_000_000;

/** QScore queries per report; the score's interval is already narrow at a few thousand. */
export const MAX_QUERIES = 10_000;

/** Units in one hidden layer of the MLP. */
export const MAX_LAYER_UNITS = 4096;

/** Weights of one network (Adam keeps two more copies: 3 × 4 bytes each, about 240 MB at the cap). */
export const MAX_PARAMETERS = 20_000_000;

/** Epochs of one training run. */
export const MAX_EPOCHS = 100_000;
