// An error in what the user gave (an option, a proposal file, a corpus entry): every command
// reports it as `negcheck <command>: <message>` and exits 2, never with a stack trace.

export class InputError extends Error {}
