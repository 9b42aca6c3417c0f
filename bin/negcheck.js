#!/usr/bin/env node
// negcheck is written in TypeScript; tsx compiles it on load (and lets `prove` load a
// user's proposal.ts the same way).
import { register } from 'tsx/esm/api';

register();
await import('../cli/main.ts');
