/**
 * @module shelfcast
 * Library entry point: the domain modules that the CLI and the HTTP server call.
 */
export * from './models/model.js';
