// The whole stack as a Subject: the reference model and the optimised implementation.

import { createImplStack } from '../impl/stack.ts';
import { createModelStack } from '../model/stack.ts';
import type { Subject } from '../types/property.ts';

export const stackSubject = { model: createModelStack, impl: createImplStack } as const satisfies Subject;
