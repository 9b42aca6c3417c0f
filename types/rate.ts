// A count per second over a time in ms, rounded: the one way every table and the report page say "N/s".

/** Per second, rounded; 0 for no time. */
export const rate = (n: number, ms: number): number => (ms > 0 ? Math.round((n * 1000) / ms) : 0);
