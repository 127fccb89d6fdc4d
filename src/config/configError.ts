// ConfigError lives with the engine's other errors; re-exported here for existing importers.
export { ConfigError } from '../errors.js';
