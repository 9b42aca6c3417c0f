// A usage or input error: the command prints its message and exits 2.

export class UsageError extends Error {}
