/** The memory store against the shared directory contract. */
import { directoryContract } from '../directory-contract.js';
import { MemoryDirectoryStore } from './directory.js';

directoryContract('memory', async (now) => ({ store: new MemoryDirectoryStore(now), close: () => {} }));
