// `negcheck kernel`'s default inputs for a lab kernel, as the command, the benchmark and the tests
// take them: corpus/ and the shared message-path vectors (lab/inputs.ts), the seed stories
// (lab/stories.ts), and the catalogue's counterexamples whose kernel it is (lab/catalogue.ts).

import { existsSync } from 'node:fs';
import { catalogueInputs } from './catalogue.ts';
import { defaultInputPaths, type KernelInput, readInputs } from './inputs.ts';
import { labProfile } from './profiles.ts';
import { LAB_STORIES } from './stories.ts';

export interface DefaultInputs {
  /**
   * default paths that are not here: the shared vectors live beside the repository (../shared),
   * which a workflow's checkout may not have; the command says which it left out, the tests require none
   */
  readonly missing: readonly string[];
  /** every default input of lab kernel `id` */
  readonly forKernel: (id: string) => KernelInput[];
}

export function defaultKernelInputs(root: string): DefaultInputs {
  const paths = defaultInputPaths(root);
  const common = [...readInputs(paths.filter(p => existsSync(p))), ...LAB_STORIES];
  return { missing: paths.filter(p => !existsSync(p)), forKernel: id => [...common, ...catalogueInputs(labProfile(id))] };
}
