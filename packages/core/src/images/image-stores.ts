import { join } from 'node:path'
import type { Config } from '../shared/config.js'
import { CloudinaryImageStore } from './cloudinary-image-store.adapter.js'
import { DiskImageStore } from './disk-image-store.adapter.js'
import type { ImageStore, ImageStoreKind } from './image-store.port.js'

/** Where disk-stored media lives; the Express host serves it at `/media`. */
export const mediaDirOf = (config: Pick<Config, 'dataDir'>): string => join(config.dataDir, 'media')

/**
 * The image stores the configuration asks for: new images go to Cloudinary when CLOUDINARY_URL
 * is set, else to disk. Disk stays available either way, because images already stored there
 * are still deleted there.
 */
export function imageStoresFor(config: Pick<Config, 'dataDir' | 'publicUrl' | 'cloudinary'>): {
  store: ImageStore
  stores: Partial<Record<ImageStoreKind, ImageStore>>
} {
  const disk = new DiskImageStore({ mediaDir: mediaDirOf(config), publicUrl: config.publicUrl })
  const cloudinary = config.cloudinary ? new CloudinaryImageStore(config.cloudinary) : undefined
  return { store: cloudinary ?? disk, stores: { disk, ...(cloudinary ? { cloudinary } : {}) } }
}
