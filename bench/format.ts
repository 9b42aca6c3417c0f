// How the gate's figures are written, in the terminal table, the job summary and the report page.

/** A relative change as a signed percentage; an interval Hodges-Lehmann leaves open (few processes) is ±∞. */
export const pct = (x: number): string => (Number.isFinite(x) ? `${x >= 0 ? '+' : ''}${(x * 100).toFixed(1)}%` : x > 0 ? '+∞' : '−∞');

/** A p-value: four decimals, or in exponent form below 1e-4. */
export const fmtP = (p: number): string => (p < 1e-4 ? p.toExponential(1) : p.toFixed(4));
