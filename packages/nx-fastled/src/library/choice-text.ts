// Why library resolution picked a library, in words for `nx show project` (resolver.ts has the rules):
//   "provides <Shared.h> to the sketch (workspace; the highest priority; 11710 over SharedThing 11310)"
import { LOCATION_LABEL, type HeaderChoice } from './resolver';

const RULE: Record<HeaderChoice['rule'], string> = {
  only: 'the only library offering it',
  priority: 'the highest priority',
  'closest-name': 'equal priority, closest name to the header',
  'first-by-name': 'equal priority, first by name',
};

export function choiceText(choice: HeaderChoice, to: string): string {
  const best = choice.alternatives.find((a) => a.lib === choice.chosen);
  const others = choice.alternatives.filter((a) => a.lib !== choice.chosen).slice(0, 3);
  const where = LOCATION_LABEL[choice.chosen.location];
  const versus = others.length ? `; ${best?.priority ?? '?'} over ${others.map((o) => `${o.lib.name} ${o.priority}`).join(', ')}` : '';
  return `provides <${choice.header}> to ${to} (${where}; ${RULE[choice.rule]}${versus})`;
}
