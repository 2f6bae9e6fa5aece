/** The memory store against the shared vacation contract. */

import { MemoryVacationStore } from './vacation.js';
import { vacationContract } from './vacation-contract.js';

vacationContract('memory', async (now) => ({ store: new MemoryVacationStore(now), close: () => {} }));
