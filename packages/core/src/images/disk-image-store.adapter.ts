import { randomBytes } from 'node:crypto'
import { mkdir, unlink, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import {
  extensionOf,
  type ImageStore,
  type SanitizedImage,
  type StoredImage,
} from './image-store.port.js'

// Only names this store made are ever turned into paths, so a bad key cannot escape the folder.
const STORAGE_KEY = /^products\/[0-9a-f]{32}\.(jpg|png|webp)$/

/**
 * Product images as files under `<mediaDir>/products/<random>.<ext>`; the host serves
 * `mediaDir` at `/media`, so the URL is `<publicUrl>/media/products/<random>.<ext>`.
 */
export class DiskImageStore implements ImageStore {
  readonly kind = 'disk' as const

  constructor(private deps: { mediaDir: string; publicUrl: string }) {}

  async put(image: SanitizedImage): Promise<StoredImage> {
    const storageKey = `products/${randomBytes(16).toString('hex')}.${extensionOf[image.format]}`
    await mkdir(join(this.deps.mediaDir, 'products'), { recursive: true })
    // 'wx': never overwrite, and no execute bits on anything we write.
    await writeFile(this.pathOf(storageKey), image.bytes, { flag: 'wx', mode: 0o644 })
    return { storageKey, url: `${this.deps.publicUrl}/media/${storageKey}` }
  }

  async delete(storageKey: string): Promise<void> {
    try {
      await unlink(this.pathOf(storageKey))
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error
    }
  }

  /** The file behind a storage key. @throws Error for a key this store did not make. */
  pathOf(storageKey: string): string {
    if (!STORAGE_KEY.test(storageKey)) throw new Error(`Not a disk image key: ${storageKey}`)
    return join(this.deps.mediaDir, storageKey)
  }
}
