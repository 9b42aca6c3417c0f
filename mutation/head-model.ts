// The model at HEAD for the mutation judges: the checkout's own model/, loaded from outside Stryker's
// sandbox (<checkout>/.stryker-tmp/sandbox-*), where Stryker switches mutants in this copy's model/.
// Run outside a sandbox, it is this checkout's model (every mutant judge then holds).

import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { tsImport } from 'tsx/esm/api';
import type { ModelFactory } from '../types/stack.ts';

/** The checkout this sandbox was copied from, or this one. */
function checkout(): string {
  const root = join(dirname(fileURLToPath(import.meta.url)), '..');
  return /^(.*)[/\\]\.stryker-tmp[/\\][^/\\]+$/.exec(root)?.[1] ?? root;
}

export const headModel = ((await tsImport(pathToFileURL(join(checkout(), 'model', 'stack.ts')).href, import.meta.url)) as { createModelStack: ModelFactory }).createModelStack;
