export {
  ENGINE_PATCH,
  EngineUnavailableError,
  type EngineVariant,
  engineCacheDir,
  engineFingerprint,
  ensureEngineBinary,
  FERRETDB_VERSION,
} from './binary.js'
export { type EngineHandle, ensureEngine, freePort, startEngine } from './engine.js'
