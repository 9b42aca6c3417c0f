#!/usr/bin/env node
// negcheck is written in TypeScript; tsx compiles it on load (and lets `prove` load a
// user's proposal.ts the same way).
import { register } from 'tsx/esm/api';

// `negcheck ... | head` closes stdout early: stop quietly, as other command-line tools do
process.stdout.on('error', e => { if (e.code === 'EPIPE') process.exit(process.exitCode ?? 0); else throw e; });

register();
await import('../cli/main.ts');
