/**
 * The store's interfaces, one file per port under ports/. Modules depend on these, never on
 * a concrete store (DESIGN.md: store/ports.ts).
 */
export * from './ports/directory.js';
