/** Product images: what the rest of the code may use. */
export { CloudinaryImageStore } from './cloudinary-image-store.adapter.js'
export { DiskImageStore } from './disk-image-store.adapter.js'
export {
  ACCEPTED_IMAGE_FORMATS,
  MAX_IMAGE_BYTES,
  MAX_IMAGE_PIXELS,
  sanitizeImage,
  sniffImageFormat,
} from './image.sanitizer.js'
export { type ReorderImagesBody, reorderImagesBody } from './image.schemas.js'
export type {
  ImageFormat,
  ImageStore,
  ImageStoreKind,
  SanitizedImage,
  StoredImage,
} from './image-store.port.js'
export { imageStoresFor, mediaDirOf } from './image-stores.js'
export { type ImagesDeps, ImagesService, type UploadedFile } from './images.service.js'
