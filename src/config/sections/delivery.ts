/**
 * Config section `delivery`: keys, defaults and documentation in one zod schema (STYLE.md §7).
 * zod 4: nested objects take `.prefault({})` (not `.default({})`) so inner defaults apply.
 */
import { z } from 'zod';

export const deliverySchema = z.object({}).prefault({});

export type DeliveryConfig = z.infer<typeof deliverySchema>;
