// One transit movement, from lodging to discharge: workflow id = MRN.
// The story of the procedure: the declaration is registered and guaranteed at departure, then
// the officers' acts move it on — release (./departure.ts), the border post (./border-post.ts),
// arrival and control at destination (./destination.ts), incidents on the road (./road.ts),
// a diversion to another office of destination or exit (./diversion.ts),
// supervisors and the enquiry (./supervision.ts) — while the watch (./watch.ts) holds the
// deadlines and the escalation ladder. The same acts recorded in a national system arrive from
// its journal (./interconnection.ts). Who may act when is in ./procedure.ts.
import { allHandlersFinished, condition, setHandler } from '@temporalio/workflow';
import { registerBorderPostActs } from './border-post.ts';
import { registerAndGuarantee, registerDepartureActs } from './departure.ts';
import { registerDestinationActs } from './destination.ts';
import { registerDiversionAct } from './diversion.ts';
import { acceptRegistered, registerInterconnection } from './interconnection.ts';
import * as m from './messages.ts';
import type { TransitInput } from './model.ts';
import { Movement } from './movement.ts';
import { registerRoadActs } from './road.ts';
import { closing } from './state.ts';
import { registerSupervisionActs } from './supervision.ts';
import { registerRecoveryAct } from './guarantee.ts';
import { watch } from './watch.ts';

export async function transit(input: TransitInput): Promise<ReturnType<typeof closing>> {
  const mv = new Movement(input);

  // Every handler is registered before the first await, so no act can arrive unheard.
  setHandler(m.stateQuery, () => mv.state);
  registerDepartureActs(mv);
  registerBorderPostActs(mv);
  registerDestinationActs(mv);
  registerRoadActs(mv);
  registerDiversionAct(mv);
  registerSupervisionActs(mv);
  registerRecoveryAct(mv);
  registerInterconnection(mv);

  await mv.lock.run(async () => {
    // Lodged in the departure country's own system: registered and guaranteed there already.
    if (mv.registeredIn) acceptRegistered(mv, mv.registeredIn);
    else await registerAndGuarantee(mv);
    mv.search.sync(mv.state);
  });
  if (!mv.isTerminal()) await watch(mv);
  // A fallback act still waiting for its system is written before the movement closes.
  await condition(() => mv.deliveriesDone() && mv.fallback.settled() && allHandlersFinished() && !mv.lock.held);
  return closing(mv.state);
}
