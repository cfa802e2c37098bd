export {
  EngineUnavailableError,
  engineCacheDir,
  ensureEngineBinary,
  FERRETDB_VERSION,
} from './binary.js'
export { type EngineHandle, ensureEngine, freePort, startEngine } from './engine.js'
