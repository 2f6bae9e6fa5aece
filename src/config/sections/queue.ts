/**
 * Config section `queue`: keys, defaults and documentation in one zod schema (STYLE.md §7).
 * zod 4: nested objects take `.prefault({})` (not `.default({})`) so inner defaults apply.
 */
import { z } from 'zod';

export const queueSchema = z.object({}).prefault({});

export type QueueConfig = z.infer<typeof queueSchema>;
