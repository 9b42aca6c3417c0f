// Finding a story's counterexample with the search: the story's property over its scope with
// the pinned fields fixed, counting only violations whose trace still has the story's
// essentials, so fast-check shrinks everything else away and never the story.

import type fc from 'fast-check';
import type { Profile } from '../types/profile.ts';
import { entryFromCounterexample, type CorpusEntry } from './corpus.ts';
import { propertyById } from '../properties/index.ts';
import { checkSafely, runProperty, type Counterexample } from './run.ts';
import type { PropertyDef, Subject } from '../types/property.ts';
import { missingEssentials, pinProfile, traceSteps, type Story } from './story.ts';
import { stackSubject } from './subject.ts';

/** The story's property: its check, but a violation counts only if the essentials are all there. */
export function storyProperty(story: Story): { def: PropertyDef; profiles: fc.Arbitrary<Profile> } {
  const base = propertyById(story.property);
  if (base === undefined) throw new Error(`story ${story.name}: unknown property ${story.property}`);
  const def: PropertyDef = {
    ...base,
    check(subject: Subject, profile: Profile, ops) {
      const v = checkSafely(base, subject, profile, ops);
      if (v === null) return null;
      // the story is told by the trace up to the step where the property broke: what a script
      // does after it is shrunk away anyway, and "ends with" means "breaks with"
      const told = v.step >= 0 ? ops.slice(0, v.step + 1) : ops;
      return missingEssentials(story, profile, traceSteps(subject.model, profile, told)).length === 0 ? v : null;
    },
  };
  return { def, profiles: (base.scope ?? base.profiles).map(p => pinProfile(p, story.pins)) };
}

/** The shrunk counterexample that tells the story, or null when `runs` runs found none. */
export function findStory(story: Story, seed: number, runs: number): Counterexample | null {
  const { def, profiles } = storyProperty(story);
  return runProperty(def, stackSubject, { seed, numRuns: runs, profiles }).counterexample ?? null;
}

/** The corpus entry a story's counterexample is saved as: a documented broken policy, so `violated`. */
export function storyEntry(story: Story, cx: Counterexample): CorpusEntry {
  return entryFromCounterexample(cx, story.title, 'violated');
}
